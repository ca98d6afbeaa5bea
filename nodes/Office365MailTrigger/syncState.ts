import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/**
 * What the trigger keeps in the workflow's static data (n8n stores it with the workflow, so it
 * survives a restart): Graph's delta link, and which recent messages were already considered.
 *
 * Graph's delta query reports a message again whenever it changes (read, flagged, moved out and
 * back: https://learn.microsoft.com/graph/delta-query-messages), so "reported by delta" is not
 * "new". A message is new when it was received at or after the horizon and is not among the ids
 * seen since then. The horizon trails the newest message by RETENTION_MS, so the seen list stays
 * small; mail that reaches the folder longer than that after it was received (moved in from
 * elsewhere, moved back) is not new.
 */
export interface SyncState {
	/** Mailbox and folder the state belongs to: another one starts over. */
	key: string;
	deltaLink?: string;
	/**
	 * Set while a round is not finished (the poll's message budget ran out): the next poll goes on
	 * from it.
	 */
	nextLink?: string;
	/** Messages received before this (ms since epoch) are never emitted. */
	horizon: number;
	newest: number;
	/** Hash of the message id → receivedDateTime (ms). */
	seen: Record<string, number>;
}

export const RETENTION_MS = 60 * 60 * 1000;
/** Bounds the static data (about 40 bytes per entry). */
const MAX_SEEN = 20_000;
const VERSION = 1;

function hashId(id: string): string {
	return createHash('sha256').update(id).digest('base64url').slice(0, 22);
}

/**
 * The saved state for this mailbox and folder, or a fresh one whose horizon is `now` (0 with
 * Include Existing).
 */
export function loadState(data: IDataObject, key: string, includeExisting: boolean): SyncState {
	const saved = data.mailSync as (SyncState & { v?: number }) | undefined;
	if (saved && saved.v === VERSION && saved.key === key && typeof saved.horizon === 'number')
		return { ...saved, seen: { ...saved.seen } };
	// Graph's receivedDateTime has whole seconds: a message of this very second must still count as
	// new.
	const horizon = includeExisting ? 0 : Math.floor(Date.now() / 1000) * 1000;
	return { key, horizon, newest: horizon, seen: {} };
}

export function isNew(state: SyncState, id: string, receivedMs: number): boolean {
	return receivedMs >= state.horizon && state.seen[hashId(id)] === undefined;
}

export function markSeen(state: SyncState, id: string, receivedMs: number): void {
	state.seen[hashId(id)] = receivedMs;
	if (receivedMs > state.newest) state.newest = receivedMs;
}

/**
 * After a finished round: the horizon moves up to RETENTION_MS before the newest message and older
 * ids are forgotten. Not during a round: its pages are in change order, not arrival order.
 */
export function settle(state: SyncState): void {
	if (state.nextLink) return;
	state.horizon = Math.max(state.horizon, state.newest - RETENTION_MS);
	for (const [key, ms] of Object.entries(state.seen))
		if (ms < state.horizon) delete state.seen[key];
}

/**
 * Writes the state into the static data n8n saves; the oldest ids go first when the list is over
 * its bound.
 */
export function commitState(data: IDataObject, state: SyncState): void {
	settle(state);
	let seen = state.seen;
	const entries = Object.entries(seen);
	if (entries.length > MAX_SEEN)
		seen = Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN));
	data.mailSync = { v: VERSION, ...state, seen } as unknown as IDataObject;
}
