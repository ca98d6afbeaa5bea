import { parseOneAddress } from 'email-addresses';

import { excerpt, headerSafe } from '../text/headerSafe';
import { InputError } from '../text/inputError';
import {
	MAX_ADDRESS_ENTRY_CHARS,
	MAX_ADDRESS_OCTETS,
	MAX_COMMENT_DEPTH,
	MAX_DISPLAY_NAME_CHARS,
	MAX_FULL_PARSE_CHARS,
	MAX_LOCAL_PART_OCTETS,
	MAX_RECIPIENT_ENTRIES,
} from './limits';

/** One address with its optional display name, as it goes to Graph's emailAddress. */
export interface ParsedAddress {
	address: string;
	name?: string;
}

export const FORMAT_HINT =
	'Write each address as name@contoso.com, or with a display name as Jane Doe followed by the address in angle brackets, separated by commas or semicolons.';

// RFC 5322 §3.2.3 atext, with RFC 6532 §3.2 UTF-8 (controls are refused before these run).
const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u0080-\\uffff";
const LOCAL = `[${ATEXT}]+(?:\\.[${ATEXT}]+)*`;
// DNS labels, UTF-8 allowed (RFC 6531 internationalised domains); no domain literals ([1.2.3.4]).
const LABEL = '[A-Za-z0-9_\\u0080-\\uffff-]+';
const DOMAIN = `${LABEL}(?:\\.${LABEL})+`;
const ADDR = `(${LOCAL}@${DOMAIN})`;
// The forms nearly every workflow uses; each regex is linear (no overlapping repeats).
const PLAIN = new RegExp(`^<?${ADDR}>?$`);
const NAMED = new RegExp(`^([${ATEXT}. ]+)<${ADDR}>$`);
const QUOTED = new RegExp(`^"([^"\\\\]*)" *<${ADDR}>$`);
const LOCAL_PART = new RegExp(`^${LOCAL}$`);
const DOMAIN_PART = new RegExp(`^${DOMAIN}$`);

/** Work left for the full RFC 5322 parser within one field. */
export interface ParseBudget {
	fullParseChars: number;
}

/** The plain forms without the full parser; names collapse spaces the way email-addresses does. */
export function parseSimple(text: string): ParsedAddress | undefined {
	const plain = PLAIN.exec(text);
	if (plain && text.startsWith('<') === text.endsWith('>')) return { address: plain[1] };
	const named = NAMED.exec(text) ?? QUOTED.exec(text);
	if (!named) return undefined;
	const name = named[1].replace(/ +/g, ' ').trim();
	return name ? { address: named[2], name } : { address: named[2] };
}

/**
 * email-addresses (RFC 5322 with RFC 6532), for comments, escapes and obsolete forms; its cost is
 * budgeted.
 */
function parseFull(text: string, field: string, budget: ParseBudget): ParsedAddress {
	budget.fullParseChars += text.length;
	if (budget.fullParseChars > MAX_FULL_PARSE_CHARS) {
		throw new InputError(
			field,
			`Has more than ${MAX_FULL_PARSE_CHARS} characters of addresses in unusual forms (comments, escapes, quoted parts). Write them as name@contoso.com, or a display name followed by the address in angle brackets.`,
		);
	}
	const parsed = parseOneAddress({ input: text, rfc6532: true });
	if (!parsed || parsed.type !== 'mailbox')
		throw new InputError(field, `${excerpt(text)} is not a valid e-mail address. ${FORMAT_HINT}`);
	const name = parsed.name?.trim();
	return name ? { address: parsed.address, name } : { address: parsed.address };
}

/**
 * What is sent must be what was checked: the parser returns a quoted local part without its quotes
 * ("ceo@x.com"@contoso.com → ceo@x.com@contoso.com), so the result must itself be a plain address.
 */
function checkResult(result: ParsedAddress, text: string, field: string): ParsedAddress {
	const at = result.address.lastIndexOf('@');
	const local = result.address.slice(0, at);
	const domain = result.address.slice(at + 1);
	if (!DOMAIN_PART.test(domain))
		throw new InputError(
			field,
			`${excerpt(text)} has no valid domain (e.g. contoso.com). ${FORMAT_HINT}`,
		);
	if (!LOCAL_PART.test(local)) {
		throw new InputError(
			field,
			`${excerpt(text)} has a quoted or unusual part before the @ that Microsoft 365 addresses do not use. Write it as name@contoso.com.`,
		);
	}
	if (Buffer.byteLength(result.address, 'utf8') > MAX_ADDRESS_OCTETS)
		throw new InputError(
			field,
			`${excerpt(text)} is longer than ${MAX_ADDRESS_OCTETS} bytes, the limit for an e-mail address (RFC 5321).`,
		);
	if (Buffer.byteLength(local, 'utf8') > MAX_LOCAL_PART_OCTETS)
		throw new InputError(
			field,
			`${excerpt(text)} has more than ${MAX_LOCAL_PART_OCTETS} bytes before the @ (RFC 5321 limit).`,
		);
	if (result.name !== undefined)
		displayNameOf(result.name, field, `The display name of ${excerpt(result.address)}`);
	return result;
}

/** A display name that may go into a header: bounded and without control characters. */
export function displayNameOf(name: string, field: string, what: string): string {
	if (name.length > MAX_DISPLAY_NAME_CHARS)
		throw new InputError(
			field,
			`${what} is ${name.length} characters long; the limit is ${MAX_DISPLAY_NAME_CHARS}. Shorten it.`,
		);
	return headerSafe(name, field, what);
}

/** One entry of an address list: bounded and header-safe before any parser sees it. */
export function parseAddressEntry(text: string, field: string, budget: ParseBudget): ParsedAddress {
	if (text.length > MAX_ADDRESS_ENTRY_CHARS) {
		throw new InputError(
			field,
			`The entry ${excerpt(text)} is too long for one address with its name (limit ${MAX_ADDRESS_ENTRY_CHARS} characters). Check that the addresses are separated by commas or semicolons.`,
		);
	}
	headerSafe(text, field, `The address ${excerpt(text, 24)}`);
	return checkResult(parseSimple(text) ?? parseFull(text, field, budget), text, field);
}

/**
 * Splits on commas and semicolons outside quotes, angle brackets and comments (Outlook uses ";"),
 * refusing deep comment nesting and too many entries as it goes, so a hostile value costs one
 * linear pass.
 */
export function splitAddressList(text: string, field: string, counted = 0): string[] {
	const parts: string[] = [];
	let start = 0;
	let quoted = false;
	let angle = 0;
	let comment = 0;
	const push = (end: number) => {
		const part = text.slice(start, end).trim();
		if (part && counted + parts.push(part) > MAX_RECIPIENT_ENTRIES)
			throw new InputError(
				field,
				`Has more than ${MAX_RECIPIENT_ENTRIES} addresses; Exchange Online accepts at most 500 recipients per message. Split the list over several items.`,
			);
		start = end + 1;
	};
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '\\') i++;
			else if (ch === '"') quoted = false;
		} else if (ch === '"') quoted = true;
		else if (ch === '<') angle++;
		else if (ch === '>') angle = Math.max(0, angle - 1);
		else if (ch === '(' && ++comment > MAX_COMMENT_DEPTH)
			throw new InputError(
				field,
				`Has comments in parentheses nested more than ${MAX_COMMENT_DEPTH} deep. Remove the parentheses.`,
			);
		else if (ch === ')') comment = Math.max(0, comment - 1);
		else if ((ch === ',' || ch === ';') && angle === 0 && comment === 0) push(i);
	}
	push(text.length);
	return parts;
}
