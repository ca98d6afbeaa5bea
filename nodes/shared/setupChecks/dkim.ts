import type { DnsAnswer, DnsLookup } from './dnsLookup';
import { failed, passed, type Finding } from './finding';

/**
 * DKIM of a custom domain in Microsoft 365: two CNAME records, selector1._domainkey and
 * selector2._domainkey, pointing at keys Microsoft publishes and rotates
 * (https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure).
 *
 * Two target formats are in use:
 * - older: selector1-<domain-with-dashes>._domainkey.<initial domain>, e.g.
 *   selector1-contoso-com._domainkey.contoso.onmicrosoft.com (onmicrosoft.us / partner.onmschina.cn
 *   in the national clouds: assumption from their initial-domain suffixes);
 * - newer (domains set up from May 2025):
 *   selector1-<domain-with-dashes>[suffix]._domainkey.<initial domain
 *   prefix>.<partition>-v1.dkim.mail.microsoft, e.g.
 *   selector1-contoso-com01i._domainkey.contoso.n-v1.dkim.mail.microsoft.
 * Only one selector signs at a time; both must exist so key rotation works.
 */
const MICROSOFT_DKIM_HOSTS =
	/\._domainkey\.[a-z0-9-]+\.(onmicrosoft\.com|onmicrosoft\.us|partner\.onmschina\.cn|[a-z0-9]+-v1\.dkim\.mail\.microsoft)$/;

export type SelectorState =
	| { state: 'ok'; target: string }
	| { state: 'missing' }
	| { state: 'wrong'; target: string }
	| { state: 'unknown'; reason: string };

export function classifySelector(
	selector: string,
	domain: string,
	answer: DnsAnswer,
): SelectorState {
	if (answer.kind === 'unknown') return { state: 'unknown', reason: answer.reason };
	if (answer.kind === 'missing') return { state: 'missing' };
	const target = answer.records[0];
	const prefix = `${selector}-${domain.replace(/\./g, '-')}`;
	const [firstLabel] = target.split('.');
	return firstLabel.startsWith(prefix) && MICROSOFT_DKIM_HOSTS.test(target)
		? { state: 'ok', target }
		: { state: 'wrong', target };
}

const ENABLE_FIX = (domain: string) =>
	`In the Microsoft Defender portal › Email & collaboration › Policies & rules › Threat policies › Email authentication settings › DKIM, select ${domain}: it shows the two CNAME values to publish. Publish selector1._domainkey and selector2._domainkey as CNAME records at your DNS host, then turn on "Sign messages for this domain with DKIM signatures".`;

export async function checkDkim({
	domain,
	lookup,
}: {
	domain: string;
	lookup: DnsLookup;
}): Promise<Finding> {
	const selectors = ['selector1', 'selector2'];
	const states = await Promise.all(
		selectors.map(async (s) =>
			classifySelector(s, domain, await lookup.cname(`${s}._domainkey.${domain}`)),
		),
	);
	const named = states.map((st, i) => ({ name: `${selectors[i]}._domainkey.${domain}`, ...st }));
	const wrong = named.filter((n) => n.state === 'wrong');
	if (wrong.length > 0) {
		const list = wrong.map((n) => `${n.name} → ${'target' in n ? n.target : ''}`).join('; ');
		return failed(
			'dkim',
			'error',
			`DKIM CNAME records of ${domain} do not point at Microsoft 365: ${list}. Receivers cannot verify Microsoft's DKIM signatures with them.`,
			ENABLE_FIX(domain),
		);
	}
	const unknown = named.find((n) => n.state === 'unknown');
	if (unknown) {
		return failed(
			'dkim',
			'warning',
			`Could not read ${unknown.name}: DNS could not answer (${'reason' in unknown ? unknown.reason : ''}). This is not a finding about the domain.`,
			'Run the check again later; if it keeps failing, check the DNS servers this n8n uses.',
		);
	}
	const missing = named.filter((n) => n.state === 'missing');
	if (missing.length > 0) {
		return failed(
			'dkim',
			'warning',
			`${missing.map((n) => n.name).join(' and ')} ${missing.length > 1 ? 'do' : 'does'} not exist, so mail from ${domain} is not DKIM-signed with its own domain${missing.length < 2 ? ' (or key rotation will break it)' : ''}; DMARC then rests on SPF alone.`,
			ENABLE_FIX(domain),
		);
	}
	return passed(
		'dkim',
		`${domain} has both DKIM CNAME records pointing at Microsoft 365 (${named.map((n) => ('target' in n ? n.target : '')).join(', ')}).`,
	);
}
