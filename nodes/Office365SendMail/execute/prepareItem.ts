import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../shared/credential/settings';
import {
	checkAttachmentLimits,
	parsePropertyList,
	type AttachmentSource,
} from '../message/attachments';
import {
	buildGraphMessage,
	planDelivery,
	type DeliveryPlan,
	type GraphMessage,
	type MessageInput,
} from '../message/build';
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
	message: GraphMessage;
	attachments: AttachmentSource[];
	plan: DeliveryPlan;
	dryRun: boolean;
	passThroughBinary: boolean;
}

export async function prepareItem(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<PreparedItem> {
	const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);

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

	const input: MessageInput = {
		subject,
		bodyContentType: bodyType,
		bodyContent,
		to,
		cc,
		bcc,
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

	const message = buildGraphMessage(input);
	return {
		index,
		sender,
		input,
		message,
		attachments,
		plan: planDelivery(message, input.saveToSentItems, attachments),
		dryRun: asBoolean(options.dryRun, 'Dry Run') ?? false,
		passThroughBinary: asBoolean(options.passThroughBinary, 'Pass Through Binary') ?? false,
	};
}
