import type { IDataObject } from 'n8n-workflow';

import { explain } from './codes';
import type { TraceEvent, TraceRow } from './traceApi';

/**
 * Statuses of exchangeMessageTrace
 * (https://learn.microsoft.com/graph/api/resources/exchangemessagetrace): gettingStatus and pending
 * may still change; the others are final.
 */
const NOT_FINAL = new Set(['pending', 'gettingStatus']);
const DELIVERED = new Set(['delivered', 'expanded']);
/** The statuses whose detail events say why (the NDR code): only these cost a details request. */
export const NEEDS_DETAILS = new Set(['failed', 'quarantined', 'filteredAsSpam']);

export type OverallStatus = 'delivered' | 'pending' | 'failed' | 'mixed' | 'notFound';

export interface RecipientStatus {
	address: string;
	status: string;
	code: string | null;
	meaning: string;
	fix: string;
	at: string | null;
}

/** The last enhanced status code (RFC 3463, e.g. 5.1.10 or 4.4.7) in the events' descriptions. */
export function codeOf(events: TraceEvent[]): string | null {
	for (let i = events.length - 1; i >= 0; i--) {
		const match = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(events[i].description.slice(0, 2000));
		if (match) return match[1];
	}
	return null;
}

/** One row per recipient (the newest when Exchange has several). */
export function latestPerRecipient(rows: TraceRow[]): TraceRow[] {
	const byAddress = new Map<string, TraceRow>();
	for (const row of rows) {
		const key = row.recipientAddress.toLowerCase();
		const seen = byAddress.get(key);
		if (!seen || seen.receivedDateTime <= row.receivedDateTime) byAddress.set(key, row);
	}
	return [...byAddress.values()];
}

export function isFinal(status: string): boolean {
	return !NOT_FINAL.has(status);
}

export function recipientStatus(row: TraceRow, events?: TraceEvent[]): RecipientStatus {
	const code = events ? codeOf(events) : null;
	const last = events?.length ? events[events.length - 1].dateTime : '';
	return {
		address: row.recipientAddress,
		status: row.status,
		code,
		...explain(row.status, code),
		at: last || row.receivedDateTime || null,
	};
}

export function overallStatus(recipients: RecipientStatus[]): OverallStatus {
	if (!recipients.length) return 'notFound';
	if (recipients.some((r) => !isFinal(r.status))) return 'pending';
	const delivered = recipients.filter((r) => DELIVERED.has(r.status)).length;
	if (delivered === recipients.length) return 'delivered';
	return delivered === 0 ? 'failed' : 'mixed';
}

export function statusItem(
	requestedId: string,
	rows: TraceRow[],
	recipients: RecipientStatus[],
	extra: IDataObject,
): IDataObject {
	return {
		internetMessageId: rows[0]?.messageId || requestedId || null,
		status: overallStatus(recipients),
		recipients: recipients as unknown as IDataObject[],
		...extra,
	};
}
