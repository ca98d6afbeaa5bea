import { Resolver } from 'node:dns/promises';

import { outcomeOf } from '../outcome';

/**
 * DNS reads for the mail-authentication checks, through Node's resolver (c-ares), which uses the
 * system's DNS servers unless a list is given. Every answer is one of three kinds, because a DNS
 * failure (SERVFAIL, timeout, refused) says nothing about the domain and must not be reported as a
 * missing record.
 */
export type DnsAnswer =
	| { kind: 'found'; records: string[] }
	| { kind: 'missing'; reason: 'NXDOMAIN' | 'NODATA' }
	| { kind: 'unknown'; reason: string };

export interface DnsOptions {
	/**
	 * Servers as "ip" or "ip:port" (tests use "127.0.0.1:<port>"); default: the system's resolvers.
	 */
	servers?: string[];
	/** Time for one query, all retries included. Default 4000 ms. */
	timeoutMs?: number;
}

export interface DnsLookup {
	/** TXT records, each record's character-strings joined as RFC 7208 §3.3 says. */
	txt(name: string): Promise<DnsAnswer>;
	/** CNAME targets, lower-cased, without a trailing dot. */
	cname(name: string): Promise<DnsAnswer>;
}

const DEFAULT_TIMEOUT_MS = 4000;
const MAX_TIMEOUT_MS = 30000;

// Hostname syntax (RFC 1035 §2.3.4 sizes; "_" allowed for _dmarc/_domainkey). Names read from DNS
// data (SPF includes) are checked before they are queried.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function isQueryableName(name: string): boolean {
	const n = name.toLowerCase().replace(/\.$/, '');
	return n.length > 0 && n.length <= 253 && n.split('.').every((label) => LABEL.test(label));
}

const WORDS: Record<string, string> = {
	ESERVFAIL: 'the DNS server answered SERVFAIL',
	ETIMEOUT: 'the DNS server did not answer in time',
	ECANCELLED: 'the DNS server did not answer in time',
	ECONNREFUSED: 'the DNS server refused the connection',
	EREFUSED: 'the DNS server refused the query',
	EBADRESP: 'the DNS server sent a malformed answer',
	ECONNRESET: 'the connection to the DNS server was reset',
};

function classify(error: unknown): DnsAnswer {
	const code = (error as { code?: string } | undefined)?.code ?? '';
	if (code === 'ENOTFOUND') return { kind: 'missing', reason: 'NXDOMAIN' };
	if (code === 'ENODATA') return { kind: 'missing', reason: 'NODATA' };
	return {
		kind: 'unknown',
		reason: WORDS[code] ?? `the DNS query failed (${code || 'unknown error'})`,
	};
}

async function query<T>(
	opts: DnsOptions,
	run: (resolver: Resolver) => Promise<T[]>,
	toText: (record: T) => string,
): Promise<DnsAnswer> {
	const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 100), MAX_TIMEOUT_MS);
	// Two tries share the budget; c-ares doubles the wait on each retry, so a third of it goes to the
	// first.
	const resolver = new Resolver({ timeout: Math.ceil(timeoutMs / 3), tries: 2 });
	if (opts.servers?.length) resolver.setServers(opts.servers);
	// A hard deadline on top of c-ares' own timers: cancel() rejects the query with ECANCELLED.
	const timer = setTimeout(() => resolver.cancel(), timeoutMs);
	const result = await outcomeOf(() => run(resolver));
	clearTimeout(timer);
	if (!result.ok) return classify(result.error);
	if (result.value.length === 0) return { kind: 'missing', reason: 'NODATA' };
	return { kind: 'found', records: result.value.map(toText) };
}

export function createDnsLookup(opts: DnsOptions = {}): DnsLookup {
	const invalid = (name: string): DnsAnswer => ({
		kind: 'unknown',
		reason: `"${name.slice(0, 80)}" is not a valid DNS name`,
	});
	return {
		txt: async (name) =>
			isQueryableName(name)
				? query(
						opts,
						(r) => r.resolveTxt(name),
						(chunks) => chunks.join(''),
					)
				: invalid(name),
		cname: async (name) =>
			isQueryableName(name)
				? query(
						opts,
						(r) => r.resolveCname(name),
						(t) => t.toLowerCase().replace(/\.$/, ''),
					)
				: invalid(name),
	};
}
