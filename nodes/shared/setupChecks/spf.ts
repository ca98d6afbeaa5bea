import { isQueryableName, type DnsLookup } from './dnsLookup';
import { failed, passed, type Finding } from './finding';

/**
 * SPF of the sender's domain (RFC 7208): exactly one "v=spf1" TXT record, which authorizes Exchange
 * Online by including Microsoft's SPF domain, directly or through other includes/redirects.
 *
 * Bounded work: RFC 7208 §4.6.4 allows at most 10 DNS-querying terms (include, a, mx, ptr, exists,
 * redirect) per evaluation; past that receivers return permerror. The walk counts them the same way
 * and stops at the limit, so a record can never make us send more than 11 queries (the domain's own
 * TXT + 10).
 */
const LOOKUP_LIMIT = 10;
const SPF_RECORD = /^v=spf1(\s|$)/i;
const COUNTED = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);

interface Walk {
	lookups: number;
	foundInclude?: string;
	/**
	 * Another Microsoft cloud's SPF domain: authorizes that cloud's servers, not this credential's.
	 */
	otherCloud?: string;
	overLimit: boolean;
	/** Why the walk could not finish (DNS failure). */
	unknown?: string;
	/**
	 * Includes/redirects whose domain has no SPF record: a permerror for receivers (RFC 7208 §5.2,
	 * §6.1).
	 */
	broken: string[];
	/**
	 * The first include/redirect whose target is no domain name: a syntax error, permerror (RFC 7208
	 * §4.6).
	 */
	invalid?: { term: string; target: string; record: string };
}

function spfRecords(records: string[]): string[] {
	return records.filter((r) => SPF_RECORD.test(r.trim()));
}

function terms(record: string): { name: string; value: string; qualifier: string }[] {
	return record
		.trim()
		.split(/\s+/)
		.slice(1)
		.map((term) => {
			const m = /^([+\-~?]?)([a-z0-9_.-]+)(?:[:=](.*))?$/i.exec(term);
			return m
				? { qualifier: m[1] || '+', name: m[2].toLowerCase(), value: (m[3] ?? '').toLowerCase() }
				: { qualifier: '+', name: term.toLowerCase(), value: '' };
		});
}

interface Targets {
	accepted: string[];
	otherClouds: string[];
}

interface Term {
	name: string;
	value: string;
}

async function follow(
	lookup: DnsLookup,
	term: Term,
	owner: string,
	walk: Walk,
	targets: Targets,
): Promise<void> {
	const domain = term.value;
	walk.lookups++;
	if (walk.lookups > LOOKUP_LIMIT) {
		walk.overLimit = true;
		return;
	}
	const target = domain.replace(/\.$/, '');
	if (targets.accepted.includes(target)) {
		walk.foundInclude ??= target;
		return;
	}
	if (targets.otherClouds.includes(target)) {
		walk.otherCloud ??= target;
		return;
	}
	if (target.includes('%')) return; // macros (RFC 7208 §7) depend on the message: not expanded here
	if (!isQueryableName(target)) {
		const sep = term.name === 'include' ? ':' : '=';
		walk.invalid ??= { term: `${term.name}${sep}${domain}`, target: domain, record: owner };
		return;
	}
	const answer = await lookup.txt(target);
	if (answer.kind === 'unknown') {
		walk.unknown = `${target}: ${answer.reason}`;
		return;
	}
	const found = answer.kind === 'found' ? spfRecords(answer.records) : [];
	if (found.length !== 1) {
		walk.broken.push(target);
		return;
	}
	await evaluate(lookup, found[0], target, walk, targets);
}

async function evaluate(
	lookup: DnsLookup,
	record: string,
	owner: string,
	walk: Walk,
	targets: Targets,
): Promise<void> {
	const all = terms(record);
	// redirect= applies only when the record has no "all" term, and after every mechanism (RFC 7208
	// §6.1).
	const redirect = all.some((t) => t.name === 'all')
		? undefined
		: all.find((t) => t.name === 'redirect');
	for (const term of all) {
		if (walk.overLimit || walk.unknown || walk.invalid) return;
		if (term.name === 'include') await follow(lookup, term, owner, walk, targets);
		else if (COUNTED.has(term.name) && term.name !== 'redirect') walk.lookups++;
		if (walk.lookups > LOOKUP_LIMIT) walk.overLimit = true;
	}
	if (redirect && !walk.overLimit && !walk.unknown && !walk.invalid)
		await follow(lookup, redirect, owner, walk, targets);
}

export interface SpfInput {
	domain: string;
	/**
	 * Microsoft SPF domains that count as authorizing Exchange Online (one per cloud; all for
	 * Custom).
	 */
	accepted: string[];
	/** The other clouds' Microsoft SPF domains: named in the finding instead of being queried. */
	otherClouds?: string[];
	lookup: DnsLookup;
}

export async function checkSpf({
	domain,
	accepted,
	otherClouds = [],
	lookup,
}: SpfInput): Promise<Finding> {
	const wanted = `include:${accepted[0]}`;
	const addFix = `Add one TXT record at ${domain}: "v=spf1 ${wanted} -all" (list your other sending services in the same record).`;
	const answer = await lookup.txt(domain);
	if (answer.kind === 'unknown') return unknown(domain, answer.reason);
	const records = answer.kind === 'found' ? spfRecords(answer.records) : [];
	if (records.length === 0)
		return failed('spf', 'error', `${domain} has no SPF record (TXT "v=spf1 …").`, addFix);
	if (records.length > 1) {
		return failed(
			'spf',
			'error',
			`${domain} has ${records.length} SPF records; receivers treat that as a permanent error (RFC 7208 §4.5), so SPF fails for every message.`,
			`Merge them into one TXT record that contains ${wanted}, and delete the others.`,
		);
	}
	const walk: Walk = { lookups: 0, overLimit: false, broken: [] };
	await evaluate(lookup, records[0], domain, walk, { accepted, otherClouds });
	return verdict(domain, records[0], walk, wanted);
}

function unknown(domain: string, reason: string): Finding {
	return failed(
		'spf',
		'warning',
		`Could not read the SPF record of ${domain}: DNS could not answer (${reason}). This is not a finding about the domain.`,
		'Run the check again later; if it keeps failing, check the DNS servers this n8n uses.',
	);
}

function verdict(domain: string, record: string, walk: Walk, wanted: string): Finding {
	if (walk.overLimit) {
		return failed(
			'spf',
			'error',
			`The SPF record of ${domain} needs more than ${LOOKUP_LIMIT} DNS lookups; receivers stop at ${LOOKUP_LIMIT} and return a permanent error (RFC 7208 §4.6.4).`,
			`Remove includes of services you no longer use, or replace some with ip4:/ip6: ranges, until ${LOOKUP_LIMIT} lookups suffice; keep ${wanted}.`,
		);
	}
	if (walk.invalid) {
		const { term, target, record: owner } = walk.invalid;
		return failed(
			'spf',
			'error',
			`The SPF record of ${owner} names ${JSON.stringify(target.slice(0, 80))}, which is not a domain name; receivers return a permanent error for the whole record (RFC 7208 §4.6).`,
			`Correct or remove ${term.slice(0, 100)} in the SPF record of ${owner}.`,
		);
	}
	if (walk.unknown && !walk.foundInclude) return unknown(domain, walk.unknown);
	if (walk.broken.length > 0) {
		return failed(
			'spf',
			'error',
			`The SPF record of ${domain} includes ${walk.broken.join(', ')}, which has no single SPF record; receivers return a permanent error (RFC 7208 §5.2).`,
			`Remove or correct include:${walk.broken[0]} in the SPF record of ${domain}.`,
		);
	}
	if (!walk.foundInclude && walk.otherCloud) {
		return failed(
			'spf',
			'error',
			`The SPF record of ${domain} authorizes another Microsoft cloud (include:${walk.otherCloud}), not the one this credential signs in to; mail from ${domain} fails SPF.`,
			`Replace include:${walk.otherCloud} with ${wanted} in the SPF record of ${domain} (or correct the credential's Cloud).`,
		);
	}
	if (!walk.foundInclude) {
		return failed(
			'spf',
			'error',
			`The SPF record of ${domain} does not authorize Microsoft 365: "${record.slice(0, 200)}" has no ${wanted}.`,
			`Add ${wanted} to the SPF record of ${domain}, before its "all" term.`,
		);
	}
	if (/(^|\s)\+?all(\s|$)/i.test(record)) {
		return failed(
			'spf',
			'warning',
			`The SPF record of ${domain} authorizes Microsoft 365 but ends in "+all", which lets any server on the internet send as ${domain}.`,
			'End the record with "-all" (or "~all").',
		);
	}
	return passed(
		'spf',
		`${domain} has one SPF record that authorizes Microsoft 365 (include:${walk.foundInclude}; ${walk.lookups} of ${LOOKUP_LIMIT} DNS lookups).`,
	);
}
