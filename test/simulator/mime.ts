/**
 * MIME requests: `POST /users/{id}/sendMail` and `POST /users/{id}/messages` with `Content-Type:
 * text/plain` and the base64 of an RFC 5322 message as the body
 * (learn.microsoft.com/graph/api/user-sendmail, "Send message in MIME format";
 * learn.microsoft.com/graph/api/user-post-messages, "Create a message in MIME format"). Parsed with
 * a real MIME parser (mailparser), so what the outbox records is what a mail client would read.
 */
import * as crypto from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

import { GraphError } from './errors';
import type { InternetMessageHeader } from './types';

/**
 * What the outbox keeps of a MIME message: the headers threading and unsubscribing depend on, and
 * its bodies.
 */
export interface MimeSummary {
	/** Root Content-Type, e.g. multipart/alternative or multipart/mixed. */
	contentType: string;
	/** Whether an HTML and a plain-text alternative were both present. */
	alternative: boolean;
	inReplyTo?: string;
	references: string[];
	listUnsubscribe?: string;
	listUnsubscribePost?: string;
	text?: string;
	html?: string;
}

export interface MimeAttachment {
	name: string;
	contentType: string;
	bytes: Buffer;
	isInline: boolean;
	contentId?: string;
	sha256: string;
}

export interface ParsedMime {
	/** The message as Graph's message resource would show it. */
	message: Record<string, unknown>;
	customHeaders: InternetMessageHeader[];
	internetMessageId?: string;
	attachments: MimeAttachment[];
	summary: MimeSummary;
	size: number;
}

/**
 * "If the base64 encoding is invalid, a 400 Bad Request ... ErrorMimeContentInvalidBase64String"
 * (learn.microsoft.com/graph/api/user-sendmail, response section).
 */
export function decodeMimeBody(text: string): Buffer {
	const compact = text.replace(/\s+/g, '');
	if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
		throw new GraphError(
			400,
			'ErrorMimeContentInvalidBase64String',
			'Invalid base64 string for MIME content.',
		);
	}
	return Buffer.from(compact, 'base64');
}

function recipients(value: AddressObject | AddressObject[] | undefined) {
	const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
	return list.flatMap((group) =>
		group.value.flatMap((a) =>
			a.address
				? [{ emailAddress: a.name ? { address: a.address, name: a.name } : { address: a.address } }]
				: [],
		),
	);
}

function headerText(parsed: ParsedMail, name: string): string | undefined {
	const line = parsed.headerLines.find((h) => h.key === name);
	return line
		? line.line
				.slice(line.line.indexOf(':') + 1)
				.replace(/\r?\n[ \t]+/g, ' ')
				.trim()
		: undefined;
}

function summaryOf(parsed: ParsedMail, raw: string): MimeSummary {
	const type = parsed.headers.get('content-type') as { value?: string } | undefined;
	const references = parsed.references === undefined ? [] : [parsed.references].flat();
	return {
		contentType: type?.value ?? 'text/plain',
		alternative: /^content-type:\s*multipart\/alternative/im.test(raw),
		inReplyTo: parsed.inReplyTo,
		references,
		listUnsubscribe: headerText(parsed, 'list-unsubscribe'),
		listUnsubscribePost: headerText(parsed, 'list-unsubscribe-post'),
		text: parsed.text,
		html: typeof parsed.html === 'string' ? parsed.html : undefined,
	};
}

export async function parseMime(mime: Buffer): Promise<ParsedMime> {
	const parsed = await simpleParser(mime, { skipImageLinks: true, skipTextToHtml: false });
	const html = typeof parsed.html === 'string' ? parsed.html : undefined;
	const message: Record<string, unknown> = {
		subject: parsed.subject ?? '',
		body:
			html !== undefined
				? { contentType: 'HTML', content: html }
				: { contentType: 'Text', content: parsed.text ?? '' },
		toRecipients: recipients(parsed.to),
		ccRecipients: recipients(parsed.cc),
		bccRecipients: recipients(parsed.bcc),
		replyTo: recipients(parsed.replyTo),
	};
	const from = recipients(parsed.from)[0];
	if (from) message.from = from;
	return {
		message,
		customHeaders: parsed.headerLines
			.filter((h) => /^x-/i.test(h.key))
			.map((h) => ({
				name: h.line.slice(0, h.line.indexOf(':')),
				value: headerText(parsed, h.key) ?? '',
			})),
		internetMessageId: parsed.messageId,
		attachments: parsed.attachments.map((a) => ({
			name: a.filename ?? 'attachment',
			contentType: a.contentType,
			bytes: a.content,
			isInline: a.contentDisposition === 'inline',
			contentId: a.cid,
			sha256: crypto.createHash('sha256').update(a.content).digest('hex'),
		})),
		summary: summaryOf(parsed, mime.toString('latin1')),
		size: mime.length,
	};
}
