import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type RunSendMailOptions } from '../harness/engine';
import { useTenant } from '../harness/world';
import { refuseRecipientsOnce } from '../harness/faults';

/**
 * Exactly once under n8n's own retries: with Retry On Fail n8n runs the node again with every item
 * in the same execution; items an earlier attempt delivered must not be delivered again (counted in
 * the simulator's outbox).
 */

const t = useTenant();
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));

/** Item `failing` is sent from the second mailbox, whose first sendMail Graph refuses. */
function refuseOnce(): void {
	refuseRecipientsOnce(t.sim, { kind: 'graph', path: 'sendMail$', mailbox: t.other });
}

function options(failing: number, extra: Partial<RunSendMailOptions> = {}): RunSendMailOptions {
	return {
		credentials: credentialsOf(t),
		items: [0, 1, 2].map((i) => ({ json: { i } })),
		parameters: {
			sender: `={{ $json.i === ${failing} ? "${t.other}" : "${t.sender}" }}`,
			toRecipients: 'ada@example.com',
			subject: '={{ "Retry " + $json.i }}',
			bodyContent: 'x',
			options: { maxConcurrency: 1 },
		},
		...extra,
	};
}

const copiesOf = () => {
	const counts: Record<string, number> = {};
	for (const m of t.sim.outbox) counts[m.message.subject] = (counts[m.message.subject] ?? 0) + 1;
	return counts;
};

test('Retry On Fail: every message is delivered exactly once', async () => {
	refuseOnce();
	const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };
	const result = await runSendMail(options(1, { settings: retry }));
	expect(result.errorMessage).toBeUndefined();
	expect(copiesOf()).toEqual({ 'Retry 0': 1, 'Retry 1': 1, 'Retry 2': 1 });
	expect(result.items.map((i) => i.json.status)).toEqual(['sent', 'sent', 'sent']);
	// Item 0 went out in the first attempt: the retry reports that delivery, with its request id.
	const first = t.sim.outbox.find((m) => m.message.subject === 'Retry 0')!;
	expect(result.items[0].json.requestId).toBe(first.requestId);
	expect(result.items[0].json.notes).toEqual([
		expect.stringMatching(/earlier attempt of this execution/),
	]);
});

test('Continue On Fail with Retry On Fail: n8n retries on an error item; delivered items stay single', async () => {
	refuseOnce();
	const result = await runSendMail(
		options(0, {
			onError: 'continueRegularOutput',
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
		}),
	);
	expect(copiesOf()).toEqual({ 'Retry 0': 1, 'Retry 1': 1, 'Retry 2': 1 });
	expect(result.items.map((i) => i.json.status)).toEqual(['sent', 'sent', 'sent']);
});

test('a partly delivered run names the delivered items and their request ids in its error', async () => {
	refuseOnce();
	const result = await runSendMail(options(1));
	expect(result.errorMessage).toMatch(/^Item 1: /);
	const delivered = t.sim.outbox.filter((m) => m.message.subject !== 'Retry 1');
	expect(delivered.length).toBeGreaterThan(0);
	const description = (result.error as { description?: string }).description ?? '';
	expect(description).toMatch(/Delivered before this failure/);
	for (const m of delivered) {
		const index = m.message.subject.slice(-1);
		expect(description).toContain(`item ${index} (request-id ${m.requestId}`);
	}
});
