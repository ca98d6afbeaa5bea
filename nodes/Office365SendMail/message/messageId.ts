import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';

import { excerpt, headerSafe } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';
import { MAX_MESSAGE_IDS, MAX_MESSAGE_ID_CHARS, MAX_MESSAGE_ID_LIST_CHARS } from './limits';

// RFC 5322 §3.6.4 msg-id = "<" id-left "@" id-right ">": id-left a dot-atom-text, id-right a
// dot-atom-text or a no-fold-literal "[…]"; RFC 6532 §3.2 allows UTF-8 in atext.
const ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\u0080-\\uffff]+";
const DOT_ATOM = `${ATEXT}(?:\\.${ATEXT})*`;
const MSG_ID = new RegExp(`^<${DOT_ATOM}@(?:${DOT_ATOM}|\\[[\\x21-\\x5a\\x5e-\\x7e]*\\])>$`);

/**
 * The one rule for message IDs, used by the JSON and the MIME paths alike.
 * One message ID for In-Reply-To, References or a reply's target, as `<id-left@id-right>`. Accepts
 * it with or without the angle brackets (many sources drop them) and returns the bracketed form
 * that goes into the header.
 */
export function messageIdOf(value: unknown, field: string): string {
	if (typeof value !== 'string' || !value.trim())
		throw new InputError(
			field,
			'Expected a message ID such as abc123@contoso.com (the angle brackets around it are optional).',
		);
	const text = value.trim();
	if (text.length > MAX_MESSAGE_ID_CHARS)
		throw new InputError(
			field,
			`The message ID ${excerpt(text)} is longer than ${MAX_MESSAGE_ID_CHARS} characters; it must fit one header line (RFC 5322).`,
		);
	headerSafe(text, field, `The message ID ${excerpt(text, 24)}`);
	const id = text.startsWith('<') ? text : `<${text}>`;
	if (!MSG_ID.test(id)) {
		throw new InputError(
			field,
			`${excerpt(text)} is not a message ID. Write it as id@domain (RFC 5322; angle brackets optional), e.g. the Message-ID header of the mail you answer.`,
		);
	}
	return id;
}

/**
 * A list of message IDs (References): text separated by spaces or commas, or a list; bounded before
 * splitting.
 */
export function messageIdListOf(value: unknown, field: string): string[] {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string' && value.length > MAX_MESSAGE_ID_LIST_CHARS)
		throw new InputError(
			field,
			`Is ${value.length} characters long; at most ${MAX_MESSAGE_IDS} message IDs fit.`,
		);
	// RFC 5322 §3.6.4 needs no space between IDs: "<a@x><b@x>" is two. A list entry may hold several.
	const split = (text: string) => text.split(/[\s,]+|(?<=>)(?=<)/).filter(Boolean);
	const allText = Array.isArray(value) && value.every((v) => typeof v === 'string');
	const list =
		typeof value === 'string' ? split(value) : allText ? (value as string[]).flatMap(split) : value;
	if (!Array.isArray(list))
		throw new InputError(field, 'Expected message IDs separated by spaces, or a list of them.');
	if (list.length > MAX_MESSAGE_IDS)
		throw new InputError(
			field,
			`Has ${list.length} message IDs; at most ${MAX_MESSAGE_IDS} are kept in one header.`,
		);
	return [...new Set(list.map((id) => messageIdOf(id, field)))];
}

/**
 * A new Message-ID `<time.random@domain>` for a sender (address or bare domain). 128 random bits make
 * collisions a non-issue (RFC 5322 §3.6.4: the generator guarantees uniqueness); the domain is the sender's
 * so the right-hand side is one we own, as RFC 5322 recommends.
 */
export function newMessageId(senderDomainOrAddress: string): string {
	// The WHATWG domain parser drops CR/LF/TAB silently; refuse them instead of guessing.
	const raw = headerSafe(String(senderDomainOrAddress ?? ''), 'Sender', 'The value').trim();
	const domainPart = raw.slice(raw.lastIndexOf('@') + 1).replace(/>$/, '');
	const domain = domainToASCII(domainPart.toLowerCase());
	if (!domain || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
		throw new InputError(
			'Sender',
			`Cannot make a Message-ID for "${domainPart.replace(/[\x00-\x1f\x7f]/g, ' ')}": it is not a domain name like contoso.com.`,
		);
	}
	const left = `${Date.now().toString(36)}.${randomBytes(16).toString('base64url')}`;
	return `<${left}@${domain}>`;
}
