import { excerpt } from '../text/headerSafe';
import { CredentialConfigError } from './errors';
import { isDomain, isGuid, isMailboxId } from './identifiers';

/** One entry of the credential's `allowedSenders`: a mailbox (UPN or object ID) or `*@domain`. */
export type SenderRule = { kind: 'mailbox'; value: string } | { kind: 'domain'; domain: string };

export function parseSenderRules(raw: unknown): SenderRule[] {
	if (raw === undefined || raw === null || raw === '') return [];
	if (typeof raw !== 'string') {
		throw new CredentialConfigError(
			'allowedSenders',
			'Allowed Senders must be text: mailboxes separated by commas or new lines.',
		);
	}
	const rules: SenderRule[] = [];
	for (const entry of raw
		.split(/[\s,;]+/)
		.map((e) => e.trim())
		.filter(Boolean)) {
		if (entry.startsWith('*@')) {
			const domain = asciiLower(entry.slice(2));
			if (!isDomain(domain)) {
				throw new CredentialConfigError(
					'allowedSenders',
					`Allowed Senders: ${quoted(entry)} is not a valid domain pattern. Write it as *@contoso.com.`,
				);
			}
			rules.push({ kind: 'domain', domain });
		} else if (isMailboxId(entry)) {
			rules.push({ kind: 'mailbox', value: asciiLower(entry) });
		} else {
			throw new CredentialConfigError(
				'allowedSenders',
				`Allowed Senders: ${quoted(entry)} is neither a mailbox (UPN or object ID) nor a *@domain pattern.`,
			);
		}
	}
	return rules;
}

/**
 * A refused entry as the error quotes it. An entry with an "@" was meant as an address and is
 * quoted like other input (a short excerpt); anything else may be a value pasted into the wrong
 * field, such as a client secret (which never contains "@"), so only its first characters and its
 * length are shown.
 */
function quoted(entry: string): string {
	return entry.includes('@') ? excerpt(entry) : excerpt(entry, SHOWN_OF_OTHER_ENTRY);
}
const SHOWN_OF_OTHER_ENTRY = 4;

/**
 * Case folding for A–Z only. Unicode lower-casing maps other characters onto ASCII letters (the
 * Kelvin sign U+212A becomes "k"), which would let "\u212Aate@contoso.com" pass a rule for
 * kate@contoso.com while the message is sent from a different string.
 */
export function asciiLower(value: string): string {
	return value.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * Empty rules allow every mailbox: then the Exchange Online policy (RBAC for Applications) governs.
 * The caller checks the exact string it sends; a domain rule matches only one plain "@" with that
 * domain after it.
 */
export function isSenderAllowed(rules: SenderRule[], mailbox: string): boolean {
	if (rules.length === 0) return true;
	const candidate = asciiLower(mailbox);
	const at = candidate.indexOf('@');
	const plain = at > 0 && at === candidate.lastIndexOf('@') && !/["\\\s]/.test(candidate);
	return rules.some((rule) => {
		if (rule.kind === 'mailbox') return rule.value === candidate;
		return plain && !isGuid(candidate) && candidate.slice(at + 1) === rule.domain;
	});
}

export function describeSenderRules(rules: SenderRule[]): string {
	return rules.map((r) => (r.kind === 'mailbox' ? r.value : `*@${r.domain}`)).join(', ');
}
