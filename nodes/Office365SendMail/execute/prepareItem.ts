import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../shared/credential/settings';
import {
	checkAttachmentLimits,
	parsePropertyList,
	type AttachmentSource,
} from '../message/attachments';
import { planDelivery, type DeliveryPlan } from '../delivery/plan';
import { buildGraphMessage, type MessageInput } from '../message/build';
import {
	asBoolean,
	asText,
	categoriesOf,
	fromOf,
	importanceOf,
	senderOf,
	subjectOf,
} from '../message/fields';
import { parseHeaders } from '../message/headers';
import { InputError } from '../message/inputError';
import { dedupeRecipients, MAX_RECIPIENTS, parseRecipients } from '../message/recipients';
import { binarySource } from './binarySources';

/** One item, fully validated and planned; nothing has been sent. */
export interface PreparedItem {
	index: number;
	sender: string;
	input: MessageInput;
	attachments: AttachmentSource[];
	plan: DeliveryPlan;
	dryRun: boolean;
	passThroughBinary: boolean;
}

type Recipients = Pick<MessageInput, 'to' | 'cc' | 'bcc'>;

function recipientsOf(ctx: IExecuteFunctions, index: number, options: IDataObject): Recipients {
	const [to, cc, bcc] = dedupeRecipients([
		parseRecipients(ctx.getNodeParameter('toRecipients', index, ''), 'To'),
		parseRecipients(options.ccRecipients, 'CC'),
		parseRecipients(options.bccRecipients, 'BCC'),
	]);
	const total = to.length + cc.length + bcc.length;
	if (total === 0)
		throw new InputError('To', 'No recipients: give at least one address in To, CC or BCC.');
	if (total > MAX_RECIPIENTS) {
		throw new InputError(
			'To',
			`${total} recipients across To, CC and BCC; Exchange Online accepts at most ${MAX_RECIPIENTS} per message. Split the list over several items.`,
		);
	}
	return { to, cc, bcc };
}

type Content = Pick<MessageInput, 'subject' | 'bodyContentType' | 'bodyContent'>;

function contentOf(ctx: IExecuteFunctions, index: number): Content {
	const bodyType = ctx.getNodeParameter('bodyContentType', index, 'html') || 'html';
	if (bodyType !== 'html' && bodyType !== 'text')
		throw new InputError(
			'Body Content Type',
			`Must be html or text, got ${JSON.stringify(bodyType)}.`,
		);
	const subject = subjectOf(ctx.getNodeParameter('subject', index, ''));
	const bodyContent = asText(ctx.getNodeParameter('bodyContent', index, ''), 'Body');
	if (!subject.trim() && !bodyContent.trim()) {
		throw new InputError(
			'Body',
			'Both Subject and Body are empty: there is nothing to send. Fill in at least one of them.',
		);
	}
	return { subject, bodyContentType: bodyType, bodyContent };
}

async function attachmentsOf(
	ctx: IExecuteFunctions,
	index: number,
	options: IDataObject,
): Promise<AttachmentSource[]> {
	const available = Object.keys(ctx.getInputData()[index]?.binary ?? {});
	const inlineNames = parsePropertyList(options.inlineImages, 'Inline Images', available);
	const attachmentNames = parsePropertyList(options.attachments, 'Attachments', available).filter(
		(n) => !inlineNames.includes(n),
	);
	const attachments: AttachmentSource[] = [];
	for (const property of attachmentNames)
		attachments.push(await binarySource(ctx, index, property, 'Attachments', false));
	for (const property of inlineNames)
		attachments.push(await binarySource(ctx, index, property, 'Inline Images', true));
	checkAttachmentLimits(
		attachments,
		inlineNames.length ? 'Attachments / Inline Images' : 'Attachments',
	);
	return attachments;
}

/** Reads, validates and plans one item; throws InputError naming the field. */
export async function prepareItem(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<PreparedItem> {
	const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);
	// Fields are checked in the editor's order, so the first problem reported is the first one on screen.
	const recipients = recipientsOf(ctx, index, options);
	const input: MessageInput = {
		...recipients,
		...contentOf(ctx, index),
		replyTo: parseRecipients(options.replyTo, 'Reply To'),
		from: fromOf(options, sender, settings),
		importance: importanceOf(options.importance),
		isReadReceiptRequested: asBoolean(options.isReadReceiptRequested, 'Request Read Receipt'),
		isDeliveryReceiptRequested: asBoolean(
			options.isDeliveryReceiptRequested,
			'Request Delivery Receipt',
		),
		categories: categoriesOf(options.categories),
		headers: parseHeaders(options.headers),
		saveToSentItems: asBoolean(options.saveToSentItems, 'Save to Sent Items') ?? true,
	};
	const attachments = await attachmentsOf(ctx, index, options);
	return {
		index,
		sender,
		input,
		attachments,
		plan: planDelivery(sender, buildGraphMessage(input), input.saveToSentItems, attachments),
		dryRun: asBoolean(options.dryRun, 'Dry Run') ?? false,
		passThroughBinary: asBoolean(options.passThroughBinary, 'Pass Through Binary') ?? false,
	};
}
