import {
	displayNameOf,
	FORMAT_HINT,
	parseAddressEntry,
	splitAddressList,
	type ParseBudget,
} from './addressSyntax';
import { excerpt } from '../text/headerSafe';
import { InputError } from '../text/inputError';
import {
	MAX_ADDRESS_ENTRY_CHARS,
	MAX_RECIPIENT_ENTRIES,
	MAX_RECIPIENT_FIELD_CHARS,
	MAX_RECIPIENTS,
} from './limits';

export interface Recipient {
	address: string;
	name?: string;
}

function tooLong(field: string, chars: number): InputError {
	return new InputError(
		field,
		`Is ${chars} characters long; the limit is ${MAX_RECIPIENT_FIELD_CHARS} (room for ${MAX_RECIPIENTS} recipients). Check the expression: it may give a whole document instead of addresses.`,
	);
}

/** The size of a list value in characters, counted before anything in it is parsed. */
function listChars(list: unknown[], field: string): number {
	if (list.length > MAX_RECIPIENT_ENTRIES)
		throw new InputError(
			field,
			`Has ${list.length} entries; Exchange Online accepts at most ${MAX_RECIPIENTS} recipients per message. Split the list over several items.`,
		);
	let chars = 0;
	for (const entry of list) {
		const inner = (entry as { emailAddress?: unknown })?.emailAddress ?? entry;
		if (typeof entry === 'string') chars += entry.length;
		else if (typeof inner === 'object' && inner !== null) {
			const { address, email, name } = inner as Record<string, unknown>;
			for (const v of [address, email, name]) if (typeof v === 'string') chars += v.length;
		}
		if (chars > MAX_RECIPIENT_FIELD_CHARS) throw tooLong(field, chars);
	}
	return chars;
}

function fromObject(
	value: Record<string, unknown>,
	field: string,
	position: number,
	budget: ParseBudget,
): Recipient {
	// Accept {address, name}, {email, name} and Graph's own {emailAddress: {address, name}}.
	const inner =
		typeof value.emailAddress === 'object' && value.emailAddress !== null
			? (value.emailAddress as Record<string, unknown>)
			: value;
	const address = inner.address ?? inner.email;
	if (typeof address !== 'string' || !address.trim()) {
		throw new InputError(
			field,
			`Entry ${position + 1} is an object without an "address". Use {"address": "name@contoso.com", "name": "Name"}.`,
		);
	}
	if (inner.name !== undefined && inner.name !== null && typeof inner.name !== 'string') {
		throw new InputError(field, `Entry ${position + 1} has a "name" that is not text.`);
	}
	const recipient = parseAddressEntry(address.trim(), field, budget);
	const name = typeof inner.name === 'string' ? inner.name.trim() : '';
	if (!name) return recipient;
	displayNameOf(name, field, `The name of entry ${position + 1}`);
	return { address: recipient.address, name };
}

/**
 * Accepts what workflows produce: a string list ("a@x.com; Bob <b@y.com>", `"Last, First"
 * <c@z.com>`), an array of strings or of {address, name} objects (from expressions), or nothing.
 * Sizes are checked before any parsing.
 */
export function parseRecipients(value: unknown, field: string): Recipient[] {
	if (value === undefined || value === null || value === '') return [];
	const budget: ParseBudget = { fullParseChars: 0 };
	if (typeof value === 'string') {
		if (value.length > MAX_RECIPIENT_FIELD_CHARS) throw tooLong(field, value.length);
		// Line breaks between addresses are separators too.
		return splitAddressList(value.replace(/\r?\n/g, ','), field).map((entry) =>
			parseAddressEntry(entry, field, budget),
		);
	}
	if (Array.isArray(value)) {
		listChars(value, field);
		let counted = 0;
		return value.flatMap((entry, position) => {
			if (typeof entry === 'string') {
				const parts = splitAddressList(entry, field, counted);
				counted += parts.length;
				return parts.map((e) => parseAddressEntry(e, field, budget));
			}
			counted++;
			if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
				return [fromObject(entry as Record<string, unknown>, field, position, budget)];
			throw new InputError(
				field,
				`Entry ${position + 1} is ${entry === null ? 'null' : typeof entry}; expected an address string or {"address", "name"}.`,
			);
		});
	}
	if (typeof value === 'object') {
		listChars([value], field);
		return [fromObject(value as Record<string, unknown>, field, 0, budget)];
	}
	throw new InputError(
		field,
		`Expected addresses as text or a list, got ${typeof value}. ${FORMAT_HINT}`,
	);
}

/** Exactly one address (From Address, a single reply address): bounded before parsing. */
export function parseOneRecipient(value: string, field: string): Recipient {
	if (value.length > MAX_ADDRESS_ENTRY_CHARS)
		throw new InputError(field, `${excerpt(value)} is too long for one address.`);
	const parsed = parseRecipients(value, field);
	if (parsed.length !== 1) throw new InputError(field, 'Must be exactly one address.');
	return parsed[0];
}

/** Drops repeats (case-insensitive on the address) across To, Cc and Bcc: the first place wins. */
export function dedupeRecipients(lists: Recipient[][]): Recipient[][] {
	const seen = new Set<string>();
	return lists.map((list) =>
		list.filter((r) => {
			const key = r.address.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		}),
	);
}

/**
 * "Name <address>" with RFC 5322 quoting when the name needs it; just the address without a name.
 */
export function formatRecipient(r: Recipient): string {
	if (!r.name) return r.address;
	const needsQuotes = /[^\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]/u.test(r.name);
	const name = needsQuotes ? `"${r.name.replace(/(["\\])/g, '\\$1')}"` : r.name;
	return `${name} <${r.address}>`;
}

export function toGraphRecipients(
	list: Recipient[],
): { emailAddress: { address: string; name?: string } }[] {
	return list.map((r) => ({
		emailAddress: r.name ? { address: r.address, name: r.name } : { address: r.address },
	}));
}
