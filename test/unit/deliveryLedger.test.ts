import {
	beginAttempt,
	ledgerSize,
	MAX_ITEMS_VARIABLE,
	recall,
	remember,
	type LedgerScope,
} from '../../nodes/Office365SendMail/execute/deliveryLedger';
import type { PreparedItem } from '../../nodes/Office365SendMail/execute/operations/types';

/**
 * The ledger's room is reserved and released by whole executions: the clock is Date.now (spied), so
 * eviction after the retry grace and expiry after the last delivery are tested without waiting.
 */

let now = 1_000_000;
jest.spyOn(Date, 'now').mockImplementation(() => now);
beforeEach(() => (process.env[MAX_ITEMS_VARIABLE] = '100'));
afterAll(() => delete process.env[MAX_ITEMS_VARIABLE]);

/** What the ledger reads of an item: operation, attachments and the plan's message and steps. */
function item(index: number, subject = `Message ${index}`): PreparedItem {
	return {
		index,
		operation: 'send',
		attachments: [],
		plan: { sender: 'a@contoso.com', message: { subject }, saveToSentItems: true, steps: [] },
	} as unknown as PreparedItem;
}

const delivery = (index: number) => ({
	delivered: { clientRequestId: `c-${index}`, requestId: `r-${index}`, sentAt: 'T', notes: [] },
});

let executions = 0;
function scope(): LedgerScope {
	return { executionId: `e-${++executions}-${now}`, nodeId: 'n', runIndex: 0 };
}

/** One attempt that delivers `count` items and fails (so n8n would retry it). */
function failedAttempt(at: LedgerScope, count: number): void {
	const finish = beginAttempt(at, count);
	for (let i = 0; i < count; i++) remember(at, item(i), delivery(i));
	finish(false);
}

const recalled = (at: LedgerScope, count: number) =>
	Array.from({ length: count }, (_, i) => recall(at, item(i))).filter(Boolean).length;

test('a failed attempt is recalled whole on retry, and a changed message is not', () => {
	const a = scope();
	failedAttempt(a, 60);
	expect(recalled(a, 60)).toBe(60);
	expect(recall(a, item(3))).toEqual(delivery(3));
	expect(recall(a, item(3, 'Changed'))).toBeUndefined();
	beginAttempt(a, 60)(true);
});

test('an attempt with every item done frees its room at once (n8n will not retry it)', () => {
	const before = ledgerSize().items;
	const a = scope();
	const finish = beginAttempt(a, 80);
	for (let i = 0; i < 80; i++) remember(a, item(i), delivery(i));
	finish(true);
	expect(ledgerSize().items).toBe(before);
	expect(recalled(a, 80)).toBe(0);
});

test('room held by an execution that may still retry is never taken: the new run is refused', () => {
	const a = scope();
	failedAttempt(a, 60);
	now += 5_000; // n8n retries within 5 s
	expect(() => beginAttempt(scope(), 60)).toThrow(/other executions that may still retry/);
	expect(recalled(a, 60)).toBe(60);
	beginAttempt(a, 60)(true);
});

test('an idle execution past the retry grace is evicted whole, never in part', () => {
	const a = scope();
	failedAttempt(a, 60);
	now += 61_000;
	const b = scope();
	const finish = beginAttempt(b, 60);
	expect(recalled(a, 60)).toBe(0);
	finish(true);
});

test('a run larger than the whole ledger is refused before anything is remembered', () => {
	expect(() => beginAttempt(scope(), 101)).toThrow(
		/This run would deliver 101 messages, but with Retry On Fail this n8n process remembers at most 100/,
	);
	expect(ledgerSize().items).toBe(0);
});

test('entries expire an hour after the execution last delivered, not after its first delivery', () => {
	const a = scope();
	failedAttempt(a, 10);
	now += 50 * 60_000;
	const retry = beginAttempt(a, 10);
	remember(a, item(0), delivery(0)); // a delivery in the retry refreshes the execution
	retry(false);
	now += 50 * 60_000;
	beginAttempt(scope(), 1)(true); // makes room, which drops what has expired
	expect(recalled(a, 10)).toBe(10);
	now += 11 * 60_000;
	beginAttempt(scope(), 1)(true);
	expect(recalled(a, 10)).toBe(0);
	expect(ledgerSize()).toEqual({ items: 0, executions: 0 });
});
