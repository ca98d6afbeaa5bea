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
			const domain = entry.slice(2).toLowerCase();
			if (!isDomain(domain)) {
				throw new CredentialConfigError(
					'allowedSenders',
					`Allowed Senders: "${entry}" is not a valid domain pattern. Write it as *@contoso.com.`,
				);
			}
			rules.push({ kind: 'domain', domain });
		} else if (isMailboxId(entry)) {
			rules.push({ kind: 'mailbox', value: entry.toLowerCase() });
		} else {
			throw new CredentialConfigError(
				'allowedSenders',
				`Allowed Senders: "${entry}" is neither a mailbox (UPN or object ID) nor a *@domain pattern.`,
			);
		}
	}
	return rules;
}

/** Empty rules allow every mailbox: then the Exchange Online policy (RBAC for Applications) governs. */
export function isSenderAllowed(rules: SenderRule[], mailbox: string): boolean {
	if (rules.length === 0) return true;
	const candidate = mailbox.toLowerCase();
	return rules.some((rule) => {
		if (rule.kind === 'mailbox') return rule.value === candidate;
		return !isGuid(candidate) && candidate.endsWith(`@${rule.domain}`);
	});
}

export function describeSenderRules(rules: SenderRule[]): string {
	return rules.map((r) => (r.kind === 'mailbox' ? r.value : `*@${r.domain}`)).join(', ');
}
