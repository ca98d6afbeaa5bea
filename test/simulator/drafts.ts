/**
 * Drafts for the large-attachment flow
 * (https://learn.microsoft.com/graph/outlook-large-attachments): create (201), add small
 * attachments (201), get, list, delete (204), send (202, empty body;
 * https://learn.microsoft.com/graph/api/message-send).
 */
import * as crypto from 'node:crypto';
import { deliver, exchangeMessageId, requestAttachment } from './delivery';
import { seededJson } from './replies';
import { holdIfDeferred } from './scheduled';
import { GraphError } from './errors';
import { MIME_BODY, type MailCall } from './mailcall';
import { decodeMimeBody, parseMime, type MimeAttachment } from './mime';
import { emptyResponse, GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import type { Draft, StoredAttachment, User } from './state';
import type { DeliveredAttachment } from './types';
import {
	checkAttachmentShape,
	checkInternetMessageHeaders,
	checkMessageShape,
	checkMessageSize,
	checkRecipientsForSubmission,
	checkSendAs,
	decodeAttachments,
	decodeFileAttachment,
	type DecodedAttachment,
	withoutContentBytes,
} from './validation';

/**
 * Attachments of 3 MB or more need an upload session
 * (https://learn.microsoft.com/graph/outlook-large-attachments).
 */
export const INLINE_ATTACHMENT_LIMIT = 3 * 1024 * 1024;

const DRAFTS_FOLDER_ID =
	'AQMkADAwATM0MDAAMi1mZmYAZC1iZDMyLTAwAi0wMAoALgAAAxsim8DraftsFolderAAAAAAEPAAAA';

/**
 * An opaque Exchange-style item id (base64url-ish, trailing '=' like real ones, so callers must
 * URL-encode it).
 */
export function newItemId(): string {
	return `AAMkAG${crypto.randomBytes(60).toString('base64url')}AAA=`;
}

function itemNotFound(): GraphError {
	// Exchange's "not found" for items (EWS ErrorItemNotFound), e.g. after the draft was sent or
	// deleted.
	return new GraphError(
		404,
		'ErrorItemNotFound',
		'The specified object was not found in the store.',
	);
}

export function findDraft(call: MailCall): Draft {
	const draft =
		call.messageId === undefined ? undefined : call.ctx.core.state.drafts.get(call.messageId);
	if (!draft || draft.userId !== call.user.id) throw itemNotFound();
	return draft;
}

function toStored(a: DecodedAttachment): StoredAttachment {
	return {
		id: newItemId(),
		lastModifiedDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
		...requestAttachment(a),
	};
}

function attachmentJson(
	call: MailCall,
	draft: Draft,
	a: StoredAttachment,
	withContext: boolean,
): Record<string, unknown> {
	const json: Record<string, unknown> = {
		'@odata.type': '#microsoft.graph.fileAttachment',
		'@odata.mediaContentType': a.contentType ?? 'application/octet-stream',
		id: a.id,
		lastModifiedDateTime: a.lastModifiedDateTime,
		name: a.name,
		contentType: a.contentType ?? 'application/octet-stream',
		size: a.size,
		isInline: a.isInline,
		contentId: a.contentId ?? null,
		contentLocation: null,
	};
	if (a.bytes) json.contentBytes = a.bytes.toString('base64');
	if (withContext) {
		json['@odata.context'] =
			`${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages('${encodeURIComponent(draft.id)}')/attachments/$entity`;
	}
	return json;
}

function bodyPreview(content: unknown): string {
	const text = typeof content === 'string' ? content.replace(/<[^>]*>/g, ' ') : '';
	return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/**
 * The Message-ID and Outlook web link Graph reports for a draft (also listed by the drafts control
 * endpoint).
 */
export function draftIdentity(
	draft: Draft,
	user: User,
): { internetMessageId: string; webLink: string } {
	return {
		// Set by the client or at creation; reply drafts (replies.ts) get one derived from the thread.
		internetMessageId:
			draft.internetMessageId ??
			`<${draft.conversationId.slice(0, 24)}@${user.mail.split('@')[1] ?? 'example.com'}>`,
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(draft.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
	};
}

export function draftJson(
	call: MailCall,
	draft: Draft,
	withContext: boolean,
): Record<string, unknown> {
	const m = draft.message;
	const body = (m.body ?? {}) as { contentType?: string; content?: string };
	const json: Record<string, unknown> = {
		'@odata.etag': `W/"${draft.changeKey}"`,
		id: draft.id,
		createdDateTime: draft.createdDateTime,
		lastModifiedDateTime: draft.lastModifiedDateTime,
		changeKey: draft.changeKey,
		categories: m.categories ?? [],
		receivedDateTime: draft.createdDateTime,
		sentDateTime: draft.createdDateTime,
		hasAttachments: draft.attachments.some((a) => !a.isInline),
		internetMessageId: draftIdentity(draft, call.user).internetMessageId,
		subject: m.subject ?? '',
		bodyPreview: bodyPreview(body.content),
		importance: typeof m.importance === 'string' ? m.importance.toLowerCase() : 'normal',
		parentFolderId: DRAFTS_FOLDER_ID,
		conversationId: draft.conversationId,
		isDeliveryReceiptRequested: m.isDeliveryReceiptRequested ?? false,
		isReadReceiptRequested: m.isReadReceiptRequested ?? false,
		isRead: true,
		isDraft: true,
		webLink: draftIdentity(draft, call.user).webLink,
		inferenceClassification: 'focused',
		body: { contentType: (body.contentType ?? 'text').toLowerCase(), content: body.content ?? '' },
		sender: m.sender ?? null,
		from: m.from ?? null,
		toRecipients: m.toRecipients ?? [],
		ccRecipients: m.ccRecipients ?? [],
		bccRecipients: m.bccRecipients ?? [],
		replyTo: m.replyTo ?? [],
		flag: m.flag ?? { flagStatus: 'notFlagged' },
	};
	if (withContext) {
		return {
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages/$entity`,
			...json,
		};
	}
	return json;
}

function fromMime(a: MimeAttachment): DecodedAttachment {
	const { name, contentType, bytes, isInline, contentId, sha256 } = a;
	return { name, contentType, bytes, isInline, contentId, sha256 };
}

/**
 * The draft's content from JSON, or from MIME
 * (https://learn.microsoft.com/graph/api/user-post-messages, "Create a message in MIME format").
 */
async function draftContent(call: MailCall) {
	const body = call.body ?? {};
	if (typeof body[MIME_BODY] === 'string') {
		const parsed = await parseMime(decodeMimeBody(body[MIME_BODY]));
		const attachments = parsed.attachments.map((a) => toStored(fromMime(a)));
		return {
			message: parsed.message,
			attachments,
			messageId: parsed.internetMessageId,
			mime: parsed.summary,
		};
	}
	const msg = checkMessageShape(body);
	checkInternetMessageHeaders(msg);
	const attachments = decodeAttachments(msg).map(toStored);
	const message = withoutContentBytes(msg);
	delete message.attachments;
	// internetMessageId is "Updatable only if isDraft = true"
	// (https://learn.microsoft.com/graph/api/resources/message), so a new draft takes it.
	const given = typeof msg.internetMessageId === 'string' ? msg.internetMessageId : undefined;
	return { message, attachments, messageId: given, mime: undefined };
}

/**
 * `POST /users/{id}/messages` → 201 + message (Mail.ReadWrite). Recipients may be empty on a draft.
 */
export async function createDraft(call: MailCall): Promise<SimResponse> {
	const content = await draftContent(call);
	const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	const draft: Draft = {
		id: newItemId(),
		userId: call.user.id,
		message: content.message,
		attachments: content.attachments,
		createdDateTime: now,
		lastModifiedDateTime: now,
		changeKey: crypto.randomBytes(18).toString('base64'),
		conversationId: `AAQkAG${crypto.randomBytes(30).toString('base64url')}=`,
		// Under 'overwrite' Exchange ignores the client's Message-ID and the answer shows its own
		// (types.ts).
		internetMessageId:
			call.ctx.core.settings.messageIds === 'keep'
				? (content.messageId ?? exchangeMessageId())
				: exchangeMessageId(),
	};
	if (content.mime) draft.mime = content.mime;
	const state = call.ctx.core.state;
	state.drafts.set(draft.id, draft);
	state.counters.draftsCreated += 1;
	return jsonResponse(201, draftJson(call, draft, true), {}, GRAPH_JSON_CONTENT_TYPE);
}

/**
 * `PATCH /users/{id}/messages/{id}` → 200 + message
 * (https://learn.microsoft.com/graph/api/message-update): writable properties replace the draft's;
 * extended properties are added to the ones it has
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties).
 */
export function updateMessage(call: MailCall): SimResponse {
	const draft = findDraft(call);
	const patch = checkMessageShape(call.body ?? {});
	checkInternetMessageHeaders(patch);
	const { singleValueExtendedProperties: added, ...rest } = withoutContentBytes(patch);
	const existing = (draft.message.singleValueExtendedProperties as unknown[] | undefined) ?? [];
	draft.message = { ...draft.message, ...rest };
	if (Array.isArray(added)) draft.message.singleValueExtendedProperties = [...existing, ...added];
	const keep = call.ctx.core.settings.messageIds === 'keep';
	if (keep && typeof rest.internetMessageId === 'string')
		draft.internetMessageId = rest.internetMessageId;
	draft.lastModifiedDateTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	return jsonResponse(200, draftJson(call, draft, true), {}, GRAPH_JSON_CONTENT_TYPE);
}

/** A draft, or a received message seeded for the reply actions (replies.ts). */
export function getMessage(call: MailCall): SimResponse {
	const seeded = call.ctx.core.state.seededMessages.get(call.messageId ?? '');
	if (seeded && seeded.userId === call.user.id)
		return jsonResponse(200, seededJson(seeded), {}, GRAPH_JSON_CONTENT_TYPE);
	return jsonResponse(200, draftJson(call, findDraft(call), true), {}, GRAPH_JSON_CONTENT_TYPE);
}

export function listMessages(call: MailCall): SimResponse {
	const drafts = [...call.ctx.core.state.drafts.values()].filter((d) => d.userId === call.user.id);
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages`,
			value: drafts.map((d) => draftJson(call, d, false)),
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}

export function deleteMessage(call: MailCall): SimResponse {
	const draft = findDraft(call);
	removeDraft(call, draft);
	call.ctx.core.state.counters.draftsDeleted += 1;
	return emptyResponse(204);
}

function removeDraft(call: MailCall, draft: Draft): void {
	const state = call.ctx.core.state;
	state.drafts.delete(draft.id);
	for (const [id, session] of state.uploads)
		if (session.draftId === draft.id) state.uploads.delete(id);
}

/**
 * `POST /users/{id}/messages/{id}/attachments` with a fileAttachment under 3 MB → 201
 * (https://learn.microsoft.com/graph/outlook-large-attachments step 4).
 */
export function addAttachment(call: MailCall): SimResponse {
	const draft = findDraft(call);
	const value = call.body ?? {};
	checkAttachmentShape(value);
	const decoded = decodeFileAttachment(value);
	if (decoded.bytes.length >= INLINE_ATTACHMENT_LIMIT) {
		// Exact code unverified (Microsoft documents only the "under 3 MB" rule,
		// https://learn.microsoft.com/graph/outlook-large-attachments).
		throw new GraphError(
			400,
			'ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize',
			'The attachment size exceeds the maximum size allowed for this request. Use an upload session for attachments of 3 MB or more.',
		);
	}
	const stored = toStored(decoded);
	draft.attachments.push(stored);
	draft.lastModifiedDateTime = stored.lastModifiedDateTime;
	return jsonResponse(201, attachmentJson(call, draft, stored, true), {}, GRAPH_JSON_CONTENT_TYPE);
}

export function listAttachments(call: MailCall): SimResponse {
	const draft = findDraft(call);
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages('${encodeURIComponent(draft.id)}')/attachments`,
			value: draft.attachments.map((a) => attachmentJson(call, draft, a, false)),
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}

function deliveredAttachment(a: StoredAttachment): DeliveredAttachment {
	return {
		name: a.name,
		contentType: a.contentType,
		size: a.size,
		isInline: a.isInline,
		contentId: a.contentId,
		sha256: a.sha256,
		via: a.via,
		bytes: a.bytes,
	};
}

/**
 * `POST /users/{id}/messages/{id}/send` (Mail.Send) → 202, empty body; the draft leaves Drafts, so
 * sending it again gives 404 ErrorItemNotFound
 * (https://learn.microsoft.com/graph/outlook-large-attachments step 5,
 * https://learn.microsoft.com/graph/api/message-send).
 */
export function sendDraft(call: MailCall): SimResponse {
	const draft = findDraft(call);
	checkRecipientsForSubmission(draft.message);
	checkSendAs(draft.message, call.user);
	const message = {
		...draft.message,
		attachments: draft.attachments.map((a) => ({
			'@odata.type': '#microsoft.graph.fileAttachment',
			name: a.name,
			contentType: a.contentType,
			size: a.size,
			isInline: a.isInline,
			contentId: a.contentId,
		})),
	};
	const attachmentBytes = draft.attachments.reduce((n, a) => n + a.size, 0);
	checkMessageSize(draft.message, attachmentBytes, call.user);
	const internetMessageHeaders = checkInternetMessageHeaders(draft.message);
	const submit = () => {
		deliver(call.ctx, {
			user: call.user,
			clientId: call.token.clientId,
			via: 'draft',
			message,
			saveToSentItems: !deletesAfterSubmit(draft.message),
			attachments: draft.attachments.map(deliveredAttachment),
			internetMessageHeaders,
			internetMessageId: draftIdentity(draft, call.user).internetMessageId,
			mime: draft.mime,
			itemId: draft.id,
		});
		removeDraft(call, draft);
	};
	// A deferred send time still ahead: Exchange holds the sent draft until then (scheduled.ts).
	if (!holdIfDeferred(call.ctx.core, draft, submit)) submit();
	return emptyResponse(202);
}

/**
 * PidTagDeleteAfterSubmit (0x0E01, PtypBoolean) "indicates that the original message is to be
 * deleted after it is sent" ([MS-OXPROPS] 2.669, defined in [MS-OXOMSG] 2.2.3.8), so no copy stays
 * in Sent Items. Graph sets it as a single-value extended property with id "Boolean 0x0E01"
 * (https://learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty).
 */
function deletesAfterSubmit(message: Record<string, unknown>): boolean {
	const props = message.singleValueExtendedProperties;
	if (!Array.isArray(props)) return false;
	return props.some((p: { id?: unknown; value?: unknown }) => {
		const id = typeof p?.id === 'string' ? p.id.replace(/\s+/g, ' ').trim().toLowerCase() : '';
		return id === 'boolean 0x0e01' && String(p.value).toLowerCase() === 'true';
	});
}

export function attachUploaded(draft: Draft, attachment: StoredAttachment): void {
	draft.attachments.push(attachment);
	draft.lastModifiedDateTime = attachment.lastModifiedDateTime;
}
