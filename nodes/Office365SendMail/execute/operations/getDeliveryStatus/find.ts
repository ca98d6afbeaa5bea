import { isGuid } from '../../../../shared/credential/identifiers';
import type { TraceLookup } from './params';
import { odataString, type TraceApi, type TraceRow } from './traceApi';

/**
 * Message trace keeps 90 days and answers at most 10 days per query
 * (https://learn.microsoft.com/graph/api/messagetracingroot-list-messagetraces,
 * Get-MessageTraceV2's "10 days worth of data per query"): the window is built around the item's
 * sentAt, or the last 10 days without one.
 */
const DAY_MS = 24 * 60 * 60_000;
const MAX_WINDOW_MS = 10 * DAY_MS;
/** Before sentAt: clocks differ between n8n and Exchange. */
const BEFORE_SENT_MS = 5 * 60_000;
/**
 * After sentAt for the search: Exchange receives a message within seconds to minutes of the send.
 */
export const SEARCH_AFTER_SENT_MS = 60 * 60_000;

export interface Found {
	rows: TraceRow[];
	/**
	 * How the message was found: its Message-ID, or the search by sender, subject, recipients and
	 * time.
	 */
	foundBy: 'messageId' | 'search';
	notes: string[];
}

export interface Window {
	from: number;
	to: number;
}

export function windowOf(lookup: TraceLookup, now: number, afterMs = MAX_WINDOW_MS): Window {
	const from = lookup.sentAt !== undefined ? lookup.sentAt - BEFORE_SENT_MS : now - MAX_WINDOW_MS;
	return { from, to: Math.min(from + Math.min(afterMs, MAX_WINDOW_MS), now + BEFORE_SENT_MS) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function timeFilter(window: Window): string {
	return `receivedDateTime ge ${iso(window.from)} and receivedDateTime le ${iso(window.to)}`;
}

export function messageIdFilter(messageId: string, window: Window): string {
	return `messageId eq ${odataString(messageId)} and ${timeFilter(window)}`;
}

/**
 * The search for a message whose Message-ID Exchange replaced: sender (when it is an address),
 * subject, time.
 */
export function searchFilter(lookup: TraceLookup, window: Window): string {
	const parts: string[] = [];
	if (!isGuid(lookup.sender)) parts.push(`senderAddress eq ${odataString(lookup.sender)}`);
	if (lookup.subject !== undefined) parts.push(`subject eq ${odataString(lookup.subject)}`);
	parts.push(timeFilter(window));
	return parts.join(' and ');
}

/**
 * Rows of the one message among the search results that went to all the item's recipients, nearest
 * to sentAt.
 */
function pickMessage(
	rows: TraceRow[],
	lookup: TraceLookup,
): { rows: TraceRow[]; candidates: number } {
	const byMessage = new Map<string, TraceRow[]>();
	for (const row of rows)
		byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row]);
	const wanted = lookup.recipients;
	const candidates = [...byMessage.values()].filter((group) => {
		const got = new Set(group.map((r) => r.recipientAddress.toLowerCase()));
		return wanted.every((address) => got.has(address));
	});
	const distance = (group: TraceRow[]) =>
		Math.abs(Date.parse(group[0].receivedDateTime) - (lookup.sentAt ?? Date.now()));
	candidates.sort((a, b) => distance(a) - distance(b));
	return { rows: candidates[0] ?? [], candidates: candidates.length };
}

/**
 * Finds the item's message: by Message-ID first; when that finds nothing and the Message-ID was not
 * confirmed (false, or unknown because the item does not say), by sender, subject, recipients and
 * time window.
 */
export async function findMessage(
	api: TraceApi,
	lookup: TraceLookup,
	deadline: number,
	now = Date.now(),
): Promise<Found> {
	const window = windowOf(lookup, now);
	if (lookup.internetMessageId) {
		const rows = await api.list(messageIdFilter(lookup.internetMessageId, window), deadline);
		if (rows.length || lookup.confirmed === true) return { rows, foundBy: 'messageId', notes: [] };
	}
	if (!lookup.subject || !lookup.recipients.length)
		return { rows: [], foundBy: 'messageId', notes: [] };
	const searchWindow = windowOf(lookup, now, SEARCH_AFTER_SENT_MS);
	const found = pickMessage(await api.list(searchFilter(lookup, searchWindow), deadline), lookup);
	const notes: string[] = [];
	if (found.rows.length && lookup.internetMessageId)
		notes.push(
			`Exchange did not keep the Message-ID ${lookup.internetMessageId}; the message was found by sender, subject, recipients and time, and internetMessageId is the one Exchange gave it.`,
		);
	if (found.candidates > 1)
		notes.push(
			`${found.candidates} messages with this subject went to these recipients within the hour after sentAt; the one received nearest to sentAt is shown.`,
		);
	return { rows: found.rows, foundBy: 'search', notes };
}
