import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import type { GraphClient } from '../../nodes/shared/transport/graphClient';
import { DEFAULT_LANE_TUNING } from '../../nodes/shared/transport/laneLimit';
import { MailboxGate } from '../../nodes/shared/transport/mailboxGate';
import { gateSendMail, gateWorker } from '../harness/gateWorker';
import { recordMeasurement } from '../harness/report';
import { startTenant, type TestTenant } from '../harness/fixtures';

/**
 * Two n8n queue-mode workers sending from one mailbox: two processes, each with its own gate, that
 * cannot see each other. Modelled by two GraphClients with two gate instances (default adaptive
 * settings, cap 4) against one simulator, which allows 4 concurrent requests per app and mailbox
 * and answers the 5th 429 ApplicationThrottled with Retry-After. Each gate must learn its share
 * from those 429s.
 */

const RETRY_AFTER_S = 0.5;
let t: TestTenant;
beforeAll(async () => {
	t = await startTenant({ throttleRetryAfterSeconds: RETRY_AFTER_S });
});
afterAll(async () => {
	await t.sim.close();
});
beforeEach(() => {
	t.sim.reset();
	clearTokenCache();
});

const worker = (gate: MailboxGate) => gateWorker(t, gate);
const sendMail = (graph: GraphClient, subject: string) => gateSendMail(t, graph, subject);

test('two processes on one mailbox settle at a share of 4 between them, after a few 429s; each mail once', async () => {
	t.sim.setGraphLatency(50);
	// The first 5 are held until all 5 have arrived: 4 hold the mailbox's slots, so the 5th meets a
	// 429 whatever the machine's load (both gates together send up to 8 at once).
	t.sim.gatherRequests({ path: /\/sendMail$/, count: 5 });
	// Raises are held back for longer than the run (the default is 5 s): on a loaded machine the
	// clients may not keep 8 requests in flight, a raise then meets no 429, and the end state would
	// not show what was learned.
	const tuning = { ...DEFAULT_LANE_TUNING, minHoldMs: 60_000 };
	const gates = [new MailboxGate(4, tuning), new MailboxGate(4, tuning)];
	const clients = gates.map(worker);
	const perWorker = 100;
	const started = Date.now();
	await Promise.all(
		clients.flatMap((graph, w) =>
			Array.from({ length: perWorker }, (_, i) => sendMail(graph, `w${w}-${i}`)),
		),
	);
	const wallMs = Date.now() - started;

	const sendMails = t.sim.requests.filter((r) => r.kind === 'graph' && /\/sendMail$/.test(r.path));
	const throttled = sendMails.filter((r) => r.status === 429);
	const learned = gates.flatMap((gate) => [...gate['lanes'].keys()].map((k) => gate.limitOf(k)));
	// Every mail once, none lost.
	expect(t.sim.outbox).toHaveLength(2 * perWorker);
	expect(new Set(t.sim.outbox.map((m) => m.message.subject)).size).toBe(2 * perWorker);
	// Learned from a few 429s at the start, then none: 2 + 2 when both gates meet the first burst's
	// 429s, 4 + 1 or 2 + 1 when one gate takes them all. A fixed 4 per gate got about 35 × 429 spread
	// over the run.
	expect(Math.min(...learned)).toBeLessThan(4);
	expect(throttled.length).toBeGreaterThan(0);
	expect(throttled.length).toBeLessThanOrEqual(12);
	// Settled early: on the simulator's own order of arrivals, the last 429 came in the first half of
	// the run.
	const byArrival = [...sendMails].sort((a, b) => a.startedAt - b.startedAt);
	const lastThrottle = byArrival.map((r) => r.status).lastIndexOf(429);
	expect(lastThrottle).toBeLessThan(byArrival.length / 2);
	// Nothing stalled or repeated beyond the 429s: each mail took one accepted request, and nothing
	// else failed.
	expect(sendMails).toHaveLength(2 * perWorker + throttled.length);
	expect(sendMails.filter((r) => r.status === 202)).toHaveLength(2 * perWorker);
	// How long it took is a figure for the log, not a verdict (it depends on the machine's load).
	recordMeasurement(
		`THROTTLE two workers, ${2 * perWorker} mails: ${throttled.length} x 429, learned ${learned.join(' + ')}, ${wallMs} ms`,
	);
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBeLessThanOrEqual(4);
});
