import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';

import { excerpt } from '../../../shared/text/headerSafe';
import { InputError } from '../../../shared/text/inputError';
import { assertOneLine } from './guards';

/** Bounds before parsing: a long thread's References has dozens of IDs, never thousands. */
export const MAX_REFERENCES = 100;
const MAX_ID_LIST_CHARS = 32 * 1024;
// RFC 5322 §2.1.1: a line is at most 998 characters, header name included; an ID cannot be folded.
const MAX_ID_CHARS = 998 - 'In-Reply-To: '.length;

// Printable US-ASCII without "<", ">" and "@" on the right side. Looser than RFC 5322's msg-id on purpose:
// real IDs (quoted local parts, obs-id-left) must round-trip, and nothing here can leave the header line.
const MSG_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f\x41-\x7e]+>$/;

/**
 * A new Message-ID `<time.random@domain>` for a sender (address or bare domain). 128 random bits make
 * collisions a non-issue (RFC 5322 §3.6.4: the generator guarantees uniqueness); the domain is the sender's
 * so the right-hand side is one we own, as RFC 5322 recommends.
 */
export function newMessageId(senderDomainOrAddress: string): string {
	// The WHATWG domain parser drops CR/LF/TAB silently; refuse them instead of guessing.
	const raw = assertOneLine(String(senderDomainOrAddress ?? ''), 'Sender').trim();
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

/** One Message-ID as users paste it, with or without the angle brackets; returns the `<…>` form. */
export function parseMessageId(value: string, field: string): string {
	const trimmed = String(value ?? '').trim();
	const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
	if (bracketed.length > MAX_ID_CHARS || !MSG_ID.test(bracketed)) {
		throw new InputError(
			field,
			`${excerpt(trimmed, 80)} is not a Message-ID; expected the form id@domain (angle brackets optional), e.g. CAF1x2y3@mail.gmail.com, as found in the original message's Message-ID header.`,
		);
	}
	return bracketed;
}

/** A References value: Message-IDs separated by whitespace or commas, or a list of them. */
export function parseMessageIdList(value: string | string[], field: string): string[] {
	const joined = Array.isArray(value) ? value.join(' ') : String(value ?? '');
	if (joined.length > MAX_ID_LIST_CHARS) {
		throw new InputError(
			field,
			`Too long (${joined.length} characters); keep it under ${MAX_ID_LIST_CHARS}.`,
		);
	}
	const ids = joined
		.split(/[\s,]+|(?<=>)(?=<)/)
		.filter(Boolean)
		.map((id) => parseMessageId(id, field));
	if (ids.length > MAX_REFERENCES) {
		// RFC 5322 §3.6.4 allows trimming: keep the first (thread root) and the most recent ones.
		return [ids[0], ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
	}
	return ids;
}
