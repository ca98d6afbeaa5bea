import type { AttachmentSource } from './attachments';
import type { InternetHeader } from './headers';
import { toGraphRecipients, type Recipient } from '../../shared/address/recipients';

/**
 * Everything one item asks for, validated. Pure data: no I/O happens in this module; delivery/
 * plans the requests.
 */
export interface MessageInput {
	subject: string;
	/**
	 * htmlAndText: bodyContent is the HTML, textContent the plain-text alternative
	 * (multipart/alternative).
	 */
	bodyContentType: 'html' | 'text' | 'htmlAndText';
	bodyContent: string;
	textContent?: string;
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
 * The `message` resource for sendMail or a draft, without attachments
 * (https://learn.microsoft.com/graph/api/resources/message).
 */
export function buildGraphMessage(input: MessageInput): GraphMessage {
	const message: GraphMessage = {
		subject: input.subject,
		body: {
			contentType: input.bodyContentType === 'text' ? 'Text' : 'HTML',
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
	// Graph refuses an empty internetMessageHeaders array, so it is left out.
	if (input.headers.length)
		message.internetMessageHeaders = input.headers.map((h) => ({ name: h.name, value: h.value }));
	return message;
}

/**
 * A fileAttachment as sendMail and `POST …/attachments` take it
 * (https://learn.microsoft.com/graph/api/resources/fileattachment).
 */
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

/**
 * The `AttachmentItem` of createUploadSession
 * (https://learn.microsoft.com/graph/api/attachment-createuploadsession).
 */
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

// Drafts are sent with `…/send`, which has no saveToSentItems parameter
// (https://learn.microsoft.com/graph/api/message-send). MAPI PidTagDeleteAfterSubmit (0x0E01)
// carries it: "the original message is to be deleted after it is sent" ([MS-OXPROPS] 2.669, defined
// in [MS-OXOMSG] 2.2.3.8), set as a Graph single-value extended property on the draft.
const DELETE_AFTER_SUBMIT = { id: 'Boolean 0x0E01', value: 'true' };

/**
 * The message for `POST /users/{id}/messages` (a draft); attachments are added to it afterwards.
 */
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
	// "Specify it only if the parameter is false"
	// (https://learn.microsoft.com/graph/api/user-sendmail).
	return saveToSentItems ? { message: full } : { message: full, saveToSentItems: false };
}
