import type { ClaimResult, ClaimStore } from './claims';
import { withRedis } from './redisConnection';
import type { RedisSettings } from './redisSettings';

// Compare-and-set and compare-and-delete: only the holder whose value is still current may change
// the claim (the pattern of https://redis.io/docs/latest/develop/use/patterns/distributed-locks/,
// one instance).
const UPDATE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Claims in the Redis of n8n's queue mode, shared by the main process and every worker: SET NX PX.
 */
export class RedisClaims implements ClaimStore {
	constructor(private readonly settings: RedisSettings) {}

	private key(name: string): string {
		return `${this.settings.keyPrefix}claim:${name}`;
	}

	async claim(name: string, value: string, ttlMs: number): Promise<ClaimResult> {
		const key = this.key(name);
		return await withRedis(this.settings, async (redis) => {
			// A claim can expire between SET and GET; then try again (twice is plenty: the TTLs are
			// minutes).
			for (let attempt = 0; attempt < 3; attempt++) {
				if ((await redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK') return { claimed: true };
				const held = await redis.get(key);
				if (held !== null) return { claimed: false, value: held };
			}
			return { claimed: false, value };
		});
	}

	async update(name: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
		const done = await withRedis(this.settings, (redis) =>
			redis.eval(UPDATE, 1, this.key(name), expected, value, String(ttlMs)),
		);
		return done === 'OK';
	}

	async peek(name: string): Promise<string | undefined> {
		const value = await withRedis(this.settings, (redis) => redis.get(this.key(name)));
		return value ?? undefined;
	}

	async release(name: string, expected: string): Promise<void> {
		await withRedis(this.settings, (redis) => redis.eval(RELEASE, 1, this.key(name), expected));
	}
}
