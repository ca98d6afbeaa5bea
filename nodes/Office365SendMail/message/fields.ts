import type { IDataObject } from 'n8n-workflow';

import { isGuid, isMailboxId, MAILBOX_HINT } from '../../shared/credential/identifiers';
import { describeSenderRules, isSenderAllowed } from '../../shared/credential/senderRules';
import type { GraphSettings } from '../../shared/credential/settings';
import type { MessageInput } from './build';
import { displayNameOf } from '../../shared/address/addressSyntax';
import { excerpt, headerSafe } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';
import { listEntries } from './listText';
import { MAX_CATEGORIES, MAX_CATEGORY_CHARS, MAX_LIST_ENTRIES, MAX_SUBJECT_CHARS } from './limits';
import { parseOneRecipient, type Recipient } from '../../shared/address/recipients';

export { messageIdListOf, messageIdOf } from './messageId';

/**
 * Pure validators for single node fields: each turns an expression's value into a checked value or
 * an InputError.
 */

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
	throw new InputError(field, `Expected true or false, got ${shortJson(value)}.`);
}

/** A value shown in an error: JSON, cut short so a huge value does not become a huge message. */
function shortJson(value: unknown): string {
	return excerpt(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

export function subjectOf(value: unknown): string {
	const subject = asText(value, 'Subject');
	if (subject.length > MAX_SUBJECT_CHARS) {
		throw new InputError(
			'Subject',
			`Is ${subject.length} characters long; the limit is ${MAX_SUBJECT_CHARS} (RFC 5322 line length). Shorten it.`,
		);
	}
	return headerSafe(subject, 'Subject', 'The subject');
}

export function categoriesOf(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = listEntries(value, 'Categories');
	if (list && list.length > MAX_LIST_ENTRIES)
		throw new InputError(
			'Categories',
			`Has ${list.length} entries; at most ${MAX_CATEGORIES} categories are kept.`,
		);
	if (!list || list.some((c) => typeof c !== 'string'))
		throw new InputError('Categories', 'Expected category names separated by commas.');
	const names = [...new Set((list as string[]).map((c) => c.trim()).filter(Boolean))];
	if (names.length > MAX_CATEGORIES)
		throw new InputError(
			'Categories',
			`Has ${names.length} categories; at most ${MAX_CATEGORIES} are kept.`,
		);
	for (const name of names) {
		if (name.length > MAX_CATEGORY_CHARS)
			throw new InputError(
				'Categories',
				`The category ${excerpt(name)} is longer than ${MAX_CATEGORY_CHARS} characters.`,
			);
		headerSafe(name, 'Categories', `The category ${excerpt(name, 24)}`);
	}
	return names;
}

export function importanceOf(value: unknown): MessageInput['importance'] {
	if (value === undefined || value === null || value === '') return undefined;
	if (value === 'low' || value === 'normal' || value === 'high') return value;
	throw new InputError('Importance', `Must be low, normal or high, got ${shortJson(value)}.`);
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
	// isMailboxId is ASCII only and bounded, so the string checked here is the one that goes into the
	// URL.
	if (!isMailboxId(sender))
		throw new InputError('Sender', `${excerpt(sender)} is not a valid mailbox. ${MAILBOX_HINT}`);
	// No Allowed Senders allows every mailbox: the rules are consulted only when the credential lists some.
	if (settings.allowedSenders.length && !isSenderAllowed(settings.allowedSenders, sender)) {
		throw new InputError(
			'Sender',
			`Mailbox ${excerpt(sender, 254)} is not in the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}). Use an allowed mailbox or ask the credential's owner to add it.`,
		);
	}
	return sender;
}

/**
 * From: the node's From Address / From Name, else the credential's Sender Display Name for the
 * sender (node values win). The "needs an address" error is for a From Name typed in the node; the
 * credential's name is left out for an object-ID sender, because the message would need an address
 * Graph does not tell us.
 */
export function fromOf(
	options: IDataObject,
	sender: string,
	settings: GraphSettings,
): Recipient | undefined {
	const address = asText(options.fromAddress, 'From Address').trim();
	const name = displayNameOf(
		asText(options.fromName, 'From Name').trim(),
		'From Name',
		'From Name',
	);
	const fallback = settings.senderName;
	if (address) {
		const parsed = parseOneRecipient(address, 'From Address');
		// Normalised once (NFC); this exact string is checked and sent, so no later step can turn it
		// into another.
		const from = parsed.address.normalize('NFC');
		if (settings.allowedSenders.length && !isSenderAllowed(settings.allowedSenders, from)) {
			throw new InputError(
				'From Address',
				`${excerpt(from)} is not in the credential's Allowed Senders (${describeSenderRules(settings.allowedSenders)}).`,
			);
		}
		return { address: from, name: name || parsed.name || fallback };
	}
	if (name && isGuid(sender)) {
		throw new InputError(
			'From Name',
			'A display name needs an address: fill in From Address too (the sender is given as an object ID).',
		);
	}
	if (name) return { address: sender, name };
	if (fallback && !isGuid(sender)) return { address: sender, name: fallback };
	return undefined;
}
