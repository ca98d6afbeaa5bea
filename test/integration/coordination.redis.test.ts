import { MemoryClaims, type ClaimStore } from '../../nodes/shared/coordination/claims';
import { resetCoordination } from '../../nodes/shared/coordination';
import { RedisClaims } from '../../nodes/shared/coordination/redisClaims';
import { RedisUnavailableError } from '../../nodes/shared/coordination/redisConnection';
import { queueRedisSettings } from '../../nodes/shared/coordination/redisSettings';
import { startRedis, type TestRedis } from '../harness/redis';

/**
 * Claims: one interface, the in-process map and n8n's Redis (a real redis-server on a random port).
 */

let redis: TestRedis;
beforeAll(async () => {
	redis = await startRedis();
});
afterAll(async () => {
	await resetCoordination();
	await redis.stop();
});

const stores: Array<[string, () => ClaimStore]> = [
	['in process', () => new MemoryClaims()],
	['Redis', () => new RedisClaims(queueRedisSettings(redis.env)!)],
];

describe.each(stores)('claims %s', (_name, make) => {
	test('the first claim wins; others read its value; only the current value may change or free it', async () => {
		const store = make();
		const name = `k-${Math.random()}`;
		expect(await store.claim(name, 'a', 60_000)).toEqual({ claimed: true });
		expect(await store.claim(name, 'b', 60_000)).toEqual({ claimed: false, value: 'a' });
		expect(await store.update(name, 'b', 'c', 60_000)).toBe(false);
		expect(await store.update(name, 'a', 'sent', 60_000)).toBe(true);
		expect(await store.claim(name, 'd', 60_000)).toEqual({ claimed: false, value: 'sent' });
		await store.release(name, 'a');
		expect(await store.claim(name, 'd', 60_000)).toEqual({ claimed: false, value: 'sent' });
		await store.release(name, 'sent');
		expect(await store.claim(name, 'e', 60_000)).toEqual({ claimed: true });
	});

	test('a claim ends with its time to live', async () => {
		const store = make();
		const name = `ttl-${Math.random()}`;
		expect(await store.claim(name, 'a', 30)).toEqual({ claimed: true });
		await new Promise((resolve) => setTimeout(resolve, 80));
		expect(await store.claim(name, 'b', 60_000)).toEqual({ claimed: true });
	});

	test('50 concurrent claims on one name: exactly one wins', async () => {
		const store = make();
		const name = `burst-${Math.random()}`;
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => store.claim(name, `v${i}`, 60_000)),
		);
		expect(results.filter((r) => r.claimed)).toHaveLength(1);
	});
});

test('Redis configured but unreachable: a clear error naming the place and never the password', async () => {
	const settings = queueRedisSettings({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '1',
		QUEUE_BULL_REDIS_PASSWORD: 'sentinel-redis-password',
	})!;
	const error = await new RedisClaims(settings).claim('x', 'y', 1000).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(RedisUnavailableError);
	const message = (error as Error).message;
	expect(message).toContain('127.0.0.1:1');
	expect(message).toContain('QUEUE_BULL_REDIS_');
	expect(message).toMatch(/nothing was sent/);
	expect(message).not.toContain('sentinel-redis-password');
});

test("n8n's variables: queue mode only with EXECUTIONS_MODE=queue; TLS, db, user and prefix are read", () => {
	expect(queueRedisSettings({ QUEUE_BULL_REDIS_HOST: 'redis' })).toBeUndefined();
	const s = queueRedisSettings({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: 'redis.internal',
		QUEUE_BULL_REDIS_PORT: '6380',
		QUEUE_BULL_REDIS_USERNAME: 'n8n',
		QUEUE_BULL_REDIS_DB: '2',
		QUEUE_BULL_REDIS_TLS: 'true',
		QUEUE_BULL_PREFIX: 'acme',
	})!;
	expect(s).toMatchObject({
		host: 'redis.internal',
		port: 6380,
		username: 'n8n',
		db: 2,
		tls: true,
	});
	expect(s.keyPrefix).toBe('acme:o365-send-mail:');
	const cluster = queueRedisSettings({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_CLUSTER_NODES: 'r1:7000, r2:7001',
	})!;
	expect(cluster.clusterNodes).toEqual([
		{ host: 'r1', port: 7000 },
		{ host: 'r2', port: 7001 },
	]);
});
