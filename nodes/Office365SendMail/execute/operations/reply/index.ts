import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	dedupeRecipients,
	formatRecipient,
	parseRecipients,
} from '../../../../shared/address/recipients';
import type { GraphSettings } from '../../../../shared/credential/settings';
import { InputError } from '../../../../shared/text/inputError';
import type { Delivery } from '../../../delivery/execute';
import { messageIdFor } from '../../../delivery/identity';
import { planReply } from '../../../delivery/replyPlan';
import { graphMessageIdOf, type ReplyTarget } from '../../../delivery/replyTarget';
import type { AttachmentSource } from '../../../message/attachments';
import { buildGraphMessage, type MessageInput } from '../../../message/build';
import { asBoolean, asText } from '../../../message/fields';
import {
	attachmentsOf,
	commonInput,
	confirmedIfAsked,
	itemFlags,
	optionsAndSender,
} from '../sharedReaders';
import type { MessageOperationSpec, PreparedItem } from '../types';
import { MAX_RECIPIENTS } from '../../../../shared/address/limits';

/** Reply's fields, read and checked: everything its plan is made from. */
export interface ReplyFields {
	index: number;
	sender: string;
	target: ReplyTarget;
	input: MessageInput;
	attachments: AttachmentSource[];
	/** The new content goes above the quoted original (Quote Original, on by default). */
	quote: boolean;
	/**
	 * The item's Options: Confirm Message-ID and the run flags are checked after the message, in
	 * plan.
	 */
	options: IDataObject;
}

function targetOf(ctx: IExecuteFunctions, index: number): ReplyTarget {
	const messageId = graphMessageIdOf(ctx.getNodeParameter('messageId', index, ''));
	const replyAll = asBoolean(ctx.getNodeParameter('replyAll', index, false), 'Reply to All');
	return { messageId, replyAll: replyAll ?? false };
}

function bodyOf(ctx: IExecuteFunctions, index: number) {
	const bodyType = ctx.getNodeParameter('bodyContentType', index, 'html') || 'html';
	if (bodyType === 'htmlAndText')
		throw new InputError(
			'Body Content Type',
			"HTML and Text needs a MIME message, and Graph's reply actions (reply, createReply) take one body type: choose HTML or Text. To send HTML and Text in the thread, use Send with In-Reply-To set to the original's Message-ID.",
		);
	if (bodyType !== 'html' && bodyType !== 'text')
		throw new InputError(
			'Body Content Type',
			`Must be html or text, got ${JSON.stringify(bodyType).slice(0, 40)}.`,
		);
	const bodyContent = asText(ctx.getNodeParameter('bodyContent', index, ''), 'Body');
	return { bodyContentType: bodyType, bodyContent } as const;
}

/** CC and BCC add to the recipients Outlook derives from the original message. */
function additionsOf(options: IDataObject): Pick<MessageInput, 'to' | 'cc' | 'bcc'> {
	const [cc, bcc] = dedupeRecipients([
		parseRecipients(options.ccRecipients, 'CC'),
		parseRecipients(options.bccRecipients, 'BCC'),
	]);
	if (cc.length + bcc.length > MAX_RECIPIENTS)
		throw new InputError(
			'CC',
			`${cc.length + bcc.length} recipients across CC and BCC; Exchange Online accepts at most ${MAX_RECIPIENTS} per message.`,
		);
	return { to: [], cc, bcc };
}

/** Reply: the message answered, the reply's content, and the CC/BCC it adds. */
export async function readReply(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<ReplyFields> {
	const { options, sender } = optionsAndSender(ctx, index, settings);
	// Fields are checked in the editor's order, so the first problem reported is the first one on
	// screen.
	const target = targetOf(ctx, index);
	const body = bodyOf(ctx, index);
	const input: MessageInput = {
		...additionsOf(options),
		subject: '',
		...body,
		...commonInput(options, sender, settings),
		// Graph's reply action always keeps the reply in Sent Items
		// (https://learn.microsoft.com/graph/api/message-reply).
		saveToSentItems: true,
	};
	const attachments = await attachmentsOf(ctx, index, options);
	if (!input.bodyContent.trim() && !attachments.length)
		throw new InputError('Body', 'Empty, and there are no attachments: nothing to reply with.');
	const quote = asBoolean(options.quoteOriginal, 'Quote Original') ?? true;
	return {
		index,
		sender,
		target,
		input,
		attachments,
		quote,
		options,
	};
}

/** What recipients of a reply sent with Graph's reply action get; Graph does not return them. */
export const DERIVED_RECIPIENTS =
	"as Outlook derives them: the original's Reply-To, else its sender; Reply to All adds its To and CC recipients (not the sender mailbox)";

/**
 * Reply: answer a message of the sender mailbox (its sender, or everyone on it), in its
 * conversation.
 */
export function planReplyItem(fields: ReplyFields): PreparedItem {
	const { index, sender, input, target, attachments, quote, options } = fields;
	const identity = { messageId: messageIdFor(input, sender), quote };
	const planned = planReply(sender, buildGraphMessage(input), target, attachments, identity);
	const plan = confirmedIfAsked(planned, options);
	return { index, operation: 'reply', sender, input, attachments, plan, ...itemFlags(options) };
}

/**
 * The output's message fields for a reply: the recipients and subject Graph returned on the reply
 * draft; after the one-request reply action (which returns nothing) how Outlook derives them, and
 * the CC/BCC the item added.
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
