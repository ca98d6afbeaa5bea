/**
 * Messages seeded into a mailbox and Graph's reply actions on them:
 * reply / replyAll (202, Mail.Send; learn.microsoft.com/graph/api/message-reply, message-replyall)
 * and createReply / createReplyAll (201 + draft, Mail.ReadWrite;
 * learn.microsoft.com/graph/api/message-createreply, message-createreplyall). A reply draft is an
 * ordinary draft: attachments, upload sessions and send (drafts.ts).
 */
import * as crypto from 'node:crypto';
import { draftJson, newItemId } from './drafts';
import { GraphError } from './errors';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import type { MailCall } from './mailcall';
import { submitJsonMessage } from './sendmail';
import type { Draft, SimState } from './state';
import {
	checkInternetMessageHeaders,
	checkMessageShape,
	decodeAttachments,
	withoutContentBytes,
} from './validation';

export interface SeedAddress {
	address: string;
	name?: string;
}

/** A received message to seed into a mailbox (control API `seedMessage`). */
export interface SeedMessageConfig {
	/** UPN, SMTP address or object id of the mailbox that holds the message. */
	mailbox: string;
	/** Graph id; default a new Exchange-style id. */
	id?: string;
	from: SeedAddress;
	to?: SeedAddress[];
	cc?: SeedAddress[];
	replyTo?: SeedAddress[];
	subject: string;
	/** RFC 5322 Message-ID with brackets; default a new one. */
	internetMessageId?: string;
	conversationId?: string;
	/** The original's References header, oldest first. */
	references?: string[];
	/** The original's HTML body; default a short paragraph. */
	body?: string;
	/** When the original was sent (ISO); default now. */
	sentDateTime?: string;
}

export interface SeededMessage extends Required<Omit<SeedMessageConfig, 'mailbox'>> {
	userId: string;
}

// MAPI properties Exchange sets on a reply ([MS-OXOMSG] 2.2.1.24 PidTagInReplyToId, 2.2.1.26
// PidTagInternetReferences), as Graph single-value extended properties: they become the In-Reply-To
// and References headers of the sent reply. The outbox keeps them on the message.
export const IN_REPLY_TO_PROPERTY = 'String 0x1042';
export const REFERENCES_PROPERTY = 'String 0x1039';

export function seedMessage(state: SimState, config: SeedMessageConfig): string {
	const user = state.findUserAnywhere(config.mailbox);
	if (!user) throw new Error(`unknown mailbox ${config.mailbox}`);
	const id = config.id ?? newItemId();
	const domain = config.from.address.split('@')[1] ?? 'example.com';
	state.seededMessages.set(id, {
		id,
		userId: user.id,
		from: config.from,
		to: config.to ?? [],
		cc: config.cc ?? [],
		replyTo: config.replyTo ?? [],
		subject: config.subject,
		internetMessageId:
			config.internetMessageId ?? `<${crypto.randomBytes(12).toString('hex')}@${domain}>`,
		conversationId:
			config.conversationId ?? `AAQkAG${crypto.randomBytes(30).toString('base64url')}=`,
		references: config.references ?? [],
		body: config.body ?? '<p>Original message text</p>',
		sentDateTime: config.sentDateTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
	});
	return id;
}

function original(call: MailCall): SeededMessage {
	const found =
		call.messageId === undefined
			? undefined
			: call.ctx.core.state.seededMessages.get(call.messageId);
	// Exchange's "not found" for items of another mailbox or unknown ids (same shape as drafts.ts).
	if (!found || found.userId !== call.user.id)
		throw new GraphError(
			404,
			'ErrorItemNotFound',
			'The specified object was not found in the store.',
		);
	return found;
}

function recipients(list: SeedAddress[]) {
	return list.map((a) => ({ emailAddress: a.name ? { ...a } : { address: a.address } }));
}

/**
 * Outlook's reply addressing: To = the original's replyTo, else its from
 * (https://learn.microsoft.com/graph/api/message-reply, "per RFC 2822"); Reply All adds the
 * original's To and CC as CC, without the replying mailbox and without duplicates. Outlook puts the
 * original To into To and CC into CC for Reply All (assumption: Outlook on the web behaviour).
 */
function addressing(m: SeededMessage, replyAll: boolean, self: string[]) {
	const seen = new Set(self.map((a) => a.toLowerCase()));
	const keep = (list: SeedAddress[]) =>
		list.filter((a) => {
			const key = a.address.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
	const to = keep(m.replyTo.length ? m.replyTo : [m.from]);
	if (!replyAll) return { to, cc: [] as SeedAddress[] };
	return { to: [...to, ...keep(m.to)], cc: keep(m.cc) };
}

/**
 * "RE: " once, as Outlook prefixes reply subjects (not repeated when the original already has it).
 */
function replySubject(subject: string): string {
	return /^re:\s/i.test(subject) ? subject : `RE: ${subject}`;
}

/**
 * `comment` and `message.body` together → 400 (https://learn.microsoft.com/graph/api/message-reply
 * "Specifying both will return ... 400").
 */
function requestMessage(call: MailCall): Record<string, unknown> {
	const body = call.body ?? {};
	const message = body.message === undefined ? {} : checkMessageShape(body.message);
	if (body.comment !== undefined && message.body !== undefined) {
		// Code and text are assumptions: the docs give only the status.
		throw new GraphError(
			400,
			'ErrorInvalidRequest',
			'Specify either a comment or the body property of the message, not both.',
		);
	}
	if (body.comment !== undefined && typeof body.comment !== 'string')
		throw new GraphError(400, 'BadRequest', "Invalid value for parameter 'Comment'.");
	return { ...message, comment: body.comment };
}

function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

function headerAddress(a: SeedAddress): string {
	return escapeHtml(a.name ? `${a.name} <${a.address}>` : a.address);
}

/**
 * The quoted original Outlook puts under a reply: a rule, a header block (From, Sent, To, Cc,
 * Subject) and the original body. `comment` goes above it; a `message.body` replaces the whole body
 * instead (learn.microsoft.com/graph/api/message-reply: "Specify either a comment or the body
 * property of the message parameter"; dust-tt/dust#18291 found the history gone with message.body).
 * The markup follows Outlook on the web's divRplyFwdMsg block; its exact HTML is an assumption
 * (README).
 */
export function quotedReplyBody(m: SeededMessage, comment: string): string {
	const rows = [
		`<b>From:</b> ${headerAddress(m.from)}`,
		`<b>Sent:</b> ${escapeHtml(m.sentDateTime)}`,
		`<b>To:</b> ${m.to.map(headerAddress).join('; ')}`,
		...(m.cc.length ? [`<b>Cc:</b> ${m.cc.map(headerAddress).join('; ')}`] : []),
		`<b>Subject:</b> ${escapeHtml(m.subject)}`,
	];
	return (
		`<html><head></head><body><div>${comment}</div>` +
		'<hr style="display:inline-block;width:98%" tabindex="-1">' +
		`<div id="divRplyFwdMsg" dir="ltr">${rows.join('<br>')}</div><br>` +
		`<div>${m.body}</div></body></html>`
	);
}

/**
 * The reply as Exchange composes it: derived addressing and subject, the request's properties, the
 * thread.
 */
function composeReply(call: MailCall, replyAll: boolean): Record<string, unknown> {
	const m = original(call);
	const request = requestMessage(call);
	const { comment, ...props } = request;
	const derived = addressing(m, replyAll, [call.user.mail, call.user.userPrincipalName]);
	const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : []);
	const references = [...m.references, m.internetMessageId].join(' ');
	return {
		...props,
		subject: replySubject(m.subject),
		body: props.body ?? {
			contentType: 'HTML',
			content: quotedReplyBody(m, typeof comment === 'string' ? comment : ''),
		},
		// https://learn.microsoft.com/graph/api/message-reply example 1 "adds a recipient to the reply
		// message".
		toRecipients: [...recipients(derived.to), ...list(props.toRecipients)],
		ccRecipients: [...recipients(derived.cc), ...list(props.ccRecipients)],
		conversationId: m.conversationId,
		singleValueExtendedProperties: [
			...list(props.singleValueExtendedProperties),
			{ id: IN_REPLY_TO_PROPERTY, value: m.internetMessageId },
			{ id: REFERENCES_PROPERTY, value: references },
		],
	};
}

/**
 * `POST …/messages/{id}/reply|replyAll` → 202, empty body; the reply is saved to Sent Items
 * (https://learn.microsoft.com/graph/api/message-reply).
 */
export function replyAction(call: MailCall, replyAll: boolean): SimResponse {
	return submitJsonMessage(call, composeReply(call, replyAll), 'reply', true);
}

/**
 * `POST …/messages/{id}/createReply|createReplyAll` → 201 and the reply draft
 * (https://learn.microsoft.com/graph/api/message-createreply).
 */
export function createReplyDraft(call: MailCall, replyAll: boolean): SimResponse {
	const message = composeReply(call, replyAll);
	checkInternetMessageHeaders(message);
	if (decodeAttachments(message).length)
		throw new GraphError(
			400,
			'ErrorInvalidRequest',
			'Add attachments to the draft after creating it.',
		);
	const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	const draft: Draft = {
		id: newItemId(),
		userId: call.user.id,
		message: withoutContentBytes(message),
		attachments: [],
		createdDateTime: now,
		lastModifiedDateTime: now,
		changeKey: crypto.randomBytes(18).toString('base64'),
		conversationId: String(message.conversationId),
	};
	const state = call.ctx.core.state;
	state.drafts.set(draft.id, draft);
	state.counters.draftsCreated += 1;
	return jsonResponse(201, draftJson(call, draft, true), {}, GRAPH_JSON_CONTENT_TYPE);
}

/**
 * A seeded message as `GET /users/{id}/messages/{id}` shows it
 * (learn.microsoft.com/graph/api/message-get).
 */
export function seededJson(m: SeededMessage): Record<string, unknown> {
	return {
		id: m.id,
		subject: m.subject,
		internetMessageId: m.internetMessageId,
		conversationId: m.conversationId,
		sentDateTime: m.sentDateTime,
		isDraft: false,
		from: { emailAddress: { ...m.from } },
		sender: { emailAddress: { ...m.from } },
		toRecipients: recipients(m.to),
		ccRecipients: recipients(m.cc),
		replyTo: recipients(m.replyTo),
		body: { contentType: 'html', content: m.body },
	};
}

/**
 * Route table for graph.ts: action segment (lower case) → handler and whether it needs
 * Mail.ReadWrite.
 */
export const REPLY_ROUTES: Record<
	string,
	{ handler: (c: MailCall) => SimResponse; draft: boolean }
> = {
	reply: { handler: (c) => replyAction(c, false), draft: false },
	replyall: { handler: (c) => replyAction(c, true), draft: false },
	createreply: { handler: (c) => createReplyDraft(c, false), draft: true },
	createreplyall: { handler: (c) => createReplyDraft(c, true), draft: true },
};

/** The thread a delivered reply carries: In-Reply-To, References and the conversation. */
export function threadOf(message: Record<string, unknown>) {
	const props = (message.singleValueExtendedProperties ?? []) as { id: string; value: string }[];
	return {
		inReplyTo: props.find((p) => p.id === IN_REPLY_TO_PROPERTY)?.value,
		references: props.find((p) => p.id === REFERENCES_PROPERTY)?.value,
		conversationId: message.conversationId,
	};
}
