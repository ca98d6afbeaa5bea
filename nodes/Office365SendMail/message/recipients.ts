import { parseOneAddress } from 'email-addresses';

import { InputError } from './inputError';

export interface Recipient {
	address: string;
	name?: string;
}

/** Exchange Online's recipient limit per message, To + Cc + Bcc (learn: resources/message, reference §1.2). */
export const MAX_RECIPIENTS = 500;

const FORMAT_HINT =
	'Write addresses as name@contoso.com or "Name <name@contoso.com>", separated by commas or semicolons.';

/** Splits on commas and semicolons that are outside quotes, angle brackets and comments (Outlook uses ";"). */
function splitAddressList(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angle = 0;
	let comment = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			current += ch;
			if (ch === '\\' && i + 1 < text.length) current += text[++i];
			else if (ch === '"') quoted = false;
			continue;
		}
		if (ch === '"') quoted = true;
		else if (ch === '<') angle++;
		else if (ch === '>') angle = Math.max(0, angle - 1);
		else if (ch === '(') comment++;
		else if (ch === ')') comment = Math.max(0, comment - 1);
		else if ((ch === ',' || ch === ';') && angle === 0 && comment === 0) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	parts.push(current);
	return parts.map((p) => p.trim()).filter(Boolean);
}

/** RFC 5322 (with RFC 6532 UTF-8) parsing by email-addresses, plus what Exchange needs: a dotted domain. */
function parseOne(text: string, field: string): Recipient {
	const parsed = parseOneAddress({ input: text, rfc6532: true });
	if (!parsed || parsed.type !== 'mailbox') {
		throw new InputError(field, `"${text}" is not a valid e-mail address. ${FORMAT_HINT}`);
	}
	if (
		!parsed.domain.includes('.') ||
		parsed.domain.startsWith('.') ||
		parsed.domain.endsWith('.')
	) {
		throw new InputError(field, `"${text}" has no valid domain (e.g. contoso.com). ${FORMAT_HINT}`);
	}
	const name = parsed.name?.trim();
	return name ? { address: parsed.address, name } : { address: parsed.address };
}

function fromObject(value: Record<string, unknown>, field: string, position: number): Recipient {
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
	const recipient = parseOne(address.trim(), field);
	const name = typeof inner.name === 'string' ? inner.name.trim() : '';
	if (/[\r\n]/.test(name))
		throw new InputError(field, `Entry ${position + 1} has a line break in its name.`);
	return name ? { address: recipient.address, name } : recipient;
}

/**
 * Accepts what workflows produce: a string list ("a@x.com; Bob <b@y.com>", `"Last, First" <c@z.com>`), an array of
 * strings or of {address, name} objects (from expressions), or nothing.
 */
export function parseRecipients(value: unknown, field: string): Recipient[] {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') {
		// Line breaks between addresses are separators too.
		return splitAddressList(value.replace(/\r?\n/g, ',')).map((entry) => parseOne(entry, field));
	}
	if (Array.isArray(value)) {
		return value.flatMap((entry, position) => {
			if (typeof entry === 'string') return splitAddressList(entry).map((e) => parseOne(e, field));
			if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
				return [fromObject(entry as Record<string, unknown>, field, position)];
			throw new InputError(
				field,
				`Entry ${position + 1} is ${entry === null ? 'null' : typeof entry}; expected an address string or {"address", "name"}.`,
			);
		});
	}
	if (typeof value === 'object') return [fromObject(value as Record<string, unknown>, field, 0)];
	throw new InputError(
		field,
		`Expected addresses as text or a list, got ${typeof value}. ${FORMAT_HINT}`,
	);
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

/** "Name <address>" with RFC 5322 quoting when the name needs it; just the address without a name. */
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
