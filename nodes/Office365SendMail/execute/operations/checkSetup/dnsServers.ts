import { isIP } from 'node:net';

import type { DnsOptions } from '../../../../shared/setupChecks';

/**
 * Test hook: DNS servers for the sender-domain checks. Normally unset, and Node's resolver uses the
 * system's DNS (/etc/resolv.conf, or the container's), which is what an admin expects. The tests
 * and the end-to-end suite set it to the local DNS test server (127.0.0.1:<port>), because the
 * system resolver cannot be pointed at a test zone without root. It is an environment variable and
 * not a node parameter, so a workflow cannot send DNS queries to hosts of its choosing; only
 * whoever starts n8n can set it. Read on each run (it costs nothing), so a test can start its DNS
 * server on a free port after the package is loaded.
 */
export const DNS_SERVERS_ENV = 'OFFICE365_SEND_MAIL_DNS_SERVERS';

// A handful of servers is plenty; the bound keeps a stray value from turning into a long list.
const MAX_SERVERS = 4;

export type DnsSetting = { ok: true; dns: DnsOptions } | { ok: false; reason: string };

function isServer(entry: string): boolean {
	if (isIP(entry)) return true;
	const bracketed = /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(entry);
	const plain = /^([0-9.]+):(\d{1,5})$/.exec(entry);
	const match = bracketed ?? plain;
	if (!match) return false;
	const port = Number(match[2]);
	return isIP(match[1]) !== 0 && port >= 1 && port <= 65535;
}

export function dnsSetting(env: NodeJS.ProcessEnv = process.env): DnsSetting {
	const raw = (env[DNS_SERVERS_ENV] ?? '').slice(0, 400).trim();
	if (!raw) return { ok: true, dns: {} };
	const servers = raw.split(/[\s,]+/).filter(Boolean);
	if (servers.length > MAX_SERVERS || !servers.every(isServer)) {
		return {
			ok: false,
			reason: `the environment variable ${DNS_SERVERS_ENV} must list up to ${MAX_SERVERS} DNS servers as IP or IP:port, separated by commas`,
		};
	}
	return { ok: true, dns: { servers } };
}
