import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import type { INodeParameters } from 'n8n-workflow';

import { processMailboxGate } from '../../nodes/shared/transport/mailboxGate';
import { oneMail } from '../harness/oneMail';
import { useTenant } from '../harness/world';

/**
 * Many executions of one process sending from one mailbox (one webhook execution per mail): the 4-per-mailbox
 * limit holds across executions, and a 429 holds the whole mailbox back for its Retry-After.
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
	const results = await Promise.all(Array.from({ length: 30 }, (_, i) => mail(`e${i}`)));
	for (const result of results) expect(result.items[0].json.status).toBe('sent');
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBeLessThanOrEqual(4);
	expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBeGreaterThanOrEqual(3);
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
	const pausedUntil = throttled[0].finishedAt! + 490;
	// Requests already in flight when the 429 came may finish; none may start during the pause.
	const startedDuringPause = reqs.filter(
		(r) => r.startedAt > throttled[0].finishedAt! + 20 && r.startedAt < pausedUntil,
	);
	expect(startedDuringPause).toEqual([]);
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
	const started = Date.now();
	const first = await mail('long');
	expect(Date.now() - started).toBeLessThan(10_000);
	const out = first.items[0].json;
	expect(out.status).toBe('failed');
	expect(out.httpStatus).toBe(429);
	expect(String(out.error)).toMatch(/Microsoft asked to wait 3600 s before repeating it/);
	expect(String(out.error)).toMatch(/longer than the 60 s this node waits/);
	expect(sendMailRequests()).toHaveLength(1);

	// The mailbox stays paused for this process: the next execution is told so, without a request to Graph.
	const second = await mail('after');
	expect(second.items[0].json.status).toBe('failed');
	expect(String(second.items[0].json.error)).toMatch(
		/Microsoft asked to pause this mailbox for \d+ s more/,
	);
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
