import type { AttachmentSource } from './attachments';
import { UPLOAD_SESSION_MIN_BYTES } from './attachments';
import type { InternetHeader } from './headers';
import { toGraphRecipients, type Recipient } from './recipients';

/** Everything one item asks for, validated. Pure data: no I/O happens in this module. */
export interface MessageInput {
	subject: string;
	bodyContentType: 'html' | 'text';
	bodyContent: string;
	to: Recipient[];
	cc: Recipient[];
	bcc: Recipient[];
	replyTo: Recipient[];
	from?: Recipient;
	importance?: 'low' | 'normal' | 'high';
	isReadReceiptRequested?: boolean;
	isDeliveryReceiptRequested?: boolean;
	categories: string[];
	headers: InternetHeader[];
	saveToSentItems: boolean;
}

export type GraphMessage = Record<string, unknown>;

/**
 * Graph's whole-request cap is "4 MB" (reference §2.1); stay a little under 4 MiB so that a request we
 * consider small never meets the 413.
 */
export const MAX_SINGLE_REQUEST_BYTES = 4 * 1024 * 1024 - 16 * 1024;

/** The `message` resource for sendMail or a draft, without attachments (learn: resources/message). */
export function buildGraphMessage(input: MessageInput): GraphMessage {
	const message: GraphMessage = {
		subject: input.subject,
		body: {
			contentType: input.bodyContentType === 'html' ? 'HTML' : 'Text',
			content: input.bodyContent,
		},
		toRecipients: toGraphRecipients(input.to),
	};
	if (input.cc.length) message.ccRecipients = toGraphRecipients(input.cc);
	if (input.bcc.length) message.bccRecipients = toGraphRecipients(input.bcc);
	if (input.replyTo.length) message.replyTo = toGraphRecipients(input.replyTo);
	if (input.from) message.from = toGraphRecipients([input.from])[0];
	if (input.importance) message.importance = input.importance;
	if (input.isReadReceiptRequested !== undefined)
		message.isReadReceiptRequested = input.isReadReceiptRequested;
	if (input.isDeliveryReceiptRequested !== undefined)
		message.isDeliveryReceiptRequested = input.isDeliveryReceiptRequested;
	if (input.categories.length) message.categories = input.categories;
	// An empty internetMessageHeaders array is refused by Graph, so it is left out (reference §1.3).
	if (input.headers.length)
		message.internetMessageHeaders = input.headers.map((h) => ({ name: h.name, value: h.value }));
	return message;
}

/** A fileAttachment as sendMail and `POST …/attachments` take it (learn: resources/fileattachment). */
export function fileAttachmentJson(
	source: AttachmentSource,
	bytes: Buffer,
): Record<string, unknown> {
	const json: Record<string, unknown> = {
		'@odata.type': '#microsoft.graph.fileAttachment',
		name: source.name,
		contentType: source.contentType,
		contentBytes: bytes.toString('base64'),
	};
	if (source.inline) {
		json.isInline = true;
		json.contentId = source.contentId;
	}
	return json;
}

/** The `AttachmentItem` of createUploadSession (learn: attachment-createuploadsession). */
export function uploadSessionItem(source: AttachmentSource): Record<string, unknown> {
	const item: Record<string, unknown> = {
		attachmentType: 'file',
		name: source.name,
		size: source.size,
		contentType: source.contentType,
	};
	if (source.inline) {
		item.isInline = true;
		item.contentId = source.contentId;
	}
	return { AttachmentItem: item };
}

// Drafts are sent with `…/send`, which has no saveToSentItems parameter (learn: message-send). MAPI
// PidTagDeleteAfterSubmit (0x0E01) carries it: "if set to 0x01, the message is deleted after the message is
// sent" ([MS-OXOMSG] 3.3.5.1.3), set as a Graph single-value extended property on the draft.
const DELETE_AFTER_SUBMIT = { id: 'Boolean 0x0E01', value: 'true' };

/** The message for `POST /users/{id}/messages` (a draft); attachments are added to it afterwards. */
export function draftMessage(message: GraphMessage, saveToSentItems: boolean): GraphMessage {
	return saveToSentItems
		? message
		: { ...message, singleValueExtendedProperties: [DELETE_AFTER_SUBMIT] };
}

export function sendMailBody(
	message: GraphMessage,
	saveToSentItems: boolean,
	attachments?: Record<string, unknown>[],
): Record<string, unknown> {
	const full = attachments && attachments.length ? { ...message, attachments } : message;
	// "Specify it only if the parameter is false" (learn: user-sendmail).
	return saveToSentItems ? { message: full } : { message: full, saveToSentItems: false };
}

function base64Length(bytes: number): number {
	return 4 * Math.ceil(bytes / 3);
}

/** Upper bound of a fileAttachment's JSON size without reading the bytes. */
function attachmentJsonBytes(source: AttachmentSource): number {
	return (
		base64Length(source.size) +
		Buffer.byteLength(JSON.stringify({ ...uploadSessionItem(source), contentBytes: '' }), 'utf8') +
		128
	);
}

export type DeliveryPlan =
	| { kind: 'sendMail'; attachments: AttachmentSource[]; estimatedBytes: number }
	| {
			kind: 'draft';
			direct: AttachmentSource[];
			uploadSession: AttachmentSource[];
			estimatedBytes: number;
	  };

/**
 * One sendMail call when the whole request fits (needs only Mail.Send); otherwise a draft with attachments
 * added directly (< 3 MB) or through upload sessions (≥ 3 MB), then send (needs Mail.ReadWrite too).
 */
export function planDelivery(
	message: GraphMessage,
	saveToSentItems: boolean,
	attachments: AttachmentSource[],
): DeliveryPlan {
	const base = Buffer.byteLength(JSON.stringify(sendMailBody(message, saveToSentItems)), 'utf8');
	const estimatedBytes = base + attachments.reduce((sum, a) => sum + attachmentJsonBytes(a), 0);
	const anyLarge = attachments.some((a) => a.size >= UPLOAD_SESSION_MIN_BYTES);
	if (!anyLarge && estimatedBytes <= MAX_SINGLE_REQUEST_BYTES)
		return { kind: 'sendMail', attachments, estimatedBytes };
	return {
		kind: 'draft',
		direct: attachments.filter((a) => a.size < UPLOAD_SESSION_MIN_BYTES),
		uploadSession: attachments.filter((a) => a.size >= UPLOAD_SESSION_MIN_BYTES),
		estimatedBytes,
	};
}
