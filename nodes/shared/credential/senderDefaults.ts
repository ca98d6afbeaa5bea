import { parseRecipients, type Recipient } from '../address/recipients';
import { outcomeOfSync } from '../outcome';
import { CredentialConfigError } from './errors';
import { isMailboxId, MAILBOX_HINT } from './identifiers';

/**
 * Values the credential supplies when the node leaves From Name / Reply To empty (admins set them
 * once per mailbox).
 */
export interface SenderDefaults {
	senderName?: string;
	replyTo: Recipient[];
}

// A display name ends up in the From header; RFC 5322 §2.1.1 limits a header line to 998
// characters, and no one needs more than a few dozen for a name. Checked before anything else looks
// at the text.
const MAX_SENDER_NAME_CHARS = 256;
// Bounds the address parser's work: 2,000 characters hold dozens of addresses, more than a reply-to
// needs.
const MAX_REPLY_TO_CHARS = 2_000;

function optionalText(raw: Record<string, unknown>, field: string, label: string): string {
	const value = raw[field];
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string')
		throw new CredentialConfigError(field, `The credential field "${label}" must be text.`);
	return value.trim();
}

function senderNameOf(raw: Record<string, unknown>): string | undefined {
	const name = optionalText(raw, 'senderName', 'Sender Display Name');
	if (!name) return undefined;
	if (name.length > MAX_SENDER_NAME_CHARS) {
		throw new CredentialConfigError(
			'senderName',
			`Sender Display Name is ${name.length} characters long; the limit is ${MAX_SENDER_NAME_CHARS}. Shorten it.`,
		);
	}
	if (/[\u0000-\u001f\u007f]/.test(name)) {
		throw new CredentialConfigError(
			'senderName',
			'Sender Display Name contains a line break or another control character; a display name must be one plain line.',
		);
	}
	return name;
}

function replyToOf(raw: Record<string, unknown>): Recipient[] {
	const text = optionalText(raw, 'replyTo', 'Default Reply-To');
	if (!text) return [];
	if (text.length > MAX_REPLY_TO_CHARS) {
		throw new CredentialConfigError(
			'replyTo',
			`Default Reply-To is ${text.length} characters long; the limit is ${MAX_REPLY_TO_CHARS}. Enter fewer addresses.`,
		);
	}
	// The node's own address parser, so the credential accepts exactly what the node's Reply To
	// accepts.
	const parsed = outcomeOfSync(() => parseRecipients(text, 'Default Reply-To'));
	if (!parsed.ok) {
		const reason = parsed.error instanceof Error ? parsed.error.message : 'is not valid';
		throw new CredentialConfigError('replyTo', `Default Reply-To: ${reason}`);
	}
	return parsed.value;
}

export function readSenderDefaults(raw: Record<string, unknown>): SenderDefaults {
	return { senderName: senderNameOf(raw), replyTo: replyToOf(raw) };
}

/** The optional mailbox the app must NOT be able to send from; the credential test probes it. */
export function readScopeCheckMailbox(
	raw: Record<string, unknown>,
	senderMailbox: string | undefined,
): string | undefined {
	const mailbox = optionalText(raw, 'scopeCheckMailbox', "Mailbox Outside the App's Scope");
	if (!mailbox) return undefined;
	if (!isMailboxId(mailbox)) {
		throw new CredentialConfigError(
			'scopeCheckMailbox',
			`Mailbox Outside the App's Scope is not a valid mailbox. ${MAILBOX_HINT}`,
		);
	}
	if (senderMailbox && mailbox.toLowerCase() === senderMailbox.toLowerCase()) {
		throw new CredentialConfigError(
			'scopeCheckMailbox',
			"Mailbox Outside the App's Scope must be a different mailbox than Default Sender Mailbox: enter one the app must not send from.",
		);
	}
	return mailbox;
}
