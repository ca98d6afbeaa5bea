import type { DnsLookup } from './dnsLookup';
import { failed, passed, type Finding } from './finding';
import { isInitialDomain } from './senderDomain';

/**
 * DMARC of the sender's domain (RFC 7489): a TXT record "v=DMARC1; p=…" at _dmarc.<domain>. Without
 * one at the domain, receivers use the organizational domain's record (RFC 7489 §6.6.3); lacking
 * the Public Suffix List here, parents are tried label by label down to two labels (at most 4 more
 * queries). https://learn.microsoft.com/defender-office-365/email-authentication-dmarc-configure
 */
const DMARC_RECORD = /^v\s*=\s*DMARC1\s*(;|$)/i;
const MAX_PARENTS = 4;

type Found = { at: string; records: string[] } | { unknown: string } | undefined;

async function findRecord(domain: string, lookup: DnsLookup): Promise<Found> {
	const labels = domain.split('.');
	for (let i = 0; i <= Math.min(labels.length - 2, MAX_PARENTS); i++) {
		const at = labels.slice(i).join('.');
		const answer = await lookup.txt(`_dmarc.${at}`);
		if (answer.kind === 'unknown') return { unknown: `_dmarc.${at}: ${answer.reason}` };
		const records =
			answer.kind === 'found' ? answer.records.filter((r) => DMARC_RECORD.test(r.trim())) : [];
		if (records.length > 0) return { at, records };
	}
	return undefined;
}

function tag(record: string, name: string): string | undefined {
	for (const part of record.split(';')) {
		const [k, ...v] = part.split('=');
		if (k.trim().toLowerCase() === name) return v.join('=').trim().toLowerCase();
	}
	return undefined;
}

/**
 * The tenant's initial domain (*.onmicrosoft.com) lives in Microsoft's DNS: there is no DNS host to
 * add a record at. Its DMARC record is added in the Microsoft 365 admin center (Settings › Domains
 * › the domain › DNS records › Add record), per
 * learn.microsoft.com/defender-office-365/email-authentication-dmarc-configure.
 */
const INITIAL_FIX = (domain: string, value: string) =>
	`${domain} is the tenant's initial domain, whose DNS Microsoft runs: add or change the record in the Microsoft 365 admin center (Settings › Domains › ${domain} › DNS records), type TXT, name _dmarc, value "${value}", not at a DNS host. For mail to people outside the organisation, prefer a custom domain of your own with SPF, DKIM and DMARC.`;

const ADD_FIX = (domain: string) =>
	isInitialDomain(domain)
		? INITIAL_FIX(domain, 'v=DMARC1; p=reject')
		: `Add a TXT record at _dmarc.${domain}: "v=DMARC1; p=quarantine; rua=mailto:<a mailbox that reads reports>" (start with p=none only to watch reports, then enforce).`;

export async function checkDmarc({
	domain,
	lookup,
}: {
	domain: string;
	lookup: DnsLookup;
}): Promise<Finding> {
	const found = await findRecord(domain, lookup);
	if (found && 'unknown' in found) {
		return failed(
			'dmarc',
			'warning',
			`Could not read the DMARC record of ${domain}: DNS could not answer (${found.unknown}). This is not a finding about the domain.`,
			'Run the check again later; if it keeps failing, check the DNS servers this n8n uses.',
		);
	}
	if (!found)
		return failed(
			'dmarc',
			'error',
			`${domain} has no DMARC record (_dmarc.${domain} TXT "v=DMARC1; …").`,
			ADD_FIX(domain),
		);
	const where =
		found.at === domain
			? `_dmarc.${domain}`
			: `_dmarc.${found.at} (the parent domain's, which applies to ${domain})`;
	if (found.records.length > 1) {
		return failed(
			'dmarc',
			'error',
			`${where} has ${found.records.length} DMARC records; receivers then apply none (RFC 7489 §6.6.3).`,
			`Keep one "v=DMARC1" TXT record at _dmarc.${found.at} and delete the others.`,
		);
	}
	const record = found.records[0];
	// A parent's record applies to subdomains with its sp= policy when given (RFC 7489 §6.3).
	const policy = (found.at !== domain && tag(record, 'sp')) || tag(record, 'p');
	if (policy === 'quarantine' || policy === 'reject')
		return passed('dmarc', `${where} enforces DMARC with policy ${policy}.`);
	if (policy === 'none') {
		return failed(
			'dmarc',
			'warning',
			`${where} has policy none: DMARC is published but not enforced, so mail forged in the name of ${domain} is still delivered.`,
			isInitialDomain(found.at)
				? INITIAL_FIX(found.at, 'v=DMARC1; p=reject')
				: `Once the DMARC reports show your real senders pass, change p=none to p=quarantine (later p=reject) at _dmarc.${found.at}.`,
		);
	}
	return failed(
		'dmarc',
		'error',
		`${where} has no valid policy (p=${policy ?? 'missing'}); receivers ignore the record (RFC 7489 §6.6.3).`,
		`Set p=quarantine (or p=reject) in the TXT record at _dmarc.${found.at}.`,
	);
}
