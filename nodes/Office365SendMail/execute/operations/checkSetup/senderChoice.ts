import type { IExecuteFunctions } from 'n8n-workflow';

import { isMailboxId, MAILBOX_HINT } from '../../../../shared/credential/identifiers';
import { isSenderAllowed } from '../../../../shared/credential/senderRules';
import type { GraphSettings } from '../../../../shared/credential/settings';
import {
	DEFAULT_SENDER,
	noSender,
	senderNotAllowed,
	type SenderChoice,
} from '../../../../shared/diagnostics/checks';
import { outcomeOfSync } from '../../../../shared/outcome';
import { failed } from '../../../../shared/setupChecks';

export type { SenderChoice };

/**
 * The node's Sender of the first item, else the credential's Default Sender Mailbox: the mailbox a
 * Send with the same settings would use. Allowed Senders applies here as it does for sending, so
 * Check Setup never probes a mailbox the credential's owner excluded.
 */
export function chooseSender(
	ctx: IExecuteFunctions,
	settings: GraphSettings | undefined,
	rawDefault: string,
): SenderChoice {
	const read = outcomeOfSync(() => ctx.getNodeParameter('sender', 0, '') as unknown);
	const given = read.ok && typeof read.value === 'string' ? read.value.trim().slice(0, 400) : '';
	const mailbox = given || settings?.senderMailbox || rawDefault.trim().slice(0, 400);
	const label = given ? 'Sender' : DEFAULT_SENDER;
	const refused = (detail: string, fix: string): SenderChoice => ({
		mailbox,
		label,
		problem: failed('senderProbe', 'error', detail, fix),
	});
	if (
		!read.ok ||
		(read.value !== undefined && read.value !== null && typeof read.value !== 'string')
	)
		return refused(
			'The Sender parameter could not be read as text (its expression failed or gave something else).',
			'Correct the Sender expression; Check Setup reads it for the first input item.',
		);
	if (!mailbox) return { mailbox, label, problem: noSender() };
	if (!isMailboxId(mailbox))
		return refused(`"${mailbox.slice(0, 80)}" is not a valid mailbox.`, MAILBOX_HINT);
	if (settings && !isSenderAllowed(settings.allowedSenders, mailbox))
		return { mailbox, label, problem: senderNotAllowed(label, mailbox, settings.allowedSenders) };
	return { mailbox, label };
}
