/**
 * Graph's read surface for received messages: the message resource, a folder's messages (newest
 * first), the attachments list and `$value` download, and PATCH of isRead / flag. Drafts keep their
 * handlers in drafts.ts; each route here falls back to them for ids that are not received messages.
 */
import { getMessage, listAttachments, updateMessage } from './drafts';
import { GraphError } from './errors';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import {
	changeMessage,
	findReceived,
	folderId,
	resolveFolder,
	type ReceivedMessage,
} from './inbox';
import type { MailCall } from './mailcall';
import type { SeedAddress } from './replies';
import { listFolderMessages as listSentOrDrafts } from './sentItems';

function itemNotFound(): GraphError {
	return new GraphError(
		404,
		'ErrorItemNotFound',
		'The specified object was not found in the store.',
	);
}

function recipient(a: SeedAddress) {
	return { emailAddress: { name: a.name ?? a.address, address: a.address } };
}

function preview(m: ReceivedMessage): string {
	const text =
		m.body.contentType === 'html' ? m.body.content.replace(/<[^>]*>/g, ' ') : m.body.content;
	return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/**
 * The message resource (https://learn.microsoft.com/graph/api/resources/message).
 * `internetMessageHeaders` is returned only when selected ("returned only on applying a $select
 * query option"); `$select` limits the rest.
 */
export function receivedJson(
	call: MailCall,
	m: ReceivedMessage,
	select?: string[],
): Record<string, unknown> {
	const full: Record<string, unknown> = {
		'@odata.etag': `W/"CQAAABYAAAD${m.seq}"`,
		id: m.id,
		receivedDateTime: m.receivedDateTime,
		sentDateTime: m.receivedDateTime,
		hasAttachments: m.attachments.some((a) => !a.isInline),
		internetMessageId: m.internetMessageId,
		subject: m.subject,
		bodyPreview: preview(m),
		importance: 'normal',
		parentFolderId: folderId(call.user, m.folder),
		conversationId: m.conversationId,
		isRead: m.isRead,
		isDraft: false,
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		body: { contentType: m.body.contentType, content: m.body.content },
		sender: recipient(m.from),
		from: recipient(m.from),
		toRecipients: m.to.map(recipient),
		ccRecipients: m.cc.map(recipient),
		bccRecipients: [],
		replyTo: m.replyTo.map(recipient),
		flag: { flagStatus: m.flagStatus },
	};
	if (!select) return full;
	const json: Record<string, unknown> = { '@odata.etag': full['@odata.etag'], id: m.id };
	for (const name of select) {
		if (name === 'internetMessageHeaders') json[name] = m.headers;
		else if (name in full) json[name] = full[name];
	}
	return json;
}

/** `$select=a,b` as a list (case as Graph's property names); undefined without `$select`. */
export function selectOf(call: MailCall): string[] | undefined {
	const raw = call.ctx.query.get('$select');
	return raw
		? raw
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: undefined;
}

/** `GET /users/{id}/messages/{id}`: a received message, else a draft. */
export function getAnyMessage(call: MailCall) {
	const m = findReceived(call.ctx.core.state, call.user, call.messageId);
	if (!m) return getMessage(call);
	const json = {
		'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages/$entity`,
		...receivedJson(call, m, selectOf(call)),
	};
	return jsonResponse(200, json, {}, GRAPH_JSON_CONTENT_TYPE);
}

/**
 * `PATCH /users/{id}/messages/{id}` on a received message: isRead and flag are writable
 * (https://learn.microsoft.com/graph/api/message-update); the change is a new entry in the folder's
 * change log.
 */
export function patchAnyMessage(call: MailCall): SimResponse {
	const state = call.ctx.core.state;
	const m = findReceived(state, call.user, call.messageId);
	if (!m) return updateMessage(call);
	const body = call.body ?? {};
	for (const key of Object.keys(body)) {
		if (key !== 'isRead' && key !== 'flag')
			// Simulator wording: which properties of a received message Exchange refuses is not modelled.
			throw new GraphError(
				400,
				'ErrorInvalidPropertyUpdateSentMessage',
				`Property ${key} is not writable on a received message in this simulator.`,
			);
	}
	if (body.isRead !== undefined && typeof body.isRead !== 'boolean')
		throw new GraphError(
			400,
			'BadRequest',
			"Cannot convert the literal to the expected type 'Edm.Boolean'.",
		);
	const flag = body.flag as { flagStatus?: ReceivedMessage['flagStatus'] } | undefined;
	changeMessage(state, m.id, {
		isRead: body.isRead as boolean | undefined,
		flagStatus: flag?.flagStatus,
	});
	return jsonResponse(200, receivedJson(call, m), {}, GRAPH_JSON_CONTENT_TYPE);
}

/**
 * `GET /users/{id}/mailFolders/{folder}/messages`: newest first, `$top` 1–1000 (default 10),
 * `$select` (https://learn.microsoft.com/graph/api/mailfolder-list-messages,
 * https://learn.microsoft.com/graph/api/user-list-messages "The default page size is 10 messages.
 * Use $top to customize the page size, within the range of 1 and 1000"). No `@odata.nextLink`: the
 * simulator serves the first page only.
 */
export function listFolderMessages(call: MailCall): SimResponse {
	const folderSegment = call.ctx.segments[4]; // v1.0 / users / {id} / mailFolders / {folder}
	// Sent copies and drafts, and the extended-property filter, are sentItems.ts's (its route reads
	// the folder as id).
	if (/^(sentitems|drafts)$/i.test(folderSegment) || call.ctx.query.has('$filter'))
		return listSentOrDrafts({ ...call, messageId: folderSegment });
	const folder = resolveFolder(call.user, folderSegment);
	const top = Number(call.ctx.query.get('$top') ?? 10);
	if (!Number.isInteger(top) || top < 1 || top > 1000)
		throw new GraphError(
			400,
			'ErrorInvalidUrlQuery',
			`The value '${call.ctx.query.get('$top')}' is not valid for $top.`,
		);
	const order = call.ctx.query.get('$orderby');
	if (order && !/^receivedDateTime( desc)?$/i.test(order))
		throw new GraphError(
			400,
			'BadRequest',
			'The simulator orders folder messages by receivedDateTime desc only.',
		);
	const messages = [...call.ctx.core.state.mailStore.messages.values()]
		.filter((m) => m.userId === call.user.id && m.folder === folder)
		.sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime) || b.seq - a.seq)
		.slice(0, top);
	const select = selectOf(call);
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/mailFolders('${folderSegment}')/messages`,
			value: messages.map((m) => receivedJson(call, m, select)),
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}

/**
 * `GET …/messages/{id}/attachments`: fileAttachments with `contentBytes`, unless `$select` leaves
 * it out (https://learn.microsoft.com/graph/api/message-list-attachments).
 */
export function listAnyAttachments(call: MailCall): SimResponse {
	const m = findReceived(call.ctx.core.state, call.user, call.messageId);
	if (!m) return listAttachments(call);
	const select = selectOf(call);
	const value = m.attachments.map((a) => {
		const json: Record<string, unknown> = {
			'@odata.type': '#microsoft.graph.fileAttachment',
			id: a.id,
			lastModifiedDateTime: a.lastModifiedDateTime,
			name: a.name,
			contentType: a.contentType,
			size: a.bytes.length,
			isInline: a.isInline,
		};
		if (!select || select.includes('contentBytes')) json.contentBytes = a.bytes.toString('base64');
		if (!select) return json;
		return Object.fromEntries(
			Object.entries(json).filter(([k]) => k === '@odata.type' || k === 'id' || select.includes(k)),
		);
	});
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages('${encodeURIComponent(m.id)}')/attachments`,
			value,
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}

/**
 * `GET …/messages/{id}/attachments/{id}/$value`: the raw bytes of a file attachment
 * (https://learn.microsoft.com/graph/api/attachment-get, "Get the raw contents of a file
 * attachment").
 */
export function attachmentValue(call: MailCall): SimResponse {
	const m = findReceived(call.ctx.core.state, call.user, call.messageId);
	const attachmentId = call.ctx.segments[6];
	const a = m?.attachments.find((x) => x.id === attachmentId);
	if (!a) throw itemNotFound();
	return { status: 200, headers: { 'Content-Type': a.contentType }, body: a.bytes };
}
