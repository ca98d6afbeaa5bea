import type { MimeMessageInput } from './types';

/** Base64 length of n bytes, without line breaks (Graph's MIME body is one base64 string). */
export function base64Length(bytes: number): number {
	return 4 * Math.ceil(bytes / 3);
}

/** A base64 MIME part body: 76-character lines, each ended by CRLF (RFC 2045 §6.8). */
export function base64PartLength(bytes: number): number {
	const chars = base64Length(bytes);
	return chars + 2 * Math.ceil(chars / 76);
}

// Per part: boundary line, Content-Type/-Transfer-Encoding/-Disposition/-Id with a long file name.
const PART_OVERHEAD = 1024;
// Top-level headers we always write: MIME-Version, Date, Message-ID, Content-Type, Importance, ...
const FIXED_OVERHEAD = 2048;

function utf8(text: string | undefined): number {
	return text ? Buffer.byteLength(text, 'utf8') : 0;
}

/**
 * An upper bound for the base64 request body, known before any attachment is read, so the caller
 * can pick the ≤ 4 MB MIME path or the upload-session path up front. Attachments are exact (base64,
 * 76-char lines); bodies and headers are bounded: quoted-printable is at most 3 characters per byte
 * plus soft breaks, RFC 2047 encoded words at most 2 per byte plus framing.
 */
export function estimateEncodedSize(input: MimeMessageInput): number {
	const addresses = [
		input.from,
		...(input.sender ? [input.sender] : []),
		...input.to,
		...(input.cc ?? []),
		...(input.bcc ?? []),
		...(input.replyTo ?? []),
	];
	let headerBytes = utf8(input.subject) * 2 + 80;
	for (const a of addresses) headerBytes += utf8(a.address) + utf8(a.name) * 2 + 40;
	for (const h of input.headers ?? []) headerBytes += utf8(h.name) + utf8(h.value) * 2 + 40;
	for (const id of [input.messageId, input.inReplyTo ?? '', ...(input.references ?? [])])
		headerBytes += utf8(id) + 4;
	for (const uri of input.listUnsubscribe ?? []) headerBytes += utf8(uri) + 6;

	let bodyBytes = 0;
	for (const body of [input.text, input.html]) {
		if (body !== undefined) bodyBytes += Math.ceil(utf8(body) * 3 * (78 / 76)) + PART_OVERHEAD;
	}
	for (const a of input.attachments ?? []) {
		const size = a.bytes ? a.bytes.length : (a.size ?? 0);
		bodyBytes += base64PartLength(size) + PART_OVERHEAD + utf8(a.name) * 4;
	}
	return base64Length(FIXED_OVERHEAD + headerBytes + bodyBytes);
}
