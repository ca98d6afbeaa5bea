import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { credentialsOf } from '../harness/credentialsOf';
import { recordMeasurement } from '../harness/report';
import { runSendMail, type RunResult, type RunSendMailOptions } from '../harness/engine';
import { MiB, scratchDir, writeRandomFile } from '../harness/files';
import { useTenant } from '../harness/world';

/**
 * Concurrency per mailbox, retries that never duplicate a message, and honest "delivery unknown"
 * reports when Microsoft may have acted on a request without a clear answer.
 */

let files: ReturnType<typeof scratchDir>;
let bigFile: string;

const t = useTenant({
	setup: async () => {
		files = scratchDir();
		t.onCleanup(() => files.remove());
		// n8n's binary store of this file: a copy of every attachment it sent.
		t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));
		bigFile = join(files.dir, 'big.bin');
		await writeRandomFile(bigFile, Math.round(3.5 * MiB));
	},
});

const SENDMAIL = /\/sendMail$/;
const PARAMS: INodeParameters = {
	toRecipients: 'ada@example.com',
	subject: '={{ "n" + $json.i }}',
	bodyContent: 'x',
	bodyContentType: 'text',
};

function numbered(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
	return Array.from({ length: n }, (_, i) => ({ json: { i, ...extra(i) } }));
}

async function send(
	options: Partial<RunSendMailOptions> & { n?: number; params?: INodeParameters } = {},
): Promise<RunResult> {
	const { n = 1, params = {}, ...rest } = options;
	return await runSendMail({
		credentials: credentialsOf(t),
		items: numbered(n),
		parameters: { ...PARAMS, ...params },
		...rest,
	});
}

/**
 * Every item sent exactly once: one outbox entry per subject, matched by client-request-id, in
 * input order.
 */
function expectEachDeliveredOnce(result: RunResult, n: number) {
	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(n);
	expect(t.sim.outbox).toHaveLength(n);
	expect(new Set(t.sim.outbox.map((m) => m.clientRequestId)).size).toBe(n);
	for (const [i, out] of result.items.entries()) {
		expect(out.pairedItem).toEqual({ item: i });
		expect(out.json.status).toBe('sent');
		expect(out.json.subject).toBe(`n${i}`);
		const delivered = t.sim.outbox.filter((m) => m.message.subject === `n${i}`);
		expect(delivered).toHaveLength(1);
		expect(delivered[0].clientRequestId).toBe(out.json.clientRequestId);
		expect(delivered[0].requestId).toBe(out.json.requestId);
	}
}

function sendMailRequests() {
	return t.sim.requests.filter((r) => r.kind === 'graph' && SENDMAIL.test(r.path));
}

// ---- (a) concurrency ----------------------------------------------------------------------------

describe('concurrency', () => {
	test('40 items to one mailbox: all delivered, at most 4 in flight and 4 reached, no 429, order and pairing kept', async () => {
		t.sim.setGraphLatency(50);
		// The first 4 are held until all 4 are in flight: "4 reached" is a count, whatever the
		// machine's load.
		t.sim.gatherRequests({ path: SENDMAIL, count: 4 });
		const result = await send({ n: 40 });
		expectEachDeliveredOnce(result, 40);
		const max = t.sim.counters.maxInFlightByMailbox[t.sender];
		recordMeasurement(`CONCURRENCY one mailbox, 40 items, 50 ms latency: max in flight ${max}`);
		expect(max).toBe(4);
		expect(t.sim.counters.throttled).toBe(0);
		expect(t.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
		expect(t.sim.counters.sendMailCalls).toBe(40);
		expect(t.sim.counters.tokenRequests).toBe(1);
	});

	test('Max Concurrency 1: one request at a time', async () => {
		t.sim.setGraphLatency(20);
		const result = await send({ n: 8, params: { options: { maxConcurrency: 1 } } });
		expectEachDeliveredOnce(result, 8);
		expect(t.sim.counters.maxInFlightByMailbox[t.sender]).toBe(1);
		expect(t.sim.counters.maxInFlight).toBe(1);
		// Strictly one after the other: each request starts after the previous one finished.
		const reqs = sendMailRequests().sort((a, b) => a.startedAt - b.startedAt);
		for (let i = 1; i < reqs.length; i++)
			expect(reqs[i].startedAt).toBeGreaterThanOrEqual(reqs[i - 1].finishedAt!);
	});

	test('two mailboxes proceed in parallel, each within its own limit of 4', async () => {
		t.sim.setGraphLatency(50);
		// The first 8 are held until all 8 are in flight; the per-mailbox limit makes them 4 + 4 if
		// both go ahead.
		t.sim.gatherRequests({ path: SENDMAIL, count: 8 });
		const items = numbered(24, (i) => ({ from: i % 2 === 0 ? t.sender : t.other }));
		const result = await runSendMail({
			credentials: credentialsOf(t),
			items,
			parameters: { ...PARAMS, sender: '={{ $json.from }}' },
		});
		expectEachDeliveredOnce(result, 24);
		const byMailbox = t.sim.counters.maxInFlightByMailbox;
		recordMeasurement(
			`CONCURRENCY two mailboxes: max in flight ${JSON.stringify(byMailbox)}, overall ${t.sim.counters.maxInFlight}`,
		);
		expect(byMailbox[t.sender]).toBeLessThanOrEqual(4);
		expect(byMailbox[t.other]).toBeLessThanOrEqual(4);
		expect(byMailbox[t.sender]).toBe(4);
		expect(byMailbox[t.other]).toBe(4);
		// More than one mailbox's worth at once: the mailboxes did not wait for each other.
		expect(t.sim.counters.maxInFlight).toBe(8);
		expect(t.sim.counters.throttled).toBe(0);
		for (const [i, out] of result.items.entries()) {
			const delivered = t.sim.outbox.find((m) => m.clientRequestId === out.json.clientRequestId)!;
			expect(delivered.mailbox).toBe(i % 2 === 0 ? t.sender : t.other);
		}
	});
});

// ---- (b) throttling and unavailability ----------------------------------------------------------

describe('retries that cannot duplicate', () => {
	test('429 with a fractional Retry-After and 503s, at random: every item delivered exactly once', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			status: 429,
			headers: { 'Retry-After': '0.2' },
			body: {
				error: {
					code: 'ApplicationThrottled',
					message: 'Application is over its MailboxConcurrency limit.',
				},
			},
			probability: 0.5,
			times: 6,
		});
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			status: 503,
			probability: 0.5,
			times: 4,
		});
		const result = await send({ n: 20 });
		expectEachDeliveredOnce(result, 20);

		const reqs = sendMailRequests();
		const throttled = reqs.filter((r) => r.status === 429);
		const unavailable = reqs.filter((r) => r.status === 503);
		recordMeasurement(
			`RETRIES 20 items: ${throttled.length} x 429, ${unavailable.length} x 503, ${reqs.length} sendMail calls`,
		);
		expect(throttled.length).toBeGreaterThan(0);
		expect(unavailable.length).toBeGreaterThan(0);
		expect(reqs).toHaveLength(20 + throttled.length + unavailable.length);
		expect(reqs.filter((r) => r.status === 202)).toHaveLength(20);
		// A retry is the same logical request: it keeps its client-request-id, and each id is accepted
		// once.
		const accepted = new Set(reqs.filter((r) => r.status === 202).map((r) => r.clientRequestId));
		expect(accepted.size).toBe(20);
		for (const r of [...throttled, ...unavailable])
			expect(accepted.has(r.clientRequestId)).toBe(true);
		// Retry-After: 0.2 is honoured (a lower bound only: sleeping never ends early).
		for (const r of throttled) {
			const next = reqs
				.filter((x) => x.clientRequestId === r.clientRequestId && x.startedAt > r.startedAt)
				.sort((a, b) => a.startedAt - b.startedAt)[0];
			expect(next).toBeDefined();
			expect(next.startedAt - r.finishedAt!).toBeGreaterThanOrEqual(190);
		}
	});
});

// ---- (c–f) delivery unknown ---------------------------------------------------------------------

describe('delivery unknown is reported, never resent', () => {
	function expectDeliveryUnknown(result: RunResult, reason: RegExp) {
		expect(result.errorMessage).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json;
		expect(out.status).toBe('deliveryUnknown');
		expect(String(out.error)).toMatch(/^Item 0: delivery unknown — sendMail got /);
		expect(String(out.error)).toMatch(reason);
		expect(String(out.error)).toContain('NOT sent again');
		expect(out.errorCode).toBe('DeliveryUnknown');
		// Only one attempt reached Graph, and the output names it.
		const reqs = sendMailRequests();
		expect(reqs).toHaveLength(1);
		expect(out.clientRequestId).toBe(reqs[0].clientRequestId);
		return { out, request: reqs[0] };
	}

	test('sendMail processed, then 504: delivery unknown, delivered once, the client-request-id matches', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'processThenRespond',
			status: 504,
			times: 1,
		});
		const result = await send({ onError: 'continueRegularOutput' });
		const { out, request } = expectDeliveryUnknown(result, /HTTP 504/);
		expect(t.sim.outbox).toHaveLength(1);
		expect(t.sim.outbox[0].clientRequestId).toBe(out.clientRequestId);
		expect(out.requestId).toBe(request.requestId);
		expect(request.status).toBe(504);
	});

	test('sendMail processed, then 504, without Continue On Fail: the node fails saying delivery is unknown', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'processThenRespond',
			status: 504,
			times: 1,
		});
		const result = await send();
		expect(result.errorMessage).toMatch(/^Item 0: delivery unknown — .*NOT sent again/);
		expect(sendMailRequests()).toHaveLength(1);
		expect(t.sim.outbox).toHaveLength(1);
	});

	test('one 504 among several items: only that item is unknown, the others are sent, nothing twice', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'processThenRespond',
			status: 504,
			times: 1,
		});
		const result = await send({ n: 6, onError: 'continueRegularOutput' });
		const statuses = result.items.map((i) => i.json.status);
		expect(statuses.filter((s) => s === 'deliveryUnknown')).toHaveLength(1);
		expect(statuses.filter((s) => s === 'sent')).toHaveLength(5);
		expect(t.sim.outbox).toHaveLength(6);
		expect(sendMailRequests()).toHaveLength(6);
		expect(new Set(t.sim.outbox.map((m) => m.message.subject)).size).toBe(6);
	});

	test('sendMail processed, then the connection is reset: delivery unknown, not resent', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'processThenReset',
			times: 1,
		});
		const result = await send({ onError: 'continueRegularOutput' });
		expectDeliveryUnknown(result, /connection lost/);
		expect(t.sim.outbox).toHaveLength(1);
	});

	test('connection reset before sendMail was processed: the client cannot tell, so it reports delivery unknown and does not resend', async () => {
		// Our client only knows that the whole request body was handed to the socket; a reset after
		// that is indistinguishable from a reset after processing. Reporting "delivery unknown" is the
		// safe answer (the alternative, a retry, is only safe when the body had not been sent; that
		// case is accepted too).
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'resetBeforeProcessing',
			times: 1,
		});
		const result = await send({ onError: 'continueRegularOutput' });
		const out = result.items[0].json;
		const reqs = sendMailRequests();
		recordMeasurement(
			`RESET BEFORE PROCESSING: reported ${String(out.status)}, ${reqs.length} sendMail request(s), outbox ${t.sim.outbox.length}`,
		);
		if (out.status === 'deliveryUnknown') {
			expectDeliveryUnknown(result, /connection lost/);
			expect(t.sim.outbox).toHaveLength(0);
		} else {
			expect(out.status).toBe('sent');
			expect(reqs).toHaveLength(2);
			expect(t.sim.outbox).toHaveLength(1);
			expect(t.sim.outbox[0].clientRequestId).toBe(out.clientRequestId);
		}
	});

	test('no answer at all (hang) with Request Timeout 2 s: delivery unknown, no hang, not resent', async () => {
		t.sim.injectFault({ match: { kind: 'graph', path: SENDMAIL }, action: 'hang', times: 1 });
		const result = await send({
			params: { options: { requestTimeout: 2 } },
			onError: 'continueRegularOutput',
		});
		expectDeliveryUnknown(result, /no answer within 2 s/);
		expect(t.sim.outbox).toHaveLength(0);
	});

	test('processed, then no answer (Request Timeout 2 s): delivery unknown, delivered once', async () => {
		t.sim.injectFault({
			match: { kind: 'graph', path: SENDMAIL },
			action: 'processThenHang',
			times: 1,
		});
		const result = await send({
			params: { options: { requestTimeout: 2 } },
			onError: 'continueRegularOutput',
		});
		const { out } = expectDeliveryUnknown(result, /no answer within 2 s/);
		expect(t.sim.outbox).toHaveLength(1);
		expect(t.sim.outbox[0].clientRequestId).toBe(out.clientRequestId);
	});
});

// ---- (g) large path -----------------------------------------------------------------------------

test('large path: the first send of the draft gets 504 after processing; the repeat gets 404; reported sent once with a note', async () => {
	const SEND = /\/messages\/[^/]+\/send$/;
	t.sim.injectFault({
		match: { kind: 'graph', method: 'POST', path: SEND },
		action: 'processThenRespond',
		status: 504,
		times: 1,
	});
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [
			{
				json: { i: 0 },
				binary: {
					file: { file: bigFile, fileName: 'big.bin', mimeType: 'application/octet-stream' },
				},
			},
		],
		parameters: { ...PARAMS, options: { attachments: 'file' } },
	});
	expect(result.errorMessage).toBeUndefined();
	const out = result.items[0].json;
	expect(out.status).toBe('sent');
	expect(out.notes).toEqual([expect.stringMatching(/delivered once/)]);
	expect(out.attachments).toEqual([
		expect.objectContaining({ name: 'big.bin', via: 'uploadSession' }),
	]);
	const sends = t.sim.requests.filter((r) => r.kind === 'graph' && SEND.test(r.path));
	expect(sends.map((r) => r.status)).toEqual([504, 404]);
	expect(sends[0].clientRequestId).toBe(sends[1].clientRequestId);
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.outbox[0].via).toBe('draft');
	expect(t.sim.outbox[0].clientRequestId).toBe(out.clientRequestId);
	expect(t.sim.counters.draftsCreated).toBe(1);
	expect(t.sim.counters.draftsDeleted).toBe(0);
	expect(t.sim.state.drafts.size).toBe(0);
});

// ---- (h, i) tokens ------------------------------------------------------------------------------

test('the token endpoint answers 503 once: retried, then delivered', async () => {
	t.sim.injectFault({ match: { kind: 'token' }, status: 503, times: 1 });
	const result = await send();
	expectEachDeliveredOnce(result, 1);
	expect(t.sim.counters.tokenRequests).toBe(2);
	expect(t.sim.requests.filter((r) => r.kind === 'token').map((r) => r.status)).toEqual([503, 200]);
	expect(t.sim.counters.sendMailCalls).toBe(1);
});

test('Graph answers 401 once: the token is refreshed and the message delivered once', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', path: SENDMAIL },
		status: 401,
		times: 1,
		body: {
			error: {
				code: 'InvalidAuthenticationToken',
				message: 'Lifetime validation failed, the token is expired.',
			},
		},
	});
	const result = await send();
	expectEachDeliveredOnce(result, 1);
	expect(t.sim.counters.tokenRequests).toBe(2);
	const reqs = sendMailRequests();
	expect(reqs.map((r) => r.status)).toEqual([401, 202]);
	expect(reqs[0].clientRequestId).toBe(reqs[1].clientRequestId);
});

test('Graph answers 401 twice: the token is refreshed only once, the item fails, nothing is sent', async () => {
	t.sim.injectFault({ match: { kind: 'graph', path: SENDMAIL }, status: 401, times: 2 });
	const result = await send({ onError: 'continueRegularOutput' });
	expect(result.items[0].json.status).toBe('failed');
	expect(result.items[0].json.httpStatus).toBe(401);
	expect(String(result.items[0].json.error)).toMatch(/^Item 0: /);
	expect(t.sim.counters.tokenRequests).toBe(2);
	expect(sendMailRequests().map((r) => r.status)).toEqual([401, 401]);
	expect(t.sim.outbox).toHaveLength(0);
});
