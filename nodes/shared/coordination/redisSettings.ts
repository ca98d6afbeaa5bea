/**
 * The Redis that n8n itself uses in queue mode, read from n8n's own environment variables
 * (docs.n8n.io, "Queue mode environment variables": QUEUE_BULL_REDIS_HOST, _PORT, _USERNAME,
 * _PASSWORD, _DB, _TLS, _CLUSTER_NODES, QUEUE_BULL_PREFIX; EXECUTIONS_MODE=queue turns queue mode
 * on). Every worker runs the node, so every worker has them. Without queue mode there is no Redis
 * to share and this returns undefined.
 */
export interface RedisSettings {
	host: string;
	port: number;
	username?: string;
	password?: string;
	db: number;
	tls: boolean;
	/** `host:port` pairs of a Redis cluster; empty for a single server. */
	clusterNodes: Array<{ host: string; port: number }>;
	/** Prefix of every key this package writes, below n8n's QUEUE_BULL_PREFIX. */
	keyPrefix: string;
}

type Env = Record<string, string | undefined>;

function portOf(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}

function clusterNodesOf(value: string | undefined): RedisSettings['clusterNodes'] {
	return (value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((pair) => {
			const at = pair.lastIndexOf(':');
			const host = at > 0 ? pair.slice(0, at) : pair;
			return { host, port: portOf(at > 0 ? pair.slice(at + 1) : undefined, 6379) };
		});
}

export function queueRedisSettings(env: Env = process.env): RedisSettings | undefined {
	if ((env.EXECUTIONS_MODE ?? '').trim() !== 'queue') return undefined;
	const db = Number(env.QUEUE_BULL_REDIS_DB ?? 0);
	const prefix = (env.QUEUE_BULL_PREFIX ?? '').trim() || 'bull';
	return {
		host: (env.QUEUE_BULL_REDIS_HOST ?? '').trim() || 'localhost',
		port: portOf(env.QUEUE_BULL_REDIS_PORT, 6379),
		username: env.QUEUE_BULL_REDIS_USERNAME || undefined,
		password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
		db: Number.isInteger(db) && db >= 0 ? db : 0,
		tls: /^(true|1)$/i.test((env.QUEUE_BULL_REDIS_TLS ?? '').trim()),
		clusterNodes: clusterNodesOf(env.QUEUE_BULL_REDIS_CLUSTER_NODES),
		keyPrefix: `${prefix}:o365-send-mail:`,
	};
}

/** Where the Redis is, for messages: host and port only (never the username or password). */
export function redisPlace(settings: RedisSettings): string {
	const nodes = settings.clusterNodes.length ? settings.clusterNodes : [settings];
	return nodes.map((n) => `${n.host}:${n.port}`).join(', ');
}

/**
 * Two settings that would open the same connection (the password included, so a changed one
 * reconnects).
 */
export function redisIdentity(settings: RedisSettings): string {
	return JSON.stringify(settings);
}
