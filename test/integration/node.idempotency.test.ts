import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { MARKER_PROPERTY_ID } from '../../nodes/Office365SendMail/delivery/findSent';
import { keyHash } from '../../nodes/Office365SendMail/execute/idempotency/key';
import { resetCoordination } from '../../nodes/shared/coordination';
import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Idempotency Key through n8n's engine against the simulator: the mailbox (the key's marker, found
 * with the extended-property filter) is the record; an in-process claim covers the seconds before
 * the sent copy appears. A new n8n process is modelled by resetCoordination(): this process's
 * claims are gone, the mailbox is not.
 */

const t = useTenant({ eachTest: () => void resetCoordination() });

const LOOKUP = /\/users\/[^/]+\/messages$/;

function lookups() {
	return t.sim.requests.filter(
		(r) => r.kind === 'graph' && r.method === 'GET' && LOOKUP.test(r.path),
	);
}

function run(items: TestItem[], parameters: Record<string, unknown> = {}) {
	return runSendMail({
		credentials: t.credentials(),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: '={{ "Order " + $json.order }}',
			bodyContent: 'Thank you',
			bodyContentType: 'text',
			...parameters,
			options: {
				idempotencyKey: '={{ "order-" + $json.order }}',
				...((parameters.options as object) ?? {}),
			},
		},
		onError: 'continueRegularOutput',
	});
}

/** Waits (by condition, not by time) until the simulator shows every sent copy in Sent Items. */
async function sentCopiesVisible(): Promise<void> {
	for (;;) {
		const now = Date.now();
		if (t.sim.outbox.every((m) => m.sentItemVisibleAt && Date.parse(m.sentItemVisibleAt) <= now))
			return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

beforeEach(() => t.sim.setExchangeBehaviour({ sentItemsDelayMs: 500 }));

test('a burst of 10 executions with one key sends 1 mail; the other 9 output it with deduplicated: true', async () => {
	const results = await Promise.all(
		Array.from({ length: 10 }, () => run([{ json: { order: 7 } }])),
	);
	expect(t.sim.outbox).toHaveLength(1);
	const outputs = results.map((r) => r.items[0].json);
	for (const out of outputs) expect(out.status).toBe('sent');
	const repeats = outputs.filter((o) => o.deduplicated === true);
	expect(repeats).toHaveLength(9);
	const first = outputs.find((o) => o.deduplicated === undefined)!;
	for (const repeat of repeats) {
		expect(repeat.internetMessageId).toBe(first.internetMessageId);
		expect(repeat.sentAt).toBe(first.sentAt);
		expect(repeat.notes).toEqual([expect.stringContaining('Already delivered')]);
	}
	// The message carries the key's hash, never the key.
	const props = t.sim.outbox[0].message.singleValueExtendedProperties as {
		id: string;
		value: string;
	}[];
	expect(props).toContainEqual({ id: MARKER_PROPERTY_ID, value: keyHash('order-7') });
	expect(JSON.stringify(t.sim.outbox[0].message)).not.toContain('order-7');
});

test('the same batch in two n8n processes: each message once, the second run deduplicated by the mailbox', async () => {
	const batch = [1, 2, 3, 4, 5].map((order) => ({ json: { order } }));
	const first = await run(batch);
	expect(first.items.map((i) => i.json.deduplicated)).toEqual(Array(5).fill(undefined));
	expect(lookups()).toHaveLength(1); // the run's 5 keys in one lookup, before sending
	await sentCopiesVisible();
	await resetCoordination(); // a restarted n8n: no claims in memory
	const second = await run(batch);
	expect(t.sim.outbox).toHaveLength(5);
	expect(second.items.map((i) => i.json.deduplicated)).toEqual(Array(5).fill(true));
	const sent = new Map(t.sim.outbox.map((m) => [m.message.subject, m.internetMessageId]));
	for (const item of second.items)
		expect(item.json.internetMessageId).toBe(sent.get(item.json.subject as string));
	for (const item of second.items) {
		expect(item.json.status).toBe('sent');
		expect(item.json.internetMessageIdConfirmed).toBe(true);
	}
	expect(lookups()).toHaveLength(2);
});

test('outcome unknown (sent, then 504): resolved by looking in the mailbox, not by sending again', async () => {
	t.sim.setExchangeBehaviour({ sentItemsDelayMs: 300 });
	t.sim.injectFault({
		match: { kind: 'graph', path: /sendMail$/ },
		times: 1,
		action: 'processThenRespond',
		status: 504,
	});
	const first = await run([{ json: { order: 9 } }]);
	expect(t.sim.outbox).toHaveLength(1);
	expect(first.items[0].json.status).toBe('sent');
	expect(first.items[0].json.notes).toEqual([expect.stringContaining('found in the mailbox')]);
	expect(first.items[0].json.internetMessageId).toBe(t.sim.outbox[0].internetMessageId);
	await resetCoordination();
	const again = await run([{ json: { order: 9 } }]);
	expect(again.items[0].json.deduplicated).toBe(true);
	expect(t.sim.outbox).toHaveLength(1);
});

test('outcome unknown and no copy appears: deliveryUnknown, and later runs look instead of sending', async () => {
	t.sim.setExchangeBehaviour({ sentItemsDelayMs: 3_600_000 });
	t.sim.injectFault({
		match: { kind: 'graph', path: /sendMail$/ },
		times: 1,
		action: 'processThenRespond',
		status: 504,
	});
	const options = { requestTimeout: 1 };
	const first = await run([{ json: { order: 11 } }], { options });
	expect(first.items[0].json.status).toBe('deliveryUnknown');
	const again = await run([{ json: { order: 11 } }], { options });
	expect(again.items[0].json.status).toBe('deliveryUnknown');
	expect(again.items[0].json.error).toMatch(/Idempotency Key.*no clear answer/);
	expect(t.sim.outbox).toHaveLength(1);
});

test('Create Draft and Reply with a key: the second run outputs the first draft / reply', async () => {
	const drafted = await run([{ json: { order: 21 } }], { operation: 'createDraft' });
	expect(drafted.items[0].json.status).toBe('draft');
	await resetCoordination();
	const redraft = await run([{ json: { order: 21 } }], { operation: 'createDraft' });
	expect(redraft.items[0].json).toMatchObject({ status: 'draft', deduplicated: true });
	expect(redraft.items[0].json.id).toBe(drafted.items[0].json.id);
	expect(t.sim.counters.draftsCreated).toBe(1);

	const original = t.sim.seedMessage({
		mailbox: t.sender,
		from: { address: 'ann@partner.example' },
		to: [{ address: t.sender }],
		subject: 'Question',
		internetMessageId: '<q-1@partner.example>',
	});
	const reply = { operation: 'reply', messageId: original };
	await run([{ json: { order: 22 } }], reply);
	await sentCopiesVisible();
	await resetCoordination();
	const again = await run([{ json: { order: 22 } }], reply);
	expect(again.items[0].json.deduplicated).toBe(true);
	expect(t.sim.outbox).toHaveLength(1);
});

test('Save to Sent Items off with a key is refused before any request', async () => {
	const { items } = await run([{ json: { order: 31 } }], { options: { saveToSentItems: false } });
	expect(items[0].json).toMatchObject({ status: 'failed', field: 'Idempotency Key' });
	expect(items[0].json.error).toMatch(/Save to Sent Items is off/);
	expect(t.sim.requests).toHaveLength(0);
});

test('an empty key is no key; a list is refused naming the field', async () => {
	const empty = await run([{ json: { order: 32 } }], { options: { idempotencyKey: '  ' } });
	expect(empty.items[0].json.status).toBe('sent');
	expect(lookups()).toHaveLength(0);
	const list = await run([{ json: { order: 33 } }], {
		options: { idempotencyKey: '={{ [1, 2] }}' },
	});
	expect(list.items[0].json).toMatchObject({ status: 'failed', field: 'Idempotency Key' });
	expect(t.sim.outbox).toHaveLength(1);
});

describe('without Mail.Read', () => {
	beforeEach(() => t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] }));
	afterEach(() => t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] }));

	test('the item fails before anything is sent, naming the permission and the admin step', async () => {
		const { items } = await run([{ json: { order: 41 } }]);
		expect(items[0].json).toMatchObject({ status: 'failed', field: 'Idempotency Key' });
		expect(items[0].json.error).toMatch(/Mail\.Read.*API permissions.*admin consent/);
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
		expect(t.sim.outbox).toHaveLength(0);
	});

	test('Mail.ReadBasic is not enough (it excludes extended properties): refused the same way', async () => {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadBasic.All'] });
		const { items } = await run([{ json: { order: 42 } }]);
		expect(items[0].json.error).toMatch(/Mail\.Read .*Mail\.ReadBasic is not enough/);
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
		expect(t.sim.outbox).toHaveLength(0);
	});
});

test('Send and Wait with a key: a repeat outputs the first question mail and does not wait for an answer', async () => {
	const ask = {
		operation: 'sendAndWait',
		message: 'Pay invoice #42?',
		approvalOptions: { values: { approvalType: 'double' } },
	};
	const first = await run([{ json: { order: 51 } }], ask);
	expect(first.status).toBe('waiting');
	await sentCopiesVisible();
	await resetCoordination();
	const again = await run([{ json: { order: 51 } }], ask);
	expect(again.status).toBe('success');
	expect(again.items[0].json).toMatchObject({ status: 'sent', deduplicated: true });
	expect(t.sim.outbox).toHaveLength(1);
});

test('Exchange RBAC for Applications (no roles in the token) without Mail.Read: Graph refuses the lookup, nothing is sent', async () => {
	t.sim.updateApp(t.clientId, { permissions: [] });
	t.sim.restrictApp({
		clientId: t.clientId,
		kind: 'rbac',
		allowedMailboxes: [t.sender],
		roles: ['Mail.Send'],
	});
	const refused = await run([{ json: { order: 61 } }]);
	expect(refused.items[0].json).toMatchObject({ status: 'failed', field: 'Idempotency Key' });
	expect(refused.items[0].json.error).toMatch(/Mail\.Read .*403 ErrorAccessDenied/);
	expect(t.sim.outbox).toHaveLength(0);
	t.sim.restrictApp({
		clientId: t.clientId,
		kind: 'rbac',
		allowedMailboxes: [t.sender],
		roles: ['Mail.Send', 'Mail.Read'],
	});
	const allowed = await run([{ json: { order: 61 } }]);
	expect(allowed.items[0].json.status).toBe('sent');
	expect(t.sim.outbox).toHaveLength(1);
});

test('Dry Run with a key shows the mailbox lookup first, the request a real run makes, and sends nothing', async () => {
	const preview = await run([{ json: { order: 11 } }], { options: { dryRun: true } });
	expect(t.sim.counters.graphRequests).toBe(0);
	const requests = preview.items[0].json.requests as { method: string; url: string }[];
	expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
	const [lookup, send] = requests;
	const [path, query] = lookup.url.split('?');
	expect(path).toMatch(LOOKUP);
	expect(decodeURIComponent(query)).toContain(`ep/value eq '${keyHash('order-11')}'`);
	expect(send.url).toMatch(/\/sendMail$/);

	await run([{ json: { order: 11 } }]);
	expect(lookups().map((r) => r.path)).toEqual([new URL(path).pathname]);
	expect(t.sim.outbox).toHaveLength(1);
});
