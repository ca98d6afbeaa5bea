import { confirmed } from '../../../delivery/confirm';
import { messageIdFor } from '../../../delivery/identity';
import { draftPatchOf, mimeContentOf, needsMime, type MimeOptions } from '../../../delivery/mime';
import { planDelivery, type DeliveryPlan, type PlanIdentity } from '../../../delivery/plan';
import { scheduled } from '../../../delivery/schedule';
import { buildGraphMessage, type MessageInput } from '../../../message/build';
import type { MessageOperationSpec, PreparedItem } from '../types';
import { readSend, type SendFields } from './read';

export type { SendFields } from './read';

/** The Message-ID to stamp and, when the message needs MIME, the MIME content and what a draft PATCH adds. */
export function identityOf(input: MessageInput, extras: MimeOptions, sender: string): PlanIdentity {
	const messageId = messageIdFor(input, sender);
	if (!needsMime(input, extras)) return { messageId };
	const mime = mimeContentOf(input, extras, sender, messageId);
	return { messageId, mime, patch: draftPatchOf(input) };
}

/** The plan that sends the message now: one sendMail, or a draft with its attachments and send. */
export function planSendNow(fields: SendFields): DeliveryPlan {
	const { sender, input, attachments } = fields;
	const identity = identityOf(input, fields.mime, sender);
	const message = buildGraphMessage(input);
	return planDelivery(sender, message, input.saveToSentItems, attachments, identity);
}

/** Send: a new message to the item's recipients, now or at Send At. */
export function planSend(fields: SendFields): PreparedItem {
	const now = planSendNow(fields);
	const plan = fields.sendAt ? scheduled(now, fields.sendAt) : now;
	const { index, sender, input, attachments, dryRun, passThroughBinary } = fields;
	return {
		index,
		operation: 'send',
		sender,
		input,
		attachments,
		plan: confirmed(plan, fields.confirm),
		dryRun,
		passThroughBinary,
	};
}

export const send: MessageOperationSpec<SendFields> = {
	kind: 'message',
	read: (ctx, index, settings) => readSend(ctx, index, settings),
	plan: planSend,
};
