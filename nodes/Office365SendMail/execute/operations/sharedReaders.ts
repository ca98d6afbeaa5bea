import { Readable } from 'node:stream';

import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	dedupeRecipients,
	parseRecipients,
	type Recipient,
} from '../../../shared/address/recipients';
import { MAX_RECIPIENTS } from '../../../shared/address/limits';
import type { GraphSettings } from '../../../shared/credential/settings';
import { excerpt } from '../../../shared/text/headerSafe';
import { InputError } from '../../../shared/text/inputError';
import { UPLOAD_CHUNK_BYTES } from '../../../shared/transport/uploadSession';
import {
	checkAttachmentLimits,
	checkAttachmentMetadata,
	parsePropertyList,
	type AttachmentSource,
} from '../../message/attachments';
import { confirmationOf, confirmed } from '../../delivery/confirm';
import type { DeliveryPlan } from '../../delivery/plan';
import type { MessageInput } from '../../message/build';
import {
	asBoolean,
	asText,
	categoriesOf,
	fromOf,
	importanceOf,
	senderOf,
	subjectOf,
} from '../../message/fields';
import { parseHeaders } from '../../message/headers';
import type { PreparedItem } from './types';

// The readers of item fields that several operations share; each operation reads its own in its
// folder.

export type Recipients = Pick<MessageInput, 'to' | 'cc' | 'bcc'>;

/**
 * Whether an option was given: n8n leaves an unset option out, and an expression may give null or ''. Every
 * feature reads an absent value as "not asked", so its module is called only for a given one.
 */
export function isGiven(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

export function recipientsOf(
	ctx: IExecuteFunctions,
	index: number,
	options: IDataObject,
): Recipients {
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

export type Content = Pick<
	MessageInput,
	'subject' | 'bodyContentType' | 'bodyContent' | 'textContent'
>;

const BODY_TYPES = ['html', 'text', 'htmlAndText'] as const;

export function contentOf(ctx: IExecuteFunctions, index: number): Content {
	const bodyType = ctx.getNodeParameter('bodyContentType', index, 'html') || 'html';
	if (!BODY_TYPES.includes(bodyType as Content['bodyContentType']))
		throw new InputError(
			'Body Content Type',
			`Must be html, text or htmlAndText, got ${JSON.stringify(bodyType).slice(0, 40)}.`,
		);
	const bodyContentType = bodyType as Content['bodyContentType'];
	const subject = subjectOf(ctx.getNodeParameter('subject', index, ''));
	const bodyContent = asText(ctx.getNodeParameter('bodyContent', index, ''), 'Body');
	// Only HTML and Text has a plain-text part; the parameter is hidden (and ignored) otherwise.
	const textContent =
		bodyContentType === 'htmlAndText'
			? asText(ctx.getNodeParameter('textContent', index, ''), 'Text Body')
			: undefined;
	if (!subject.trim() && !bodyContent.trim() && !textContent?.trim()) {
		throw new InputError(
			'Body',
			'Both Subject and Body are empty: there is nothing to send. Fill in at least one of them.',
		);
	}
	const content: Content = { subject, bodyContentType, bodyContent };
	if (textContent !== undefined) content.textContent = textContent;
	return content;
}

export async function attachmentsOf(
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

/** The item's Options and sender mailbox, which every composed message reads first. */
export function optionsAndSender(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): { options: IDataObject; sender: string } {
	const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);
	return { options, sender };
}

/**
 * The options every composed message shares (send, draft, reply), read and validated in the
 * editor's order.
 */
export function commonInput(
	options: IDataObject,
	sender: string,
	settings: GraphSettings,
): Omit<MessageInput, 'to' | 'cc' | 'bcc' | 'subject' | 'bodyContentType' | 'bodyContent'> {
	return {
		replyTo: replyToOf(options, settings),
		from: fromOf(options, sender, settings),
		importance: importanceOf(options.importance),
		isReadReceiptRequested: asBoolean(options.isReadReceiptRequested, 'Request Read Receipt'),
		isDeliveryReceiptRequested: asBoolean(
			options.isDeliveryReceiptRequested,
			'Request Delivery Receipt',
		),
		categories: categoriesOf(options.categories),
		headers: isGiven(options.headers) ? parseHeaders(options.headers) : [],
		saveToSentItems: asBoolean(options.saveToSentItems, 'Save to Sent Items') ?? true,
	};
}

/**
 * The node's Reply To when it lists anyone, else the credential's Default Reply-To (node values
 * win).
 */
function replyToOf(options: IDataObject, settings: GraphSettings): Recipient[] {
	const given = parseRecipients(options.replyTo, 'Reply To');
	return given.length > 0 ? given : settings.replyTo;
}

/** The plan with what confirms its Message-ID, when the item's Options ask for Confirm Message-ID. */
export function confirmedIfAsked(plan: DeliveryPlan, options: IDataObject): DeliveryPlan {
	return isGiven(options.confirmMessageId) ? confirmed(plan, confirmationOf(options)) : plan;
}

/** Run-shaping flags of an item (not part of the message). */
export function itemFlags(
	options: IDataObject,
): Pick<PreparedItem, 'dryRun' | 'passThroughBinary'> {
	return {
		dryRun: asBoolean(options.dryRun, 'Dry Run') ?? false,
		passThroughBinary: asBoolean(options.passThroughBinary, 'Pass Through Binary') ?? false,
	};
}

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Attachments read through n8n's binary helpers, so memory, filesystem and S3 binary modes all
 * work: binary data stored by id is streamed from its store; in-memory (base64) data is decoded
 * from the item.
 */
export async function binarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
	inline: boolean,
): Promise<AttachmentSource> {
	const binary: IBinaryData = ctx.helpers.assertBinaryData(itemIndex, property);
	let size: number;
	// A Code node can put anything into binary metadata; only text counts.
	let name = textOf(binary.fileName);
	let contentType = textOf(binary.mimeType);
	if (binary.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
		size = metadata.fileSize;
		name = name || textOf(metadata.fileName);
		contentType = contentType || textOf(metadata.mimeType);
	} else {
		if (typeof binary.data !== 'string')
			throw new InputError(field, `Binary property ${excerpt(property)} holds no data.`);
		size = Buffer.byteLength(binary.data, 'base64');
	}
	if (!Number.isFinite(size))
		throw new InputError(
			field,
			`The size of binary property ${excerpt(property)} is unknown; the binary data may be missing.`,
		);
	const source: AttachmentSource = {
		property,
		name: name || property,
		contentType: contentType.trim() || 'application/octet-stream',
		size,
		inline,
		contentId: inline ? property : undefined,
		readAll: () => ctx.helpers.getBinaryDataBuffer(itemIndex, binary),
		// In upload-chunk units: filesystem mode then reads one chunk per read (not 60 × 64 KiB) and
		// has the next chunk read while the current one is being PUT; stores without a chunk size
		// ignore it.
		openStream: async () =>
			binary.id
				? await ctx.helpers.getBinaryStream(binary.id, UPLOAD_CHUNK_BYTES)
				: Readable.from([await ctx.helpers.getBinaryDataBuffer(itemIndex, binary)]),
	};
	// Metadata comes from whichever node made the file; it goes into MIME headers, so it is checked
	// here.
	checkAttachmentMetadata(source, field);
	return source;
}
