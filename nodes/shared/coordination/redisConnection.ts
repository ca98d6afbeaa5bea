import Redis, { Cluster, type RedisOptions } from 'ioredis';

import { outcomeOf } from '../outcome';
import { redisIdentity, redisPlace, type RedisSettings } from './redisSettings';

/** How long connecting, and then each command, may take before Redis counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 5_000;

export type RedisClient = Redis | Cluster;

/**
 * Redis is configured (n8n runs in queue mode) but did not answer. Nothing that depends on it was
 * done, so the caller fails its item rather than risk a duplicate. The message names the place,
 * never the password.
 */
export class RedisUnavailableError extends Error {
	constructor(
		readonly place: string,
		readonly cause: unknown,
	) {
		const detail = cause instanceof Error ? cause.message : String(cause);
		super(
			`The Redis of n8n's queue mode (${place}, from QUEUE_BULL_REDIS_*) did not answer (${detail.slice(0, 200)}), so nothing was sent for this item (the workers share Idempotency Key claims and each mailbox's request limit through it). Check that Redis is running and reachable from this worker, then retry the execution.`,
		);
		this.name = 'RedisUnavailableError';
	}
}

interface Connection {
	identity: string;
	client: RedisClient;
	ready: Promise<void>;
}

let current: Connection | undefined;

function optionsOf(settings: RedisSettings): RedisOptions {
	return {
		username: settings.username,
		password: settings.password,
		db: settings.db,
		tls: settings.tls ? {} : undefined,
		lazyConnect: true,
		connectTimeout: CONNECT_TIMEOUT_MS,
		commandTimeout: COMMAND_TIMEOUT_MS,
		maxRetriesPerRequest: 0,
		enableOfflineQueue: false,
		// No silent reconnect loop: a lost connection is dropped and the next call connects anew (and
		// fails its item clearly when Redis is still away).
		retryStrategy: () => null,
	};
}

function open(settings: RedisSettings): Connection {
	const options = optionsOf(settings);
	const client: RedisClient = settings.clusterNodes.length
		? new Cluster(settings.clusterNodes, {
				lazyConnect: true,
				redisOptions: options,
				clusterRetryStrategy: () => null,
				enableOfflineQueue: false,
			})
		: new Redis({ ...options, host: settings.host, port: settings.port });
	// Without a listener ioredis prints every connection error; the caller sees them as
	// RedisUnavailableError.
	client.on('error', () => undefined);
	const connection: Connection = {
		identity: redisIdentity(settings),
		client,
		ready: client.connect(),
	};
	client.on('end', () => {
		if (current === connection) current = undefined;
	});
	connection.ready.catch(() => {
		if (current === connection) current = undefined;
		client.disconnect();
	});
	return connection;
}

/**
 * Runs `fn` with the process's connection to this Redis; any failure to reach it is a
 * RedisUnavailableError.
 */
export async function withRedis<T>(
	settings: RedisSettings,
	fn: (client: RedisClient) => Promise<T>,
): Promise<T> {
	if (!current || current.identity !== redisIdentity(settings)) {
		current?.client.disconnect();
		current = open(settings);
	}
	const { client, ready } = current;
	const done = await outcomeOf(async () => {
		await ready;
		return await fn(client);
	});
	if (done.ok) return done.value;
	if (isRedisReplyError(done.error)) throw done.error;
	throw new RedisUnavailableError(redisPlace(settings), done.error);
}

/** An error Redis itself answered (a script error, a wrong type): a bug, not an outage. */
function isRedisReplyError(error: unknown): boolean {
	return error instanceof Error && error.name === 'ReplyError';
}

/** Closes the connection (tests use it to act as a new process; n8n ends the process otherwise). */
export async function closeRedis(): Promise<void> {
	const connection = current;
	current = undefined;
	if (!connection) return;
	await connection.client.quit().catch(() => connection.client.disconnect());
}
