import { createHash } from 'node:crypto';

import type { Delivery } from '../delivery/execute';
import { InputError } from '../../shared/text/inputError';
import type { ItemFailure } from './errors';
import type { PreparedItem } from './operations/types';

/**
 * What a delivering attempt of one item ended with: delivered, or an unknown outcome that must not
 * be repeated.
 */
export type LedgerEntry = { delivered: Delivery } | { unknown: ItemFailure };

/**
 * n8n's Retry On Fail runs the node again, with every item, in the same execution. This
 * process-wide ledger remembers which items an earlier attempt already delivered, so a retry does
 * not send them again.
 *
 * It is sized and evicted by execution, never by entry: a sequential scan larger than an entry-wise
 * cache would evict exactly the entries the retry needs next. A run reserves room for all its items
 * before the first request; when that room cannot be made without dropping an execution that may
 * still retry, the run is refused before anything is sent (a clear error instead of a silent resend
 * later).
 */
export interface LedgerScope {
	executionId: string;
	nodeId: string;
	runIndex: number;
}

/**
 * An item's slot: the digest of the message it delivered (a changed message is a new message) and
 * the outcome. A delivery is kept as its JSON text: one string instead of an object graph, and no
 * reference to the run's output, which n8n may free once the execution ends.
 */
type Slot = { digest: string; delivered: string } | { digest: string; unknown: ItemFailure };

interface ExecutionRecord {
	/** Node and run → item index → slot. */
	runs: Map<string, Map<number, Slot>>;
	/** Node and run → items reserved for it (the largest attempt so far). */
	reserved: Map<string, number>;
	/** Runs of this execution delivering right now. */
	active: number;
	/** When it last delivered, or last finished a run (ms). */
	touched: number;
}

/** Entries live one hour after the execution's last delivery. */
const TTL_MS = 60 * 60 * 1000;
/**
 * n8n starts the next try at most 5 s after a failed one (n8n-core's WorkflowExecute caps Wait
 * Between Tries at 5000 ms and Max Tries at 5), so an execution idle for a minute has no retry
 * coming and may make room.
 */
const RETRY_GRACE_MS = 60 * 1000;
const DEFAULT_MAX_ITEMS = 250_000;
/** Measured by `npm run bench` (ledger section): heap per remembered sendMail delivery. */
const BYTES_PER_ITEM = 560;
export const MAX_ITEMS_VARIABLE = 'O365_SEND_MAIL_RETRY_LEDGER_MAX_ITEMS';

const executions = new Map<string, ExecutionRecord>();
let reservedTotal = 0;

function maxItems(): number {
	const value = Number(process.env[MAX_ITEMS_VARIABLE]);
	return Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_ITEMS;
}

const runKey = (scope: LedgerScope) => `${scope.nodeId}\n${scope.runIndex}`;

/**
 * What makes two attempts the same delivery: operation, mailbox, message, attachments, and what the
 * steps aim at (a reply's target message, a scheduled time), so a retry with another Message ID or
 * Send At is a new delivery. 16 bytes of SHA-256 (as 22 base64 characters) keep the slot small.
 */
function fingerprint(item: PreparedItem): string {
	const attachments = item.attachments.map((a) => [a.name, a.size, a.contentType, a.inline]);
	const { sender, message, saveToSentItems, sendAt, steps } = item.plan;
	const targets = steps.map((step) => ('target' in step ? [step.kind, step.target] : step.kind));
	const what = [item.operation, sender, message, saveToSentItems, sendAt, targets, attachments];
	return createHash('sha256').update(JSON.stringify(what)).digest('base64').slice(0, 22);
}

function drop(executionId: string): void {
	const record = executions.get(executionId);
	if (!record) return;
	for (const count of record.reserved.values()) reservedTotal -= count;
	executions.delete(executionId);
}

/** Whole executions that cannot retry any more, oldest first, until `needed` items fit. */
function makeRoom(needed: number, keep: string, now: number): boolean {
	const limit = maxItems();
	for (const [id, record] of executions) {
		if (now - record.touched > TTL_MS && record.active === 0) drop(id);
	}
	if (reservedTotal + needed <= limit) return true;
	const idle = [...executions]
		.filter(([id, r]) => id !== keep && r.active === 0 && now - r.touched > RETRY_GRACE_MS)
		.sort(([, a], [, b]) => a.touched - b.touched);
	for (const [id] of idle) {
		if (reservedTotal + needed <= limit) break;
		drop(id);
	}
	return reservedTotal + needed <= limit;
}

function tooLarge(items: number): InputError {
	const limit = maxItems();
	const why =
		items > limit
			? `with Retry On Fail this n8n process remembers at most ${limit} delivered messages (so that a retry never sends one twice)`
			: `other executions that may still retry hold the room of the ${limit} delivered messages this n8n process remembers for Retry On Fail`;
	return new InputError(
		'Retry On Fail',
		`This run would deliver ${items} messages, but ${why}. Nothing was sent. Split the input into smaller batches (for example with a Loop Over Items node), run fewer large executions at once, or raise the limit with the environment variable ${MAX_ITEMS_VARIABLE} (about ${BYTES_PER_ITEM} bytes of memory per message).`,
	);
}

/** A run's slots are no longer needed: n8n retries a node only after it failed. */
function forgetRun(executionId: string, key: string): void {
	const record = executions.get(executionId);
	if (!record) return;
	reservedTotal -= record.reserved.get(key) ?? 0;
	record.reserved.delete(key);
	record.runs.delete(key);
	if (!record.reserved.size && !record.active) executions.delete(executionId);
}

/**
 * Reserves room for one attempt of a node run with `items` messages, before any is sent, and marks
 * the execution active until the returned `finish` is called. Throws when the room cannot be made.
 * An attempt that finished with every item done is not retried by n8n (WorkflowExecute retries a
 * node that threw or whose first item is an error), so its slots go at once; a failed attempt keeps
 * them for the retry.
 */
export function beginAttempt(
	scope: LedgerScope | undefined,
	items: number,
): (allDone: boolean) => void {
	if (!scope) return () => {};
	const now = Date.now();
	const key = runKey(scope);
	const already = executions.get(scope.executionId)?.reserved.get(key) ?? 0;
	const extra = Math.max(0, items - already);
	if (extra && !makeRoom(extra, scope.executionId, now)) throw tooLarge(items);
	const own = executions.get(scope.executionId) ?? {
		runs: new Map(),
		reserved: new Map(),
		active: 0,
		touched: now,
	};
	executions.set(scope.executionId, own);
	own.reserved.set(key, already + extra);
	reservedTotal += extra;
	own.active++;
	return (allDone) => {
		own.active--;
		own.touched = Date.now();
		if (allDone) forgetRun(scope.executionId, key);
	};
}

export function recall(
	scope: LedgerScope | undefined,
	item: PreparedItem,
): LedgerEntry | undefined {
	if (!scope) return undefined;
	const slot = executions.get(scope.executionId)?.runs.get(runKey(scope))?.get(item.index);
	if (!slot || slot.digest !== fingerprint(item)) return undefined;
	return 'unknown' in slot
		? { unknown: slot.unknown }
		: { delivered: JSON.parse(slot.delivered) as Delivery };
}

export function remember(scope: LedgerScope | undefined, item: PreparedItem, entry: LedgerEntry) {
	if (!scope) return;
	const record = executions.get(scope.executionId);
	// Only an attempt that reserved its room (beginAttempt) records; the reservation bounds the
	// memory.
	if (!record) return;
	const key = runKey(scope);
	const slots = record.runs.get(key) ?? new Map<number, Slot>();
	record.runs.set(key, slots);
	const digest = fingerprint(item);
	slots.set(
		item.index,
		'unknown' in entry
			? { digest, unknown: entry.unknown }
			: { digest, delivered: JSON.stringify(entry.delivered) },
	);
	record.touched = Date.now();
}

/** For tests and the benchmark: how many items are reserved and how many executions are held. */
export function ledgerSize(): { items: number; executions: number } {
	return { items: reservedTotal, executions: executions.size };
}
