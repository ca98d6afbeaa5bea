import { outcomeOfSync } from '../../../shared/outcome';
import type { Delivery } from '../../delivery/execute';
import type { KeyedMessage } from './lookup';

/**
 * What later deliveries with the key output: the first delivery's identity, as far as it is known.
 */
export interface FirstDelivery {
	id?: string;
	internetMessageId?: string;
	conversationId?: string;
	webLink?: string;
	sentAt?: string;
	requestId?: string;
	clientRequestId?: string;
	/** The Message-ID came from Exchange (the mailbox copy, or a confirmed delivery). */
	confirmed?: boolean;
}

/**
 * A claim's value. `pending`: its owner is delivering now. `sent`: delivered, here is what to
 * output. `unknown`: the owner got no clear answer; whoever comes next looks in the mailbox, never
 * sends blindly.
 */
export type ClaimState =
	| { s: 'pending'; o: string }
	| { s: 'sent'; o: string; d: FirstDelivery }
	| { s: 'unknown'; o: string };

export function parseClaim(value: string): ClaimState {
	const read = outcomeOfSync(() => JSON.parse(value) as ClaimState);
	// A value this version cannot read is treated like an unclear delivery: look, do not send.
	if (!read.ok || !read.value || typeof read.value !== 'object') return { s: 'unknown', o: '' };
	const state = read.value;
	if (state.s === 'pending' || state.s === 'unknown') return state;
	if (state.s === 'sent' && state.d && typeof state.d === 'object') return state;
	return { s: 'unknown', o: '' };
}

export function fromDelivery(delivery: Delivery): FirstDelivery {
	const { id, internetMessageId, conversationId, webLink, sentAt, requestId, clientRequestId } =
		delivery;
	const confirmed = delivery.internetMessageIdConfirmed ?? false;
	return {
		id,
		internetMessageId,
		conversationId,
		webLink,
		sentAt,
		requestId,
		clientRequestId,
		confirmed,
	};
}

export function fromMailbox(found: KeyedMessage): FirstDelivery {
	const { id, internetMessageId, conversationId, webLink, sentAt } = found;
	return { id, internetMessageId, conversationId, webLink, sentAt, confirmed: !!internetMessageId };
}

/** A Delivery that repeats the first one; `deduplicated` tells output that nothing was sent now. */
export type KeyedDelivery = Delivery & { deduplicated?: true };

export function deduplicated(first: FirstDelivery): KeyedDelivery {
	const note = `Already delivered with this Idempotency Key${first.sentAt ? ` (${first.sentAt})` : ''}; not sent again.`;
	const delivery: KeyedDelivery = {
		clientRequestId: first.clientRequestId ?? '',
		sentAt: first.sentAt ?? '',
		notes: [note],
		internetMessageIdConfirmed: first.confirmed ?? false,
		deduplicated: true,
	};
	if (first.requestId) delivery.requestId = first.requestId;
	for (const field of ['id', 'internetMessageId', 'conversationId', 'webLink'] as const)
		if (first[field]) delivery[field] = first[field];
	return delivery;
}
