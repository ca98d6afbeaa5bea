import { outcomeOf } from '../outcome';
import type { GraphSettings } from '../credential/settings';
import type { Finding } from '../setupChecks/finding';
import type { GraphClient } from '../transport/graphClient';
import { GraphApiError } from '../transport/graphErrors';
import { adviseGraphError } from './graphAdvice';
import { daysLeft } from '../setupChecks/credentialExpiry';

/**
 * A setup finding (the one type Check Setup outputs) whose outcome has a stable name (tests and
 * docs use it).
 */
export type SetupFinding = Finding & { reason: string };

/**
 * The mailbox probe: `POST /users/{mailbox}/sendMail` with a message that has NO recipients. Graph
 * checks the token, the permission, that the mailbox exists and has Exchange Online, and the app's
 * Exchange scoping (access policy / RBAC for Applications) before it looks at recipients, then
 * refuses the message with 400 ErrorInvalidRecipients ("A message can't be sent because it contains
 * no recipients"). A message without recipients cannot be delivered to anyone, and
 * saveToSentItems=false keeps no copy; so the probe proves the sending path without sending mail
 * and needs no permission beyond Mail.Send. Resolves when Exchange would let the app send;
 * otherwise rejects with Graph's error.
 */
export async function probeMailbox(graph: GraphClient, mailbox: string): Promise<void> {
	const outcome = await outcomeOf(() =>
		graph.request({
			operation: 'mailbox probe',
			method: 'POST',
			url: graph.userUrl(mailbox, 'sendMail'),
			json: {
				message: {
					subject:
						'n8n credential test: mailbox probe (has no recipients, so it cannot be delivered)',
					body: {
						contentType: 'Text',
						content:
							'Probe sent by the n8n credential test. It has no recipients and is refused by design.',
					},
				},
				saveToSentItems: false,
			},
			authenticated: true,
			replay: 'notIfSent',
		}),
	);
	if (outcome.ok) return;
	if (
		outcome.error instanceof GraphApiError &&
		outcome.error.status === 400 &&
		outcome.error.code === 'ErrorInvalidRecipients'
	)
		return;
	throw outcome.error;
}

const SCOPE_DELAY =
	'Changes take effect after 30 minutes to 2 hours (RBAC for Applications) or up to an hour (application access policy); after that, click Retry in the credential dialog or run Check Setup again.';

/**
 * Probes a mailbox the app must NOT reach. Meaningful only after the sender probe passed with the
 * same token: the app can send, so a 403 ErrorAccessDenied for this mailbox can only come from the
 * Exchange scoping (https://learn.microsoft.com/exchange/permissions-exo/application-rbac,
 * https://learn.microsoft.com/graph/auth-limit-mailbox-access). Network errors reject, as for the
 * sender probe.
 */
export async function probeScope(
	graph: GraphClient,
	settings: GraphSettings,
	mailbox: string,
): Promise<SetupFinding> {
	const outcome = await outcomeOf(() => probeMailbox(graph, mailbox));
	if (outcome.ok) {
		return {
			check: 'scopeProbe',
			ok: false,
			severity: 'error',
			reason: 'scopeNotInEffect',
			detail: `The app can send as ${mailbox}, the Mailbox Outside the App's Scope: RBAC for Applications / the application access policy is not in effect for ${mailbox}, so Mail.Send still reaches every mailbox of the tenant.`,
			fix: `Scope app ${settings.clientId} to the sending mailboxes only (New-ManagementScope + New-ManagementRoleAssignment -Role "Application Mail.Send" -CustomResourceScope, and remove the Mail.Send grant in Entra, which would lift the scoping), or check that ${mailbox} is not in the scope with Test-ServicePrincipalAuthorization. ${SCOPE_DELAY}`,
		};
	}
	const error = outcome.error;
	if (!(error instanceof GraphApiError)) throw error;
	if (error.status === 403 && error.code === 'ErrorAccessDenied') {
		return {
			check: 'scopeProbe',
			ok: true,
			severity: 'info',
			reason: 'scopeInEffect',
			detail: `Exchange refuses ${mailbox} to the app (${error.status} ${error.code}): the scoping is in effect`,
			fix: '',
		};
	}
	const advice = adviseGraphError(error, {
		mailbox,
		clientId: settings.clientId,
		permission: 'Mail.Send',
	});
	return {
		check: 'scopeProbe',
		ok: false,
		severity: 'error',
		reason: 'scopeUnproven',
		detail: `The scoping could not be checked with Mailbox Outside the App's Scope ${mailbox}: ${advice.message}`,
		fix: "Enter a licensed Exchange Online mailbox of this tenant that the app must not send from, or leave Mailbox Outside the App's Scope empty.",
	};
}

/**
 * Days left on the credential's certificate, counted as Check Setup's credentialExpiry counts them;
 * undefined for a client secret.
 */
export function certificateDaysLeft(settings: GraphSettings, now = new Date()): number | undefined {
	if (settings.auth.kind !== 'certificate') return undefined;
	return daysLeft(settings.auth.certificate.notAfter, now);
}
