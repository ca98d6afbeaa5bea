import type { AttachmentSource } from '../message/attachments';
import { fileAttachmentJson, sendMailBody, type GraphMessage } from '../message/build';
import {
	attachmentSteps,
	checkSizes,
	needsUploadSession,
	type DeliveryPlan,
	type DeliveryStep,
} from './plan';
import type { ReplyTarget } from './replyTarget';
import { MAX_SINGLE_REQUEST_BYTES, sendMailJsonBytes } from './sizes';

/**
 * The writable properties a reply may set. Outlook derives To and the subject ("RE: …") from the
 * original (learn.microsoft.com/graph/api/message-reply: "message: any writeable properties to
 * update in the reply message"), so the node's message goes without them; CC and BCC add to the
 * derived recipients.
 */
export function replyMessage(message: GraphMessage): GraphMessage {
	const rest = { ...message };
	delete rest.subject;
	delete rest.toRecipients;
	return rest;
}

/**
 * The JSON body of reply/replyAll and createReply/createReplyAll: `{ message }`, never `comment`
 * besides a body.
 */
export function replyBody(
	message: GraphMessage,
	attachments?: Record<string, unknown>[],
): Record<string, unknown> {
	return sendMailBody(message, true, attachments);
}

/**
 * One reply/replyAll request when everything fits (needs only Mail.Send, saved to Sent Items by
 * Exchange); otherwise a reply draft, its attachments (directly or through upload sessions) and
 * send (needs Mail.ReadWrite).
 */
export function planReply(
	sender: string,
	composed: GraphMessage,
	target: ReplyTarget,
	attachments: AttachmentSource[],
	identity: { messageId?: string; quote: boolean } = { quote: false },
): DeliveryPlan {
	const { messageId, quote } = identity;
	const message = replyMessage(composed);
	checkSizes(message, attachments);
	const shell = replyBody(
		message,
		attachments.map((a) => fileAttachmentJson(a, Buffer.alloc(0))),
	);
	const fits = sendMailJsonBytes(shell, attachments) <= MAX_SINGLE_REQUEST_BYTES;
	const plan = { sender, message, saveToSentItems: true };
	const action = target.replyAll ? 'replyAll' : 'reply';
	// Graph's reply action answers 202 without a body: the node names the Message-ID (String 0x1035),
	// unconfirmed.
	if (fits && !attachments.some(needsUploadSession))
		return {
			...plan,
			...(messageId ? { messageId } : {}),
			path: 'sendMail',
			steps: [{ kind: 'messageAction', action, target, attachments, quote }],
		};
	// The reply draft's Message-ID is Exchange's, named in Graph's answer to createReply.
	const draftAction = target.replyAll ? 'createReplyAll' : 'createReply';
	const steps: DeliveryStep[] = [{ kind: 'createActionDraft', action: draftAction, target, quote }];
	if (quote) steps.push({ kind: 'patchMessage', aboveQuoted: true });
	steps.push(...attachmentSteps(attachments), { kind: 'sendDraft' });
	return { ...plan, path: 'draft', steps };
}
