import type { IExecuteFunctions } from 'n8n-workflow';

import { isMailboxId, MAILBOX_HINT } from '../../../../shared/credential/identifiers';
import { describeSenderRules, isSenderAllowed } from '../../../../shared/credential/senderRules';
import type { GraphSettings } from '../../../../shared/credential/settings';
import { outcomeOfSync } from '../../../../shared/outcome';
import { failed, type Finding } from '../../../../shared/setupChecks';

/** The mailbox Check Setup examines, or the finding that says why there is none to probe. */
export interface SenderChoice {
	/** The mailbox as entered; its domain is checked even when it may not be probed. */
	mailbox: string;
	/** Why the mailbox must not be probed (missing, malformed, not in Allowed Senders); undefined when it may. */
	problem?: Finding;
}

const FIX_SENDER =
	"Fill in the node's Sender, or the credential's Default Sender Mailbox, with the mailbox this n8n sends from.";

/**
 * The node's Sender of the first item, else the credential's Default Sender Mailbox: the mailbox a Send with the
 * same settings would use. Allowed Senders applies here as it does for sending, so Check Setup never probes a
 * mailbox the credential's owner excluded.
 */
export function chooseSender(
	ctx: IExecuteFunctions,
	settings: GraphSettings | undefined,
	rawDefault: string,
): SenderChoice {
	const read = outcomeOfSync(() => ctx.getNodeParameter('sender', 0, '') as unknown);
	const given = read.ok && typeof read.value === 'string' ? read.value.trim().slice(0, 400) : '';
	const mailbox = given || settings?.senderMailbox || rawDefault.trim().slice(0, 400);
	if (
		!read.ok ||
		(read.value !== undefined && read.value !== null && typeof read.value !== 'string')
	)
		return {
			mailbox,
			problem: failed(
				'senderProbe',
				'error',
				'The Sender parameter could not be read as text (its expression failed or gave something else).',
				'Correct the Sender expression; Check Setup reads it for the first input item.',
			),
		};
	if (!mailbox)
		return {
			mailbox,
			problem: failed('senderProbe', 'warning', 'No sender mailbox is set.', FIX_SENDER),
		};
	if (!isMailboxId(mailbox))
		return {
			mailbox,
			problem: failed(
				'senderProbe',
				'error',
				`"${mailbox.slice(0, 80)}" is not a valid mailbox.`,
				MAILBOX_HINT,
			),
		};
	if (settings && !isSenderAllowed(settings.allowedSenders, mailbox))
		return {
			mailbox,
			problem: failed(
				'senderProbe',
				'error',
				`${mailbox} is not in the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}), so the node refuses to send from it and Check Setup does not probe it.`,
				'Use an allowed mailbox as Sender, or add this one to Allowed Senders in the credential.',
			),
		};
	return { mailbox };
}
