import { outcomeOf } from '../outcome';
import type { GraphSettings } from '../credential/settings';
import type { GraphClient } from '../transport/graphClient';
import { GraphApiError } from '../transport/graphErrors';
import { adviseGraphError } from './graphAdvice';
import type { SetupFinding } from './probes';

/**
 * Whether the app can read the mailbox, as the Office 365 Mail Trigger does: `GET
 * …/mailFolders/inbox/messages` for one message's id. Reading needs the application permission
 * Mail.Read (or Mail.ReadWrite), which the same Exchange scoping as sending limits
 * (https://learn.microsoft.com/graph/api/user-list-messages,
 * https://learn.microsoft.com/exchange/permissions-exo/application-rbac). Sending does not need it,
 * so the result is a finding, never a failure; it never throws.
 */
export async function probeRead(
	graph: GraphClient,
	settings: GraphSettings,
	mailbox: string,
): Promise<SetupFinding> {
	const url = `${graph.userUrl(mailbox, 'mailFolders', 'inbox', 'messages')}?$top=1&$select=id`;
	const read = await outcomeOf(() =>
		graph.request({
			operation: 'read probe',
			method: 'GET',
			url,
			authenticated: true,
			replay: 'always',
		}),
	);
	if (read.ok)
		return {
			check: 'mailRead',
			ok: true,
			severity: 'info',
			reason: 'mailboxReadable',
			detail: `the app can read ${mailbox} (Mail.Read): the Office 365 Mail Trigger can watch it`,
			fix: '',
		};
	const error = read.error;
	const detail =
		error instanceof GraphApiError
			? adviseGraphError(error, { mailbox, clientId: settings.clientId, permission: 'Mail.Read' })
					.message
			: `whether the app can read ${mailbox} could not be checked (${error instanceof Error ? error.message : String(error)})`;
	return {
		check: 'mailRead',
		ok: false,
		severity: 'info',
		reason: error instanceof GraphApiError ? 'mailboxNotReadable' : 'readUnchecked',
		detail: `the app cannot read ${mailbox}, which only the Office 365 Mail Trigger needs: ${detail}`,
		fix: 'Only to use the Office 365 Mail Trigger: add Microsoft Graph › Application permissions › Mail.Read with admin consent (or, with RBAC for Applications, the role "Application Mail.Read" for the mailbox scope).',
	};
}
