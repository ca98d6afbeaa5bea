import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	dedupeRecipients,
	MAX_RECIPIENTS,
	parseRecipients,
} from '../../../../shared/address/recipients';
import type { GraphSettings } from '../../../../shared/credential/settings';
import { InputError } from '../../../../shared/text/inputError';
import { confirmationOf, type Confirmation } from '../../../delivery/confirm';
import { graphMessageIdOf, type ReplyTarget } from '../../../delivery/replyTarget';
import type { AttachmentSource } from '../../../message/attachments';
import type { MessageInput } from '../../../message/build';
import { asBoolean, asText } from '../../../message/fields';
import { attachmentsOf, commonInput, itemFlags, optionsAndSender } from '../sharedReaders';
import type { PreparedItem } from '../types';

/** Reply's fields, read and checked: everything its plan is made from. */
export interface ReplyFields extends Pick<PreparedItem, 'dryRun' | 'passThroughBinary'> {
	index: number;
	sender: string;
	target: ReplyTarget;
	input: MessageInput;
	attachments: AttachmentSource[];
	/** The new content goes above the quoted original (Quote Original, on by default). */
	quote: boolean;
	confirm?: Confirmation;
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
	// Fields are checked in the editor's order, so the first problem reported is the first one on screen.
	const target = targetOf(ctx, index);
	const body = bodyOf(ctx, index);
	const input: MessageInput = {
		...additionsOf(options),
		subject: '',
		...body,
		...commonInput(options, sender, settings),
		// Graph's reply action always keeps the reply in Sent Items (https://learn.microsoft.com/graph/api/message-reply).
		saveToSentItems: true,
	};
	const attachments = await attachmentsOf(ctx, index, options);
	if (!input.bodyContent.trim() && !attachments.length)
		throw new InputError('Body', 'Empty, and there are no attachments: nothing to reply with.');
	const quote = asBoolean(options.quoteOriginal, 'Quote Original') ?? true;
	const confirm = confirmationOf(options);
	return {
		index,
		sender,
		target,
		input,
		attachments,
		quote,
		...(confirm ? { confirm } : {}),
		...itemFlags(options),
	};
}
