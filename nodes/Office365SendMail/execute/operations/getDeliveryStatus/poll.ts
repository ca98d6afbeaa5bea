import type { IDataObject } from 'n8n-workflow';

import { sleep } from '../../../../shared/transport/retry';
import { findMessage, messageIdFilter, windowOf, type Found } from './find';
import type { TraceLookup } from './params';
import { isFinal, latestPerRecipient, NEEDS_DETAILS, recipientStatus, statusItem } from './summary';
import type { TraceApi, TraceRow } from './traceApi';

/**
 * Polling spends the tenant's 100 requests per 5 minutes: the first look again after 5 s, then 1.5
 * times longer each time, at most a minute apart, so one item waiting 10 minutes costs about 15
 * requests.
 */
const FIRST_POLL_MS = 5_000;
const MAX_POLL_MS = 60_000;
/**
 * However short Wait Seconds is, a request may wait this long for the budget (or a Retry-After).
 */
const MIN_BUDGET_WAIT_MS = 60_000;

const allFinal = (rows: TraceRow[]): boolean =>
	rows.length > 0 && latestPerRecipient(rows).every((row) => isFinal(row.status));

/**
 * Looks again: by the Message-ID the trace showed once the message was found, else as the first
 * time.
 */
async function lookAgain(
	api: TraceApi,
	lookup: TraceLookup,
	found: Found,
	deadline: number,
): Promise<Found> {
	const known = found.rows[0]?.messageId;
	if (!known) return await findMessage(api, lookup, deadline);
	const rows = await api.list(messageIdFilter(known, windowOf(lookup, Date.now())), deadline);
	return { ...found, rows };
}

/**
 * One item's delivery status: find the message, look again until every recipient has a final status
 * or Wait Seconds are over, then read the detail events of the recipients that were not delivered
 * (for their NDR code).
 */
export async function deliveryStatusOf(
	api: TraceApi,
	lookup: TraceLookup,
	signal?: AbortSignal,
): Promise<IDataObject> {
	const started = Date.now();
	const waitUntil = started + lookup.waitSeconds * 1000;
	const budgetDeadline = () => Math.max(waitUntil, Date.now() + MIN_BUDGET_WAIT_MS);
	let found = await findMessage(api, lookup, budgetDeadline());
	let interval = FIRST_POLL_MS;
	while (!allFinal(found.rows)) {
		const pause = Math.min(interval, waitUntil - Date.now());
		if (pause < 1_000) break;
		await sleep(pause, signal);
		found = await lookAgain(api, lookup, found, budgetDeadline());
		interval = Math.min(MAX_POLL_MS, interval * 1.5);
	}
	const rows = latestPerRecipient(found.rows);
	const recipients = [];
	for (const row of rows) {
		const events = NEEDS_DETAILS.has(row.status)
			? await api.details(row, budgetDeadline())
			: undefined;
		recipients.push(recipientStatus(row, events));
	}
	const extra: IDataObject = {
		sender: lookup.sender,
		foundBy: found.rows.length ? found.foundBy : null,
		checkedAt: new Date().toISOString(),
	};
	if (found.notes.length) extra.notes = found.notes;
	return statusItem(lookup.internetMessageId, found.rows, recipients, extra);
}
