import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { INodeParameters } from 'n8n-workflow';

import { sendAtOf } from '../../nodes/Office365SendMail/delivery/sendAt';
import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type RunSendMailOptions, type TestItem } from '../harness/engine';
import { MiB } from '../harness/files';
import { useTenant } from '../harness/world';
import { refuseRecipientsOnce } from '../harness/faults';
import { draftsOf } from '../simulator';

/**
 * Send At: Exchange holds the message until the time (the simulator's deferred send), no n8n
 * execution waits; bad times are refused before any request.
 */

const t = useTenant();
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));

const PARAMS = { toRecipients: 'ada@example.com', subject: 'Later', bodyContent: 'x' };
const run = (
	items: TestItem[],
	options: INodeParameters,
	extra: Partial<RunSendMailOptions> = {},
	parameters: INodeParameters = {},
) =>
	runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { ...PARAMS, ...parameters, options },
		...extra,
	});

/** Polls the outbox until `count` messages arrived or `ms` passed. */
async function outboxAfter(ms: number, count: number) {
	const until = Date.now() + ms;
	while (t.sim.outbox.length < count && Date.now() < until) await sleep(100);
	return t.sim.outbox;
}

test('a scheduled send is held until Send At, then delivered once', async () => {
	const sendAt = new Date(Date.now() + 5000).toISOString();
	const result = await run([{ json: {} }], { sendAt });
	expect(result.errorMessage).toBeUndefined();
	const json = result.items[0].json;
	expect(json.status).toBe('scheduled');
	expect(json.sendAt).toBe(sendAt.replace(/\.\d{3}Z$/, 'Z'));
	// Held in Drafts, not delivered yet; the output's id names the held message.
	expect(t.sim.outbox).toHaveLength(0);
	const [held] = draftsOf(t.sim.state, t.sender);
	expect(held.id).toBe(json.id);
	expect(Date.parse(held.scheduledFor!)).toBe(Date.parse(json.sendAt as string));

	const delivered = await outboxAfter(15_000, 1);
	expect(delivered).toHaveLength(1);
	expect(Date.parse(delivered[0].deliveredAt)).toBeGreaterThanOrEqual(
		Date.parse(json.sendAt as string),
	);
	expect(delivered[0].message.subject).toBe('Later');
	expect(draftsOf(t.sim.state, t.sender)).toHaveLength(0);
	await sleep(300);
	expect(t.sim.outbox).toHaveLength(1);
}, 30_000);

test('a Luxon date from an expression and a 5 MiB attachment: scheduled through an upload session', async () => {
	const big = Buffer.alloc(5 * MiB, 9);
	const result = await run([{ binary: { data: { data: big, fileName: 'big.bin' } } }], {
		attachments: 'data',
		// Far enough ahead for a 5 MiB upload on a loaded machine: the message must still be held after
		// the run.
		sendAt: '={{ $now.plus(8, "seconds") }}',
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json.status).toBe('scheduled');
	expect(t.sim.outbox).toHaveLength(0);
	const delivered = await outboxAfter(15_000, 1);
	expect(delivered.map((m) => m.attachments.map((a) => a.size))).toEqual([[big.length]]);
}, 30_000);

test.each([
	['in the past', () => new Date(Date.now() - 60_000).toISOString(), /in the past/],
	[
		'more than a year ahead',
		() => new Date(Date.now() + 367 * 86_400_000).toISOString(),
		/more than a year/,
	],
	['not a date', () => 'next tuesday', /not a date and time/],
])('Send At %s is refused before any request, naming Send At', async (_name, value, reason) => {
	const result = await run([{ json: {} }], { sendAt: value() });
	expect(result.errorMessage).toMatch(/Send At/);
	expect(result.errorMessage).toMatch(reason);
	expect(t.sim.counters.graphRequests).toBe(0);
	expect(t.sim.requests).toHaveLength(0);
});

test('Dry Run renders the deferred draft and its send, with Send At in UTC', async () => {
	const result = await run([{ json: {} }], { sendAt: '2099-01-01T00:00:00Z', dryRun: true });
	// Past the one-year bound: refused even in Dry Run, which shows what a real run would do.
	expect(result.errorMessage).toMatch(/Send At/);
	const sendAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
	const preview = await run([{ json: {} }], { sendAt, dryRun: true });
	expect(preview.errorMessage).toBeUndefined();
	const json = preview.items[0].json;
	expect(json.sendAt).toBe(sendAt);
	const requests = json.requests as {
		url: string;
		body?: { singleValueExtendedProperties?: unknown };
	}[];
	expect(requests.map((r) => r.url.replace(/.*\/users\/[^/]+/, ''))).toEqual([
		'/messages',
		'/messages/{draft-id}/send',
	]);
	expect(requests[0].body?.singleValueExtendedProperties).toEqual(
		expect.arrayContaining([{ id: 'SystemTime 0x3FEF', value: sendAt }]),
	);
	expect(t.sim.counters.graphRequests).toBe(0);
});

test('Retry On Fail: every scheduled message is held and delivered exactly once', async () => {
	refuseRecipientsOnce(t.sim, { kind: 'graph', method: 'POST', path: '/send$', mailbox: t.other });
	const sendAt = new Date(Date.now() + 8000).toISOString();
	const result = await run(
		[0, 1, 2].map((i) => ({ json: { i } })),
		{ sendAt, maxConcurrency: 1 },
		{ settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 } },
		{
			sender: `={{ $json.i === 1 ? "${t.other}" : "${t.sender}" }}`,
			subject: '={{ "Later " + $json.i }}',
		},
	);
	expect(result.errorMessage).toBeUndefined();
	expect(result.items.map((i) => i.json.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
	// The refused draft was deleted; one held message per item.
	expect(
		draftsOf(t.sim.state)
			.map((d) => d.subject)
			.sort(),
	).toEqual(['Later 0', 'Later 1', 'Later 2']);
	const delivered = await outboxAfter(15_000, 3);
	await sleep(300);
	expect(delivered.map((m) => m.message.subject).sort()).toEqual(['Later 0', 'Later 1', 'Later 2']);
}, 30_000);

describe('Send At values', () => {
	const now = Date.parse('2030-01-10T12:00:00Z');
	test('a time without an offset is in the workflow time zone, daylight saving included', () => {
		expect(sendAtOf('2030-01-15T09:00:00', 'Europe/Berlin', now)).toBe('2030-01-15T08:00:00Z');
		expect(sendAtOf('2030-07-15T09:00', 'Europe/Berlin', now)).toBe('2030-07-15T07:00:00Z');
		expect(sendAtOf('2030-01-15 09:00:00', 'America/New_York', now)).toBe('2030-01-15T14:00:00Z');
		// Skipped by the spring change (02:00 → 03:00 on 2030-03-31): the offset before the gap, RFC
		// 5545 §3.3.5.
		expect(sendAtOf('2030-03-31T02:30:00', 'Europe/Berlin', now)).toBe('2030-03-31T01:30:00Z');
		// Repeated by the autumn change (2029-10-28 in the past, so 2030-10-27): its first occurrence
		// (CEST).
		expect(sendAtOf('2030-10-27T02:30:00', 'Europe/Berlin', now)).toBe('2030-10-27T00:30:00Z');
		expect(sendAtOf('2030-11-03T01:30:00', 'America/New_York', now)).toBe('2030-11-03T05:30:00Z');
	});
	test('an offset or Z wins over the workflow time zone; Luxon-like and Date values are taken as instants', () => {
		expect(sendAtOf('2030-01-15T09:00:00+05:30', 'Europe/Berlin', now)).toBe(
			'2030-01-15T03:30:00Z',
		);
		expect(sendAtOf('2030-01-15T09:00:00.250Z', 'Europe/Berlin', now)).toBe('2030-01-15T09:00:00Z');
		const at = Date.parse('2030-02-01T00:00:00Z');
		expect(sendAtOf({ isValid: true, toMillis: () => at }, 'UTC', now)).toBe(
			'2030-02-01T00:00:00Z',
		);
		expect(sendAtOf(new Date(at), 'UTC', now)).toBe('2030-02-01T00:00:00Z');
		expect(sendAtOf('', 'UTC', now)).toBeUndefined();
	});
	test('impossible dates, unknown zones and long text are refused with the field named', () => {
		expect(() => sendAtOf('2030-02-30T09:00:00', 'UTC', now)).toThrow(
			/Send At.*valid calendar date|valid calendar date/,
		);
		expect(() => sendAtOf('2030-01-15T24:00:00', 'UTC', now)).toThrow(/valid calendar date/);
		expect(() => sendAtOf('2030-01-15T09:00:00', 'Mars/Olympus', now)).toThrow(/time zone/);
		for (const offset of ['+25:00', '-14:01', '+1460', '+09:60'])
			expect(() => sendAtOf(`2030-01-15T09:00:00${offset}`, 'UTC', now)).toThrow(
				/offset .*from -14:00 to \+14:00/,
			);
		expect(sendAtOf('2030-01-15T09:00:00+14:00', 'UTC', now)).toBe('2030-01-14T19:00:00Z');
		expect(sendAtOf('2030-01-15T09:00:00-1400', 'UTC', now)).toBe('2030-01-15T23:00:00Z');
		expect(() => sendAtOf('9'.repeat(10_000), 'UTC', now)).toThrow(/Too long/);
		expect(() => sendAtOf({ isValid: false, toMillis: () => NaN }, 'UTC', now)).toThrow(
			/Invalid date/,
		);
		expect(() => sendAtOf('2031-01-10T12:00:01Z', 'UTC', now)).toThrow(/more than a year/);
		expect(sendAtOf('2031-01-10T12:00:00Z', 'UTC', now)).toBe('2031-01-10T12:00:00Z');
	});
});
