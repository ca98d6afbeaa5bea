import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { outcomeOf, outcomeOfSync } from '../outcome';
import { withRedis } from '../coordination/redisConnection';
import type { RedisSettings } from '../coordination/redisSettings';
import {
	GateTimeoutError,
	GRAPH_MAILBOX_CONCURRENCY,
	MailboxGate,
	type MailboxPause,
} from './mailboxGate';
import type { RequestGate } from './requestGate';

/**
 * Takes a slot when the mailbox is not paused and fewer than ARGV[2] unexpired holders exist.
 * Holders are a sorted set scored by lease end, so a worker that died holding a slot frees it when
 * its lease ends. Redis's own clock (TIME) decides expiry, so workers' clocks do not matter.
 * Returns {1} when taken, {0} when full, and {-1, ms, pause} while the mailbox is paused.
 */
const ACQUIRE = `
local p = redis.call('PTTL', KEYS[2])
if p > 0 then return {-1, p, redis.call('GET', KEYS[2])} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
  return {1}
end
return {0}`;

/** A later pause wins; an earlier one does not shorten it. */
const PAUSE = `if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1]) end return 1`;

/**
 * Between two looks at a full mailbox: short, so a freed slot is taken within a few ms, and
 * jittered.
 */
const POLL_MS = 4;
const DEFAULT_LEASE_MS = 10 * 60_000;

/**
 * Graph's 4 concurrent requests per app and mailbox held exactly across every n8n worker (queue
 * mode), instead of each worker learning its share from 429s. In front of Redis each process keeps
 * its own MailboxGate, so at most 4 requests per mailbox of one process ever wait on Redis. A 429's
 * Retry-After pauses the mailbox for all. Source for the limit:
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 */
export class RedisMailboxGate implements RequestGate {
	private readonly local: MailboxGate;

	constructor(
		private readonly settings: RedisSettings,
		readonly cap = GRAPH_MAILBOX_CONCURRENCY,
	) {
		this.local = new MailboxGate(cap);
	}

	async acquire(
		key: string,
		deadline: number,
		signal?: AbortSignal,
		leaseMs = DEFAULT_LEASE_MS,
	): Promise<() => void> {
		const releaseLocal = await this.local.acquire(key, deadline, signal);
		const holder = randomUUID();
		const keys = this.keysOf(key);
		const taken = await outcomeOf(() => this.takeShared(keys, holder, deadline, leaseMs, signal));
		if (!taken.ok) {
			releaseLocal();
			throw taken.error;
		}
		let released = false;
		return () => {
			if (released) return;
			released = true;
			// Commands on one connection run in order: the next local waiter's ACQUIRE sees this slot
			// free.
			void withRedis(this.settings, (redis) => redis.zrem(keys.holders, holder)).catch(
				() => undefined, // the lease frees it
			);
			releaseLocal();
		};
	}

	/**
	 * Resolves once Redis holds the pause (callers need not wait: the local gate holds it at once).
	 */
	async pause(key: string, pause: MailboxPause): Promise<void> {
		this.local.pause(key, pause);
		const ms = Math.max(1, Math.round(pause.until - Date.now()));
		const value = JSON.stringify({ ...pause, until: undefined });
		await withRedis(this.settings, (redis) =>
			redis.eval(PAUSE, 1, this.keysOf(key).pause, String(ms), value),
		).catch(() => undefined);
	}

	private keysOf(key: string): { holders: string; pause: string } {
		// One hash tag, so both keys live in the same slot of a Redis cluster.
		const tag = createHash('sha256').update(key).digest('base64url').slice(0, 22);
		const base = `${this.settings.keyPrefix}lane:{${tag}}`;
		return { holders: `${base}:holders`, pause: `${base}:pause` };
	}

	private async takeShared(
		keys: { holders: string; pause: string },
		holder: string,
		deadline: number,
		leaseMs: number,
		signal?: AbortSignal,
	): Promise<void> {
		const queuedAt = Date.now();
		for (;;) {
			if (signal?.aborted) throw new Error('cancelled');
			const answer = (await withRedis(this.settings, (redis) =>
				redis.eval(ACQUIRE, 2, keys.holders, keys.pause, String(leaseMs), String(this.cap), holder),
			)) as [number, number?, string?];
			if (answer[0] === 1) return;
			const now = Date.now();
			let wait = POLL_MS + Math.random() * POLL_MS;
			if (answer[0] === -1) {
				const pause = pauseOf(answer[2], now + Number(answer[1]));
				if (pause.until > deadline) throw new GateTimeoutError(now - queuedAt, pause);
				wait = Math.max(wait, pause.until - now);
			}
			if (now + wait > deadline) throw new GateTimeoutError(now - queuedAt, undefined);
			await sleep(wait, undefined, { signal }).catch(() => undefined);
		}
	}
}

function pauseOf(stored: string | undefined, until: number): MailboxPause {
	// Another version's value: the pause still holds, only its words are lost.
	const read = outcomeOfSync(() => JSON.parse(stored ?? '{}') as Partial<MailboxPause>);
	const parsed: Partial<MailboxPause> = read.ok && read.value ? read.value : {};
	return {
		until,
		status: typeof parsed.status === 'number' ? parsed.status : 429,
		code: typeof parsed.code === 'string' ? parsed.code : 'ApplicationThrottled',
		message: typeof parsed.message === 'string' ? parsed.message : 'Throttled by Microsoft Graph',
		requestId: typeof parsed.requestId === 'string' ? parsed.requestId : undefined,
	};
}
