import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type RunSendMailOptions } from '../harness/engine';
import { refuseRecipientsOnce } from '../harness/faults';
import { useTenant } from '../harness/world';
import { MAX_ITEMS_VARIABLE } from '../../nodes/Office365SendMail/execute/deliveryLedger';

/**
 * Exactly once under Retry On Fail for batches far larger than an entry-wise cache would hold: the
 * ledger is sized by execution, so a retry of 50,000 items finds every earlier delivery (counted in
 * the outbox).
 */

const t = useTenant({ simulator: { graphLatencyMs: 0 } });
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));
afterEach(() => delete process.env[MAX_ITEMS_VARIABLE]);

const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 };

function batch(prefix: string, count: number, sender: string): RunSendMailOptions {
	return {
		credentials: credentialsOf(t),
		items: Array.from({ length: count }, (_, i) => ({ json: { i } })),
		parameters: {
			sender,
			toRecipients: 'ada@example.com',
			subject: `={{ "${prefix} " + $json.i }}`,
			bodyContent: 'x',
		},
		settings: RETRY,
	};
}

/**
 * Copies in the outbox of each subject that starts with `prefix`, and the subjects sent more than
 * once.
 */
function tally(prefix: string) {
	const counts = new Map<string, number>();
	for (const m of t.sim.outbox) {
		const subject = m.message.subject;
		if (subject.startsWith(`${prefix} `)) counts.set(subject, (counts.get(subject) ?? 0) + 1);
	}
	const twice = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
	return { distinct: counts.size, twice };
}

test('50,000 items, Graph refuses one after 49,900 were accepted: a retry sends each message once', async () => {
	refuseRecipientsOnce(t.sim, { kind: 'graph', path: 'sendMail$', mailbox: t.sender }, 49_900);
	const result = await runSendMail(batch('Big', 50_000, t.sender));
	expect(result.errorMessage).toBeUndefined();
	expect(tally('Big')).toEqual({ distinct: 50_000, twice: [] });
	expect(t.sim.outbox).toHaveLength(50_000);
	expect(result.items).toHaveLength(50_000);
	expect(result.items.every((i) => i.json.status === 'sent')).toBe(true);
	const remembered = result.items.filter(
		(i) => ((i.json.notes as string[] | undefined)?.length ?? 0) > 0,
	);
	expect(remembered.length).toBeGreaterThanOrEqual(49_900);
}, 1_800_000);

test('two executions of 30,000 items at once, each failing once: each message once', async () => {
	refuseRecipientsOnce(t.sim, { kind: 'graph', path: 'sendMail$', mailbox: t.sender }, 29_000);
	refuseRecipientsOnce(t.sim, { kind: 'graph', path: 'sendMail$', mailbox: t.other }, 29_500);
	const [a, b] = await Promise.all([
		runSendMail(batch('A', 30_000, t.sender)),
		runSendMail(batch('B', 30_000, t.other)),
	]);
	expect([a.errorMessage, b.errorMessage]).toEqual([undefined, undefined]);
	expect(tally('A')).toEqual({ distinct: 30_000, twice: [] });
	expect(tally('B')).toEqual({ distinct: 30_000, twice: [] });
	expect(t.sim.outbox).toHaveLength(60_000);
}, 1_800_000);

test('a run larger than the ledger can protect is refused before anything is sent', async () => {
	process.env[MAX_ITEMS_VARIABLE] = '100';
	const result = await runSendMail(batch('Huge', 150, t.sender));
	expect(result.errorMessage).toMatch(
		/^Item 0 › Retry On Fail: This run would deliver 150 messages, but with Retry On Fail this n8n process remembers at most 100/,
	);
	expect(result.errorMessage).toContain(MAX_ITEMS_VARIABLE);
	expect(t.sim.outbox).toHaveLength(0);
});

test('without Retry On Fail nothing is remembered, so any batch size runs', async () => {
	process.env[MAX_ITEMS_VARIABLE] = '100';
	const result = await runSendMail({ ...batch('Plain', 150, t.sender), settings: {} });
	expect(result.errorMessage).toBeUndefined();
	expect(tally('Plain')).toEqual({ distinct: 150, twice: [] });
});
