/**
 * Message trace rows made from the simulator's outbox (its stand-in for Exchange transport): one
 * row per sent message and recipient, as exchangeMessageTrace has them
 * (https://learn.microsoft.com/graph/api/resources/exchangemessagetrace).
 */
import * as crypto from 'node:crypto';

import type { SimState } from '../state';
import type { DeliveredMessage } from '../types';
import { FATES, type Fate } from './fates';

export interface TraceRowView {
	id: string;
	messageId: string;
	senderAddress: string;
	recipientAddress: string;
	subject: string;
	size: number;
	status: string;
	receivedDateTime: string;
	fromIP: string;
	toIP: string;
}

/** One row with what the handler needs besides the wire shape. */
export interface TraceRow {
	view: TraceRowView;
	fate: Fate;
	final: boolean;
	sentAt: number;
}

/** The trace id is per message (details are asked for by id and recipient), stable across calls. */
function traceIdOf(m: DeliveredMessage): string {
	const h = crypto.createHash('sha256').update(`trace:${m.requestId}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function addressesOf(list: unknown): string[] {
	if (!Array.isArray(list)) return [];
	return list
		.map((r: { emailAddress?: { address?: unknown } }) => r?.emailAddress?.address)
		.filter((a): a is string => typeof a === 'string');
}

/** Every trace row of a tenant's sent messages that is visible at `now`. */
export function traceRowsOf(state: SimState, tenantId: string, now = Date.now()): TraceRow[] {
	const { appearAfterMs, finalAfterMs } = state.trace.settings;
	const rows: TraceRow[] = [];
	for (const m of state.outbox) {
		const user = state.findUser(tenantId, m.userId);
		const sentAt = Date.parse(m.deliveredAt);
		if (!user || now - sentAt < appearAfterMs) continue;
		const final = now - sentAt >= finalAfterMs;
		const message = m.message as Record<string, unknown>;
		const recipients = [
			...addressesOf(message.toRecipients),
			...addressesOf(message.ccRecipients),
			...addressesOf(message.bccRecipients),
		];
		for (const recipient of new Set(recipients)) {
			const fate = FATES[state.trace.fates.get(recipient.toLowerCase()) ?? 'delivered'];
			rows.push({
				fate,
				final,
				sentAt,
				view: {
					id: traceIdOf(m),
					messageId: m.internetMessageId,
					senderAddress: user.mail,
					recipientAddress: recipient,
					subject: typeof message.subject === 'string' ? message.subject : '',
					size: JSON.stringify(message).length,
					status: final ? fate.status : 'gettingStatus',
					receivedDateTime: m.deliveredAt,
					fromIP: '',
					toIP: '',
				},
			});
		}
	}
	return rows;
}

/**
 * The detail events of one recipient: received from the app, submitted, then its fate; a recipient
 * whose status is not final yet has no outcome event.
 */
export function eventsOf(row: TraceRow): Record<string, string>[] {
	const at = (offsetMs: number) => new Date(row.sentAt + offsetMs).toISOString();
	const event = (id: number, name: string, action: string, description: string, when: string) => ({
		id: `${row.view.id}-${id}`,
		messageId: row.view.messageId,
		event: name,
		action,
		description,
		dateTime: when,
		data: '',
	});
	const events = [
		event(
			1,
			'Receive',
			'',
			'The message was received by the mailbox server from the app (Microsoft Graph).',
			at(0),
		),
		event(2, 'Submit', '', 'The message was submitted for delivery.', at(50)),
	];
	if (row.final)
		events.push(event(3, row.fate.event, row.fate.action, row.fate.description, at(100)));
	return events;
}
