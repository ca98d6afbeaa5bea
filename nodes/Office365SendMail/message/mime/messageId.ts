import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';

import { InputError } from '../../../shared/text/inputError';
import { assertOneLine } from './guards';

/**
 * A new Message-ID `<time.random@domain>` for a sender (address or bare domain). 128 random bits
 * make collisions a non-issue (RFC 5322 §3.6.4: the generator guarantees uniqueness); the domain is
 * the sender's so the right-hand side is one we own, as RFC 5322 recommends.
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
