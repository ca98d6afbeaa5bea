import MailComposer from 'nodemailer/lib/mail-composer';

import { InputError } from '../../../shared/text/inputError';
import { estimateEncodedSize } from './size';
import type { BuiltMime, MimeMessageInput } from './types';

export interface BuildOptions {
	/** Refuse before reading any attachment when the estimate exceeds this many base64 bytes. */
	maxEncodedBytes?: number;
}

// Importance → the headers Exchange reads into PidTagImportance (MS-OXCMAIL 2.2.3.2.10: Importance,
// then X-Priority). "normal" is the default and needs none.
const IMPORTANCE_HEADERS = {
	high: [
		{ key: 'Importance', value: 'high' },
		{ key: 'X-Priority', value: '1 (Highest)' },
	],
	low: [
		{ key: 'Importance', value: 'low' },
		{ key: 'X-Priority', value: '5 (Lowest)' },
	],
	normal: [],
} as const;

function rootHeaders(input: MimeMessageInput): Array<{ key: string; value: string }> {
	const headers: Array<{ key: string; value: string }> = (input.headers ?? []).map((h) => ({
		key: h.name,
		value: h.value,
	}));
	headers.push(...IMPORTANCE_HEADERS[input.importance ?? 'normal']);
	if (input.listUnsubscribe?.length) {
		// RFC 2369 §2: each URI in angle brackets, comma separated.
		headers.push({
			key: 'List-Unsubscribe',
			value: input.listUnsubscribe.map((uri) => `<${uri}>`).join(', '),
		});
		// RFC 8058 §3.1: exactly this value.
		if (input.listUnsubscribeOneClick)
			headers.push({ key: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
	}
	return headers;
}

/**
 * The message as RFC 5322 bytes and as the base64 body Graph's MIME sendMail / create-message take
 * (learn.microsoft.com/graph/api/user-sendmail, "Send message in MIME format"). Pure: no network,
 * no files. MailComposer (nodemailer, the library n8n's Send Email node is built on) does the
 * encoding: RFC 2047 words, quoted-printable/base64 bodies, multipart/alternative + related + mixed
 * nesting and header folding. Takes validated input: the node's fields were checked by message/ (or
 * validateMimeInput, for other callers).
 */
export async function buildMime(
	input: MimeMessageInput,
	options: BuildOptions = {},
): Promise<BuiltMime> {
	const estimate = estimateEncodedSize(input);
	if (options.maxEncodedBytes !== undefined && estimate > options.maxEncodedBytes) {
		throw new InputError(
			'Attachments',
			`The message would be about ${estimate} bytes once encoded, over the ${options.maxEncodedBytes}-byte limit of one Graph MIME request (4 MB). Send fewer or smaller attachments.`,
		);
	}
	const composer = new MailComposer({
		from: input.from,
		sender: input.sender,
		to: input.to,
		cc: input.cc,
		bcc: input.bcc,
		replyTo: input.replyTo,
		subject: input.subject,
		messageId: input.messageId,
		inReplyTo: input.inReplyTo,
		references: input.references,
		date: input.date ?? new Date(),
		text: input.text ?? (input.html === undefined ? '' : undefined),
		html: input.html,
		headers: rootHeaders(input),
		attachments: (input.attachments ?? []).map((a) => ({
			filename: a.name,
			contentType: a.contentType,
			content: a.bytes ?? a.stream,
			contentDisposition: a.inline ? 'inline' : 'attachment',
			// A cid moves a part into multipart/related next to the HTML; only inline parts belong there.
			cid: a.inline ? a.contentId : undefined,
		})),
		// Content comes only from the caller's buffers and streams, never from paths or URLs.
		disableFileAccess: true,
		disableUrlAccess: true,
	});
	const root = composer.compile();
	// A MIME send has no SMTP envelope: Exchange takes the Bcc recipients from the Bcc header and
	// removes the header on the way out (MS-OXCMAIL 2.1.3.1.1.2: outbound MIME writers must not copy
	// Bcc).
	root.keepBcc = true;
	const mime = await root.build();
	const base64 = mime.toString('base64');
	return {
		messageId: input.messageId,
		mime,
		base64,
		mimeBytes: mime.length,
		encodedBytes: base64.length,
	};
}
