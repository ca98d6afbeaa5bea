import type { IDataObject } from 'n8n-workflow';

import { isGuid, isMailboxId, MAILBOX_HINT } from '../../shared/credential/identifiers';
import { describeSenderRules, isSenderAllowed } from '../../shared/credential/senderRules';
import type { GraphSettings } from '../../shared/credential/settings';
import type { MessageInput } from './build';
import { InputError } from './inputError';
import { parseRecipients, type Recipient } from './recipients';

/** Pure validators for single node fields: each turns an expression's value into a checked value or an InputError. */

// RFC 5322 §2.1.1: a header line is at most 998 characters; "Subject: " takes 9 of them.
const MAX_SUBJECT_CHARS = 989;

export function asText(value: unknown, field: string, { allowEmpty = true } = {}): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (typeof value !== 'string')
		throw new InputError(
			field,
			`Expected text but the expression gave ${Array.isArray(value) ? 'a list' : typeof value}.`,
		);
	if (!allowEmpty && !value.trim()) throw new InputError(field, 'Is empty.');
	return value;
}

export function asBoolean(value: unknown, field: string): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(field, `Expected true or false, got ${JSON.stringify(value)}.`);
}

export function subjectOf(value: unknown): string {
	const subject = asText(value, 'Subject');
	if (/[\r\n\0]/.test(subject))
		throw new InputError(
			'Subject',
			'Contains a line break or NUL character; a subject must be one line.',
		);
	if (subject.length > MAX_SUBJECT_CHARS) {
		throw new InputError(
			'Subject',
			`Is ${subject.length} characters long; the limit is ${MAX_SUBJECT_CHARS} (RFC 5322 line length). Shorten it.`,
		);
	}
	return subject;
}

export function categoriesOf(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: undefined;
	if (!list || list.some((c) => typeof c !== 'string'))
		throw new InputError('Categories', 'Expected category names separated by commas.');
	const names = (list as string[]).map((c) => c.trim()).filter(Boolean);
	if (names.some((c) => /[\r\n]/.test(c)))
		throw new InputError('Categories', 'A category name contains a line break.');
	return [...new Set(names)];
}

export function importanceOf(value: unknown): MessageInput['importance'] {
	if (value === undefined || value === null || value === '') return undefined;
	if (value === 'low' || value === 'normal' || value === 'high') return value;
	throw new InputError('Importance', `Must be low, normal or high, got ${JSON.stringify(value)}.`);
}

export function senderOf(value: unknown, settings: GraphSettings): string {
	const given = asText(value, 'Sender').trim();
	const sender = given || settings.senderMailbox || '';
	if (!sender) {
		throw new InputError(
			'Sender',
			'No sender mailbox: fill in Sender, or set Default Sender Mailbox in the credential.',
		);
	}
	if (!isMailboxId(sender))
		throw new InputError('Sender', `"${sender}" is not a valid mailbox. ${MAILBOX_HINT}`);
	if (!isSenderAllowed(settings.allowedSenders, sender)) {
		throw new InputError(
			'Sender',
			`Mailbox "${sender}" is not in the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}). Use an allowed mailbox or ask the credential's owner to add it.`,
		);
	}
	return sender;
}

export function fromOf(
	options: IDataObject,
	sender: string,
	settings: GraphSettings,
): Recipient | undefined {
	const address = asText(options.fromAddress, 'From Address').trim();
	const name = asText(options.fromName, 'From Name').trim();
	if (/[\r\n]/.test(name)) throw new InputError('From Name', 'Contains a line break.');
	if (!address && !name) return undefined;
	if (address) {
		const parsed = parseRecipients(address, 'From Address');
		if (parsed.length !== 1) throw new InputError('From Address', 'Must be exactly one address.');
		if (!isSenderAllowed(settings.allowedSenders, parsed[0].address)) {
			throw new InputError(
				'From Address',
				`"${parsed[0].address}" is not in the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}).`,
			);
		}
		return { address: parsed[0].address, name: name || parsed[0].name };
	}
	if (isGuid(sender)) {
		throw new InputError(
			'From Name',
			'A display name needs an address: fill in From Address too (the sender is given as an object ID).',
		);
	}
	return { address: sender, name };
}
