import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { resetCombinedLookups } from '../../nodes/Office365SendMail/execute/idempotency/lookupBatch';
import { resetCoordination } from '../../nodes/shared/coordination';
import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * The keys of one run are looked up in the mailbox up to 20 at a time (an `or` of the documented
 * extended property filter, the marker expanded so each message names its key), not one request per
 * message. When Graph refuses the combined filter (modelled by the simulator's switch
 * `maxFilterValues`), the keys of that request are looked up alone and later lookups carry half as
 * many keys. A new n8n process is modelled by resetCoordination(): this process's claims are gone,
 * the mailbox is not.
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

const refusedLookups = () => lookups().filter((r) => r.status === 400).length;

test('Graph refuses every combined filter (400): the keys are looked up alone, each message once', async () => {
	t.sim.setExchangeBehaviour({ maxFilterValues: 1 });
	const first = await run(orders(200, 5));
	expect(first.items.map((i) => i.json.status)).toEqual(Array(5).fill('sent'));
	expect(t.sim.outbox).toHaveLength(5);
	expect(lookups()).toHaveLength(1 + 5);
	expect(refusedLookups()).toBe(1);
	// Each refusal halves the keys per lookup (5 → 2 → 1); from then on every key is asked alone,
	// never refused.
	await resetCoordination();
	const second = await run(orders(200, 5));
	expect(second.items.map((i) => i.json.deduplicated)).toEqual(Array(5).fill(true));
	await resetCoordination();
	const [before, refusedBefore] = [lookups().length, refusedLookups()];
	const third = await run(orders(200, 5));
	expect(third.items.map((i) => i.json.deduplicated)).toEqual(Array(5).fill(true));
	expect(lookups().length - before).toBe(5);
	expect(refusedLookups()).toBe(refusedBefore);
	expect(t.sim.outbox).toHaveLength(5);
});

test('Graph takes at most 5 values per filter: the keys per lookup halve until accepted (20 → 10 → 5)', async () => {
	t.sim.setExchangeBehaviour({ maxFilterValues: 5 });
	const batch = orders(300, 25);
	const first = await run(batch);
	expect(first.items.map((i) => i.json.status)).toEqual(Array(25).fill('sent'));
	expect(t.sim.outbox).toHaveLength(25);
	await resetCoordination();
	const second = await run(batch);
	expect(second.items.map((i) => i.json.deduplicated)).toEqual(Array(25).fill(true));
	expect(refusedLookups()).toBe(2);
	await resetCoordination();
	const before = lookups().length;
	const third = await run(batch);
	expect(third.items.map((i) => i.json.deduplicated)).toEqual(Array(25).fill(true));
	expect(lookups().length - before).toBe(5); // 25 keys, 5 per lookup
	expect(refusedLookups()).toBe(2);
	expect(t.sim.outbox).toHaveLength(25);
});
