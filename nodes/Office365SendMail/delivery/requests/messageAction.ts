import { outcomeOf } from '../../../shared/outcome';
import { excerpt } from '../../../shared/text/headerSafe';
import { InputError } from '../../../shared/text/inputError';
import { GraphApiError } from '../../../shared/transport/graphErrors';
import { sendMailMessage } from '../identity';
import type { DeliveryPlan, StepOf } from '../plan';
import { replyBody } from '../replyPlan';
import { oneRequestAddressing, quotingReplyBody } from '../replyQuote';
import type { ReplyTarget } from '../replyTarget';
import { delivery, jsonOf } from './types';
import { inlineAttachments, JSON_HEADERS, userUrl, type At, type GraphCall } from './types';

/**
 * Graph answers 404 ErrorItemNotFound for an ID that is not a message of this mailbox (another
 * mailbox's, deleted, or moved: Exchange IDs change with the folder unless immutable IDs are used).
 * The fix is in the input.
 */
export function unknownMessage(error: unknown, plan: DeliveryPlan, target: ReplyTarget): unknown {
	if (!(error instanceof GraphApiError) || error.status !== 404) return error;
	if (error.code !== 'ErrorItemNotFound' && error.code !== 'ResourceNotFound') return error;
	return new InputError(
		'Message ID',
		`Mailbox ${plan.sender} has no message with ID ${excerpt(target.messageId, 24)} (Microsoft Graph ${error.code}, request-id ${error.requestId ?? 'n/a'}). Use the ID of a message in the sender mailbox, e.g. from a Microsoft Outlook trigger on it; IDs from another mailbox, of deleted messages, or from before the message was moved to another folder are not found.`,
	);
}

/** The original, read after the one-request reply (202, no body) to name who the reply went to. */
function readOriginal(at: At, target: ReplyTarget) {
	const fields = '$select=from,replyTo,toRecipients,ccRecipients,subject';
	return {
		label: 'read the message answered',
		method: 'GET' as const,
		url: `${userUrl(at, 'messages', target.messageId)}?${fields}`,
		headers: {},
		authenticated: true,
		replay: 'always' as const,
		bestEffort: true,
	};
}

/**
 * `POST /users/{id}/messages/{message-id}/reply|replyAll`
 * (https://learn.microsoft.com/graph/api/message-reply,
 * https://learn.microsoft.com/graph/api/message-replyall): `{ message }`, whose body replaces the
 * quoted original, or `{ comment, message }` to keep it. 202 without a body. It counts as
 * delivering: an unclear answer is reported, never blindly repeated.
 */
export const messageAction: GraphCall<StepOf<'messageAction'>> = {
	async describe(step, at) {
		const message = sendMailMessage(at.plan);
		const attachments = await inlineAttachments(step.attachments);
		const json = step.quote
			? quotingReplyBody(message, attachments)
			: replyBody(message, attachments);
		const action = {
			label: step.action,
			method: 'POST' as const,
			url: userUrl(at, 'messages', step.target.messageId, step.action),
			headers: JSON_HEADERS,
			body: { json },
			authenticated: true,
			replay: 'notIfSent' as const,
			delivers: true,
		};
		return [action, readOriginal(at, step.target)];
	},
	async run([action, original], { target }, { plan, send, state }) {
		const sent = await outcomeOf(() => send(action));
		if (!sent.ok) throw unknownMessage(sent.error, plan, target);
		state.delivered = delivery(sent.value, []);
		// Best effort: the reply is sent, so a refused read (Mail.Send only) leaves the addressing
		// unknown.
		const read = await outcomeOf(() => send(original));
		if (read.ok) state.delivered.reply = oneRequestAddressing(jsonOf(read.value), target, plan);
	},
};
