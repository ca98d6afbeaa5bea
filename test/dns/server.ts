import dgram from 'node:dgram';

import { RCODE, readQuestion, TYPE, writeAnswer, type Answer } from './wire';

/**
 * A small authoritative DNS server on 127.0.0.1 (real UDP) for the setup-check tests. Each name has
 * TXT and/or CNAME data, or a behaviour: SERVFAIL, REFUSED, NXDOMAIN, or no answer at all. A name
 * that is not listed is NXDOMAIN; a listed name without data of the asked type is NODATA (NOERROR,
 * empty answer). "*.example" entries apply to every name below example that has no entry of its
 * own.
 */
export type Behaviour = 'servfail' | 'refused' | 'nxdomain' | 'drop';

export interface ZoneEntry {
	/**
	 * Each record is one string, or several character-strings (joined by receivers, RFC 7208 §3.3).
	 */
	txt?: (string | string[])[];
	cname?: string;
	behaviour?: Behaviour;
}

export type Zone = Record<string, ZoneEntry>;

export interface DnsTestServer {
	/** "127.0.0.1:<port>" for DnsOptions.servers. */
	address: string;
	/** Every query received, in order: "<TYPE> <name>". */
	queries: string[];
	close(): Promise<void>;
}

function entryFor(zone: Zone, name: string): ZoneEntry | undefined {
	if (zone[name]) return zone[name];
	const labels = name.split('.');
	for (let i = 1; i < labels.length; i++) {
		const wildcard = zone[`*.${labels.slice(i).join('.')}`];
		if (wildcard) return wildcard;
	}
	return undefined;
}

function answersFor(entry: ZoneEntry, type: number): Answer[] {
	if (entry.cname) return [{ type: TYPE.CNAME, data: entry.cname }];
	if (type === TYPE.TXT)
		return (entry.txt ?? []).map((t) => ({ type: TYPE.TXT, data: Array.isArray(t) ? t : [t] }));
	return [];
}

export async function startDnsServer(zone: Zone): Promise<DnsTestServer> {
	const normalized: Zone = Object.fromEntries(
		Object.entries(zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]),
	);
	const socket = dgram.createSocket('udp4');
	const queries: string[] = [];
	socket.on('message', (msg, peer) => {
		const q = readQuestion(msg);
		if (!q) return;
		queries.push(
			`${q.type === TYPE.TXT ? 'TXT' : q.type === TYPE.CNAME ? 'CNAME' : q.type} ${q.name}`,
		);
		const entry = entryFor(normalized, q.name);
		const behaviour = entry?.behaviour ?? (entry ? undefined : 'nxdomain');
		if (behaviour === 'drop') return;
		const reply =
			behaviour === 'servfail'
				? writeAnswer(q, RCODE.SERVFAIL, [])
				: behaviour === 'refused'
					? writeAnswer(q, RCODE.REFUSED, [])
					: behaviour === 'nxdomain'
						? writeAnswer(q, RCODE.NXDOMAIN, [])
						: writeAnswer(q, RCODE.NOERROR, answersFor(entry as ZoneEntry, q.type));
		socket.send(reply, peer.port, peer.address);
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.bind(0, '127.0.0.1', () => resolve());
	});
	return {
		address: `127.0.0.1:${socket.address().port}`,
		queries,
		close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
	};
}
