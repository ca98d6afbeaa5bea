import { createHash } from 'node:crypto';

import type { Delivery } from '../delivery/execute';
import type { PreparedItem } from './prepareItem';
import type { ItemFailure } from './errors';

/**
 * What a delivering attempt of one item ended with: delivered, or an unknown outcome that must not be repeated.
 */
export type LedgerEntry = { delivered: Delivery } | { unknown: ItemFailure };

/**
 * n8n's Retry On Fail runs the node again, with every item, in the same execution. This process-wide ledger
 * remembers which items an earlier attempt already delivered, so a retry does not send them again. Entries are
 * keyed by execution, node, run, item and a fingerprint of the message (a changed message is a new message),
 * expire after an hour, and the ledger holds at most MAX_ENTRIES (oldest dropped first).
 */
const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;
const entries = new Map<string, { entry: LedgerEntry; expires: number }>();

export interface LedgerScope {
	executionId: string;
	nodeId: string;
	runIndex: number;
}

/**
 * What makes two attempts the same delivery: operation, mailbox, message, attachments, and what the steps aim at
 * (a reply's target message, a scheduled time), so a retry with another Message ID or Send At is a new delivery.
 */
function fingerprint(item: PreparedItem): string {
	const attachments = item.attachments.map((a) => [a.name, a.size, a.contentType, a.inline]);
	const { sender, message, saveToSentItems, sendAt, steps } = item.plan;
	const targets = steps.map((step) => ('target' in step ? [step.kind, step.target] : step.kind));
	return createHash('sha256')
		.update(
			JSON.stringify([
				item.operation,
				sender,
				message,
				saveToSentItems,
				sendAt,
				targets,
				attachments,
			]),
		)
		.digest('base64url');
}

function keyOf(scope: LedgerScope, item: PreparedItem): string {
	return [scope.executionId, scope.nodeId, scope.runIndex, item.index, fingerprint(item)].join(
		'\n',
	);
}

export function recall(
	scope: LedgerScope | undefined,
	item: PreparedItem,
): LedgerEntry | undefined {
	if (!scope) return undefined;
	const key = keyOf(scope, item);
	const found = entries.get(key);
	if (found && found.expires < Date.now()) entries.delete(key);
	else return found?.entry;
	return undefined;
}

export function remember(scope: LedgerScope | undefined, item: PreparedItem, entry: LedgerEntry) {
	if (!scope) return;
	const now = Date.now();
	for (const [key, value] of entries) {
		if (value.expires >= now && entries.size < MAX_ENTRIES) break;
		entries.delete(key);
	}
	const key = keyOf(scope, item);
	entries.delete(key);
	entries.set(key, { entry, expires: now + TTL_MS });
}
