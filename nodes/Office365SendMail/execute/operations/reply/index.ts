import type { IDataObject } from 'n8n-workflow';

import { formatRecipient } from '../../../../shared/address/recipients';
import { confirmed } from '../../../delivery/confirm';
import type { Delivery } from '../../../delivery/execute';
import { messageIdFor } from '../../../delivery/identity';
import { planReply } from '../../../delivery/replyPlan';
import { buildGraphMessage } from '../../../message/build';
import type { MessageOperationSpec, PreparedItem } from '../types';
import { readReply, type ReplyFields } from './read';

/** What recipients of a reply sent with Graph's reply action get; Graph does not return them. */
export const DERIVED_RECIPIENTS =
	"as Outlook derives them: the original's Reply-To, else its sender; Reply to All adds its To and CC recipients (not the sender mailbox)";

/** Reply: answer a message of the sender mailbox (its sender, or everyone on it), in its conversation. */
export function planReplyItem(fields: ReplyFields): PreparedItem {
	const { index, sender, input, target, attachments, quote, dryRun, passThroughBinary } = fields;
	const identity = { messageId: messageIdFor(input, sender), quote };
	const planned = planReply(sender, buildGraphMessage(input), target, attachments, identity);
	const plan = confirmed(planned, fields.confirm);
	return { index, operation: 'reply', sender, input, attachments, plan, dryRun, passThroughBinary };
}

/**
 * The output's message fields for a reply: the recipients and subject Graph returned on the reply draft; after the
 * one-request reply action (which returns nothing) how Outlook derives them, and the CC/BCC the item added.
 */
export function replySummary(item: PreparedItem, delivery?: Delivery): IDataObject {
	const step = item.plan.steps.find(
		(s) => s.kind === 'messageAction' || s.kind === 'createActionDraft',
	);
	const target = step && 'target' in step ? step.target : undefined;
	const summary: IDataObject = {
		sender: item.sender,
		repliedToMessageId: target?.messageId ?? null,
		replyAll: target?.replyAll ?? false,
	};
	const known = delivery?.reply;
	const added = {
		addedCcRecipients: item.input.cc.map(formatRecipient),
		addedBccRecipients: item.input.bcc.map(formatRecipient),
	};
	// The draft path names them from Graph's answer; the one-request path from the original it read.
	if (known) return { ...summary, ...known, ...(step?.kind === 'messageAction' ? added : {}) };
	return {
		...summary,
		recipients: DERIVED_RECIPIENTS,
		addedCcRecipients: item.input.cc.map(formatRecipient),
		addedBccRecipients: item.input.bcc.map(formatRecipient),
	};
}

export const reply: MessageOperationSpec<ReplyFields> = {
	kind: 'message',
	read: readReply,
	plan: planReplyItem,
	summary: replySummary,
};
