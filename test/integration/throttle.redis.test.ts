import { resetCoordination } from '../../nodes/shared/coordination';
import { queueRedisSettings } from '../../nodes/shared/coordination/redisSettings';
import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import type { GraphClient } from '../../nodes/shared/transport/graphClient';
import { RedisMailboxGate } from '../../nodes/shared/transport/redisGate';
import { gateSendMail, gateWorker } from '../harness/gateWorker';
import { startTenant, type TestTenant } from '../harness/fixtures';
import { startRedis, type TestRedis } from '../harness/redis';

/**
 * Two n8n queue-mode workers sending from one mailbox, each with its own RedisMailboxGate (two
 * processes that share only Redis), against one simulator that answers the 5th concurrent request
 * per app and mailbox with 429 ApplicationThrottled. The shared lane limit holds Graph's 4 exactly:
 * no 429 to learn from.
 */

let t: TestTenant;
let redis: TestRedis;
beforeAll(async () => {
	[t, redis] = await Promise.all([startTenant({ throttleRetryAfterSeconds: 0.5 }), startRedis()]);
});
afterAll(async () => {
	await resetCoordination();
	await Promise.all([t.sim.close(), redis.stop()]);
});
beforeEach(() => {
	t.sim.reset();
	clearTokenCache();
});

const worker = (gate: RedisMailboxGate) => gateWorker(t, gate);
const sendMail = (graph: GraphClient, subject: string) => gateSendMail(t, graph, subject);

test('two workers sharing the lane limit in Redis: 200 mails, each once, no 429, never more than 4 in flight', async () => {
	t.sim.setGraphLatency(20);
	const settings = queueRedisSettings(redis.env)!;
	const clients = [new RedisMailboxGate(settings), new RedisMailboxGate(settings)].map(worker);
	const perWorker = 100;
	await Promise.all(
		clients.flatMap((graph, w) =>
			Array.from({ length: perWorker }, (_, i) => sendMail(graph, `w${w}-${i}`)),
		),
	);
	const sendMails = t.sim.requests.filter((r) => r.kind === 'graph' && /\/sendMail$/.test(r.path));
	expect(t.sim.outbox).toHaveLength(2 * perWorker);
	expect(new Set(t.sim.outbox.map((m) => m.message.subject)).size).toBe(2 * perWorker);
	expect(sendMails.filter((r) => r.status === 429)).toHaveLength(0);
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBeLessThanOrEqual(4);
	// Both workers really ran requests at the same time (the test would pass trivially one after the
	// other).
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBeGreaterThan(1);
});

test("a 429's Retry-After pauses the mailbox for every worker", async () => {
	const settings = queueRedisSettings(redis.env)!;
	const [a, b] = [new RedisMailboxGate(settings), new RedisMailboxGate(settings)];
	const key = `pause-test-${Math.random()}`;
	await a.pause(key, {
		until: Date.now() + 60_000,
		status: 429,
		code: 'ApplicationThrottled',
		message: 'x',
	});
	// b sees the pause (set through Redis) and, with a deadline before its end, refuses at once.
	const refused = await b.acquire(key, Date.now() + 1000).catch((e: unknown) => e);
	expect(refused).toMatchObject({
		name: 'GateTimeoutError',
		pause: { code: 'ApplicationThrottled' },
	});
});
