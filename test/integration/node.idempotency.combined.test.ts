import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { resetCombinedLookups } from '../../nodes/Office365SendMail/execute/idempotency/lookupBatch';
import { resetCoordination } from '../../nodes/shared/coordination';
import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * The keys of one run are looked up in the mailbox up to 20 at a time (an `or` of the documented extended
 * property filter, the marker expanded so each message names its key), not one request per message. When Graph
 * refuses the combined filter, every key is looked up alone, as before. A new n8n process is modelled by
 * resetCoordination(): this process's claims are gone, the mailbox is not.
 */

const t = useTenant({
	eachTest: () => {
		void resetCoordination();
		resetCombinedLookups();
	},
});

const LOOKUP = /\/users\/[^/]+\/messages$/;

function lookups() {
	return t.sim.requests.filter(
		(r) => r.kind === 'graph' && r.method === 'GET' && LOOKUP.test(r.path),
	);
}

const orders = (from: number, count: number): TestItem[] =>
	Array.from({ length: count }, (_, i) => ({ json: { order: from + i } }));

function run(items: TestItem[]) {
	return runSendMail({
		credentials: t.credentials(),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: '={{ "Order " + $json.order }}',
			bodyContent: 'Thank you',
			bodyContentType: 'text',
			options: { idempotencyKey: '={{ "order-" + $json.order }}' },
		},
		onError: 'continueRegularOutput',
	});
}

test('25 keyed messages: 2 lookups (20 + 5 keys) and 25 sends; the batch again after a restart: 2 lookups, 0 sends', async () => {
	const batch = orders(1, 25);
	const first = await run(batch);
	expect(first.items.map((i) => i.json.status)).toEqual(Array(25).fill('sent'));
	expect(t.sim.outbox).toHaveLength(25);
	expect(lookups()).toHaveLength(2);
	expect(t.sim.counters.graphRequests).toBe(27);
	await resetCoordination();
	const second = await run(batch);
	expect(t.sim.outbox).toHaveLength(25);
	expect(second.items.map((i) => i.json.deduplicated)).toEqual(Array(25).fill(true));
	const sent = new Map(t.sim.outbox.map((m) => [m.message.subject, m.internetMessageId]));
	for (const item of second.items)
		expect(item.json.internetMessageId).toBe(sent.get(item.json.subject as string));
	expect(lookups()).toHaveLength(4);
});

test('a batch where some keys were sent before: those are deduplicated, the rest sent, one lookup', async () => {
	await run(orders(100, 3));
	await resetCoordination();
	const before = lookups().length;
	const mixed = await run(orders(99, 6)); // 99, 100–102 (sent before), 103, 104
	expect(mixed.items.map((i) => i.json.deduplicated === true)).toEqual([
		false,
		true,
		true,
		true,
		false,
		false,
	]);
	expect(t.sim.outbox).toHaveLength(6);
	expect(lookups().length - before).toBe(1);
});

test('Graph refuses the combined filter (400): every key is looked up alone, each message once', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', method: 'GET', path: LOOKUP },
		times: 1,
		action: 'respond',
		status: 400,
	});
	const first = await run(orders(200, 5));
	expect(first.items.map((i) => i.json.status)).toEqual(Array(5).fill('sent'));
	expect(t.sim.outbox).toHaveLength(5);
	expect(lookups()).toHaveLength(1 + 5);
	// The refusal is remembered: the next run asks per key without trying the combination again.
	await resetCoordination();
	const again = await run(orders(200, 5));
	expect(again.items.map((i) => i.json.deduplicated)).toEqual(Array(5).fill(true));
	expect(lookups()).toHaveLength(6 + 5);
	expect(t.sim.outbox).toHaveLength(5);
});
