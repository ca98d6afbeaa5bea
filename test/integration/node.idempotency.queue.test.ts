import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { resetCoordination } from '../../nodes/shared/coordination';
import { runSendMail } from '../harness/engine';
import { startRedis, withEnv, type TestRedis } from '../harness/redis';
import { useTenant } from '../harness/world';

/**
 * Idempotency Key in n8n queue mode: the claim lives in n8n's Redis (a real redis-server), so it
 * covers the gap before the sent copy appears across processes too. A new worker process is
 * modelled by resetCoordination(), which drops this process's memory and Redis connection but not
 * what Redis holds.
 */

const t = useTenant();
let redis: TestRedis;
let restoreEnv: () => void;
beforeAll(async () => {
	redis = await startRedis();
	restoreEnv = withEnv(redis.env);
});
afterAll(async () => {
	restoreEnv();
	await resetCoordination();
	await redis.stop();
});
// The copy appears in Sent Items only after an hour: only the claim can stop a duplicate.
beforeEach(() => t.sim.setExchangeBehaviour({ sentItemsDelayMs: 3_600_000 }));

function run(order: number, env?: Record<string, string>) {
	const restore = env ? withEnv(env) : () => undefined;
	return runSendMail({
		credentials: t.credentials(),
		items: [{ json: { order } }],
		parameters: {
			toRecipients: 'ada@example.com',
			subject: `Order ${order}`,
			bodyContent: 'Thank you',
			bodyContentType: 'text',
			options: { idempotencyKey: `order-${order}` },
		},
		onError: 'continueRegularOutput',
	}).finally(restore);
}

test('a burst of 10 executions in two "workers" with one key: 1 mail, before any copy is in Sent Items', async () => {
	const results = await Promise.all(Array.from({ length: 5 }, () => run(1)));
	await resetCoordination(); // the second worker: a process of its own, the same Redis
	results.push(...(await Promise.all(Array.from({ length: 5 }, () => run(1)))));
	expect(t.sim.outbox).toHaveLength(1);
	const outputs = results.map((r) => r.items[0].json);
	expect(outputs.filter((o) => o.deduplicated === true)).toHaveLength(9);
	for (const out of outputs) expect(out.status).toBe('sent');
});

test('Redis configured but unreachable: the item fails clearly and nothing is sent', async () => {
	await resetCoordination();
	const { items } = await run(2, { QUEUE_BULL_REDIS_PORT: '1' });
	expect(items[0].json.status).toBe('failed');
	expect(items[0].json.error).toMatch(
		/Redis of n8n's queue mode \(127\.0\.0\.1:1.*nothing was sent/,
	);
	expect(t.sim.outbox).toHaveLength(0);
	await resetCoordination();
});
