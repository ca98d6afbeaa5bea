import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import type { INodeParameters } from 'n8n-workflow';

import { processMailboxGate } from '../../nodes/shared/transport/mailboxGate';
import { oneMail } from '../harness/oneMail';
import { useTenant } from '../harness/world';

/**
 * Many executions of one process sending from one mailbox (one webhook execution per mail): the
 * 4-per-mailbox limit holds across executions, and a 429 holds the whole mailbox back for its
 * Retry-After.
 */

const t = useTenant({ eachTest: () => processMailboxGate.clearPauses() });

const SENDMAIL = /\/sendMail$/;

/** One mail from the tenant the test is on. */
const mail = (subject: string, options?: INodeParameters) => oneMail(t, subject, options);

function sendMailRequests() {
	return t.sim.requests.filter((r) => r.kind === 'graph' && SENDMAIL.test(r.path));
}

test('30 executions at once, one mail each from one mailbox: at most 4 in flight, no 429, each delivered once', async () => {
	t.sim.setGraphLatency(50);
	// The first 4 are held until all 4 are in flight: "4 reached" is a count, whatever the machine's
	// load.
	t.sim.gatherRequests({ path: SENDMAIL, count: 4 });
	const results = await Promise.all(Array.from({ length: 30 }, (_, i) => mail(`e${i}`)));
	for (const result of results) expect(result.items[0].json.status).toBe('sent');
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBe(4);
	expect(t.sim.counters.throttled).toBe(0);
	expect(sendMailRequests().filter((r) => r.status === 429)).toHaveLength(0);
	expect(new Set(t.sim.outbox.map((m) => m.message.subject)).size).toBe(30);
	expect(t.sim.outbox).toHaveLength(30);
	// Idle mailboxes are forgotten: the gate keeps no state once every request is done.
	expect(processMailboxGate.size).toBe(0);
});

test('a 429 pauses the mailbox for every execution: no request to it starts before Retry-After has passed', async () => {
	t.sim.setGraphLatency(20);
	t.sim.injectFault({
		match: { kind: 'graph', path: SENDMAIL },
		status: 429,
		headers: { 'Retry-After': '0.5' },
		body: {
			error: {
				code: 'ApplicationThrottled',
				message: 'Application is over its MailboxConcurrency limit.',
			},
		},
		times: 1,
	});
	const results = await Promise.all(Array.from({ length: 12 }, (_, i) => mail(`p${i}`)));
	for (const result of results) expect(result.items[0].json.status).toBe('sent');
	const reqs = sendMailRequests().sort((a, b) => a.startedAt - b.startedAt);
	const throttled = reqs.filter((r) => r.status === 429);
	expect(throttled).toHaveLength(1);
	// Both ends on the simulator's clock. The client reads the 429 after the simulator sent it, so
	// its pause ends no earlier than the 429's finish + 500 ms (10 ms for timer rounding).
	const throttledAt = throttled[0].finishedAt!;
	const pausedUntil = throttledAt + 490;
	// Requests the client sent before it read the 429 may reach the simulator after it; they hold the
	// mailbox's other 3 slots, so at most 3 such. Without the pause the other 8 mails would all start
	// in these 500 ms.
	const startedDuringPause = reqs.filter(
		(r) => r.startedAt > throttledAt && r.startedAt < pausedUntil,
	);
	expect(startedDuringPause.length).toBeLessThanOrEqual(3);
	// 13 requests (12 mails + the retry): at most 4 up to the 429 and 3 during the pause, so 6 or
	// more after it, the throttled mail's own retry among them.
	const afterPause = reqs.filter((r) => r.startedAt >= pausedUntil);
	expect(reqs).toHaveLength(13);
	expect(afterPause.length).toBeGreaterThanOrEqual(6);
	expect(afterPause.map((r) => r.clientRequestId)).toContain(throttled[0].clientRequestId);
	expect(t.sim.outbox).toHaveLength(12);
	expect(new Set(t.sim.outbox.map((m) => m.clientRequestId)).size).toBe(12);
});

test('Retry-After above the cap: the item fails at once and says what Microsoft asked for', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', path: SENDMAIL },
		status: 429,
		headers: { 'Retry-After': '3600' },
		body: {
			error: {
				code: 'ApplicationThrottled',
				message: 'Application is over its MailboxConcurrency limit.',
			},
		},
		times: 1,
	});
	const first = await mail('long');
	const out = first.items[0].json;
	expect(out.status).toBe('failed');
	expect(out.httpStatus).toBe(429);
	expect(String(out.error)).toMatch(/Microsoft asked to wait 3600 s before repeating it/);
	expect(String(out.error)).toMatch(/longer than the 60 s this node waits/);
	expect(sendMailRequests()).toHaveLength(1);

	// The mailbox stays paused for this process: the next execution is told so, without a request to
	// Graph.
	const second = await mail('after');
	expect(second.items[0].json.status).toBe('failed');
	const left = /Microsoft asked to pause this mailbox for (\d+) s more/.exec(
		String(second.items[0].json.error),
	);
	expect(left).not.toBeNull();
	// Measured on the gate's own clock: less than 60 s of the 3600 s went by, so the first item did
	// not wait the 60 s cap before failing; it failed at once.
	expect(Number(left![1])).toBeGreaterThan(3600 - 60);
	expect(sendMailRequests()).toHaveLength(1);
	expect(t.sim.outbox).toHaveLength(0);
});

test('Retry-After 0 still waits a minimum back-off before the retry', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', path: SENDMAIL },
		status: 503,
		headers: { 'Retry-After': '0' },
		times: 1,
	});
	const result = await mail('zero');
	expect(result.items[0].json.status).toBe('sent');
	const reqs = sendMailRequests().sort((a, b) => a.startedAt - b.startedAt);
	expect(reqs.map((r) => r.status)).toEqual([503, 202]);
	expect(reqs[1].startedAt - reqs[0].finishedAt!).toBeGreaterThanOrEqual(45);
});
