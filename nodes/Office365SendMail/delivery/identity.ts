import { draftMessage, type GraphMessage, type MessageInput } from '../message/build';
import { markerProperty, type FoundMessage } from './findSent';
import { newMessageId } from '../message/messageId';
import type { DeliveryPlan } from './plan';
import { withDeferredSend } from './schedule';

/**
 * The Message-ID every message gets before any request, so the output can name it without reading
 * the mailbox. It needs the domain of an address: a sender given as an object ID with no From
 * Address gets none on the JSON path, and Graph's own (from a draft's answer) is reported where
 * there is one.
 */
export function messageIdFor(
	input: Pick<MessageInput, 'from'>,
	sender: string,
): string | undefined {
	const address = input.from?.address ?? sender;
	return address.includes('@') ? newMessageId(address) : undefined;
}

// MAPI PidTagInternetMessageId ([MS-OXPROPS] 2.739, property tag 0x1035, PT_UNICODE) as a Graph
// single-value extended property: the only way to name the Message-ID in a JSON sendMail, because
// the message resource's internetMessageId is writable only on drafts
// (learn.microsoft.com/graph/api/resources/message). Evidence that sendMail honours it is mixed
// (github.com/microsoftgraph/msgraph-sdk-dotnet/issues/2320).
const INTERNET_MESSAGE_ID_TAG = 'String 0x1035';

/**
 * The plan's message with the extended properties that identify it: the package's marker
 * (delivery/findSent.ts), added at request time so that the message the retry ledger fingerprints
 * stays the same across attempts.
 */
export function markedMessage(
	plan: DeliveryPlan,
	message: GraphMessage = plan.message,
): GraphMessage {
	if (!plan.marker) return message;
	const existing = (message.singleValueExtendedProperties as unknown[] | undefined) ?? [];
	return {
		...message,
		singleValueExtendedProperties: [...existing, markerProperty(plan.marker)],
	};
}

/** The message of a JSON sendMail, stamped with the plan's Message-ID (and marker). */
export function sendMailMessage(plan: DeliveryPlan): GraphMessage {
	const message = markedMessage(plan);
	if (!plan.messageId) return message;
	const existing = (message.singleValueExtendedProperties as unknown[] | undefined) ?? [];
	return {
		...message,
		singleValueExtendedProperties: [
			...existing,
			{ id: INTERNET_MESSAGE_ID_TAG, value: plan.messageId },
		],
	};
}

/**
 * The JSON draft: internetMessageId is "updatable only if isDraft = true" (message resource), so it
 * is set here.
 */
export function draftJson(plan: DeliveryPlan): GraphMessage {
	const body = draftMessage(plan.message, plan.saveToSentItems);
	// Only a scheduled send's draft carries a deferred send time (delivery/schedule.ts).
	const draft = markedMessage(plan, plan.sendAt ? withDeferredSend(body, plan.sendAt) : body);
	return plan.messageId ? { ...draft, internetMessageId: plan.messageId } : draft;
}

/** The output's Message-ID and whether it came from Exchange, with a note where Exchange's differs from ours. */
export function confirmedIdentity(
	plan: DeliveryPlan,
	draft: { internetMessageId?: string } | undefined,
	found: FoundMessage | undefined,
	notes: string[],
): { internetMessageId?: string; internetMessageIdConfirmed: boolean } & Partial<
	Omit<FoundMessage, 'folder'>
> {
	const fromExchange = found?.internetMessageId ?? draft?.internetMessageId;
	if (plan.messageId && fromExchange && fromExchange !== plan.messageId)
		notes.push(
			`Exchange used the Message-ID ${fromExchange} instead of the one the node set (${plan.messageId}); the output shows Exchange's.`,
		);
	if (plan.steps.some((s) => s.kind === 'listMessages' && s.role === 'findSent') && !found)
		notes.push(
			"The sent copy did not appear in Sent Items in time, so the Message-ID is the node's and not confirmed. The message was sent; do not send it again.",
		);
	if (found) {
		const { id, internetMessageId, conversationId, webLink } = found;
		return { id, internetMessageId, conversationId, webLink, internetMessageIdConfirmed: true };
	}
	if (fromExchange) return { internetMessageId: fromExchange, internetMessageIdConfirmed: true };
	return { internetMessageId: plan.messageId, internetMessageIdConfirmed: false };
}
