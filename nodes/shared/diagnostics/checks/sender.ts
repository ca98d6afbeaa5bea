import {
	describeSenderRules,
	isSenderAllowed,
	type SenderRule,
} from '../../credential/senderRules';
import type { GraphSettings } from '../../credential/settings';
import { failed, type Finding } from '../../setupChecks/finding';
import type { SenderChoice } from './run';

export const DEFAULT_SENDER = 'Default Sender Mailbox';

export function noSender(): Finding {
	return {
		...failed(
			'senderProbe',
			'warning',
			'No sender mailbox is set.',
			"Fill in the node's Sender, or the credential's Default Sender Mailbox, with the mailbox this n8n sends from.",
		),
		reason: 'noSender',
	};
}

/**
 * Allowed Senders applies to the checks as it does to sending: a mailbox the credential excludes is
 * not probed.
 */
export function senderNotAllowed(label: string, mailbox: string, rules: SenderRule[]): Finding {
	return {
		...failed(
			'senderProbe',
			'error',
			`${label} ${mailbox} is not in the credential's Allowed Senders (${describeSenderRules(rules)}): the node refuses to send from it, so it is not probed.`,
			`Add it to Allowed Senders, or change the ${label}.`,
		),
		reason: 'senderNotAllowed',
	};
}

/** The sender of the credential test: the credential's Default Sender Mailbox. */
export function defaultSenderChoice(settings: GraphSettings | undefined): SenderChoice {
	const mailbox = settings?.senderMailbox ?? '';
	if (!mailbox) return { mailbox, label: DEFAULT_SENDER, problem: noSender() };
	if (settings && !isSenderAllowed(settings.allowedSenders, mailbox))
		return {
			mailbox,
			label: DEFAULT_SENDER,
			problem: senderNotAllowed(DEFAULT_SENDER, mailbox, settings.allowedSenders),
		};
	return { mailbox, label: DEFAULT_SENDER };
}
