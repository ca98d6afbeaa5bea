import type { Readable } from 'node:stream';

import { excerpt, headerSafe, unsafeCharOf } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';
import { listEntries } from './listText';
import {
	MAX_ATTACHMENT_BYTES,
	MAX_ATTACHMENTS,
	MAX_CONTENT_ID_CHARS,
	MAX_CONTENT_TYPE_CHARS,
	MAX_FILE_NAME_CHARS,
} from './limits';

/**
 * One attachment, described from n8n's binary metadata; the bytes are read only when the message is
 * sent.
 */
export interface AttachmentSource {
	/** The item's binary property it comes from. */
	property: string;
	name: string;
	contentType: string;
	size: number;
	inline: boolean;
	contentId?: string;
	readAll(): Promise<Buffer>;
	openStream(): Promise<Readable>;
}

function tooMany(count: number, field: string): InputError {
	return new InputError(
		field,
		`${count} attachments; Exchange Online accepts at most ${MAX_ATTACHMENTS} per message.`,
	);
}

/**
 * "a, b" → ["a", "b"]; `*` stands for every binary property of the item. Bounded before it is
 * split.
 */
export function parsePropertyList(value: unknown, field: string, available: string[]): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = listEntries(value, field);
	if (list && list.length > 2 * MAX_ATTACHMENTS) throw tooMany(list.length, field);
	if (!list || list.some((v) => typeof v !== 'string')) {
		throw new InputError(
			field,
			'Expected binary property names separated by commas (e.g. "data, invoice"), or * for all.',
		);
	}
	const names = [...new Set((list as string[]).map((v) => v.trim()).filter(Boolean))];
	const chosen = names.includes('*') ? [...available] : names;
	// Checked before any binary data is looked at, so `*` on a huge item costs nothing.
	if (chosen.length > MAX_ATTACHMENTS) throw tooMany(chosen.length, field);
	for (const name of chosen) {
		if (!available.includes(name)) {
			const have = available.length
				? `This item has: ${available
						.slice(0, 10)
						.map((n) => excerpt(n, 32, false))
						.join(', ')}${available.length > 10 ? ', …' : ''}.`
				: 'This item has no binary data at all.';
			throw new InputError(
				field,
				`Binary property ${excerpt(name)} does not exist on this item. ${have} Check the name, or the node that should produce the file.`,
			);
		}
	}
	return chosen;
}

// RFC 2045 §5.1 type "/" subtype, tokens of RFC 9110 §5.6.2, optionally followed by parameters.
const CONTENT_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;.*)?$/;

/** The one media-type rule, for Graph's JSON attachments and the MIME builder alike. */
export function isMediaType(text: string): boolean {
	return text.length <= MAX_CONTENT_TYPE_CHARS && CONTENT_TYPE.test(text);
}

/**
 * The one content-ID rule: header-safe, bounded, and without < or > (Content-ID: <id>, RFC 2045 §7:
 * an angle bracket inside would end the header's value early).
 */
export function isContentId(text: string): boolean {
	return text.length <= MAX_CONTENT_ID_CHARS && !unsafeCharOf(text) && !/[<>]/.test(text);
}

/**
 * File name, content type and content ID go into the attachment's MIME headers (Content-Type,
 * Content-Disposition, Content-ID), so each is bounded and header-safe; they come from binary
 * metadata that any earlier node can set.
 */
export function checkAttachmentMetadata(
	source: Pick<AttachmentSource, 'property' | 'name' | 'contentType' | 'contentId'>,
	field: string,
): void {
	const of = `of binary property ${excerpt(source.property, 32)}`;
	if (source.name.length > MAX_FILE_NAME_CHARS)
		throw new InputError(
			field,
			`The file name ${of} is ${source.name.length} characters long; the limit is ${MAX_FILE_NAME_CHARS}. Rename the file.`,
		);
	headerSafe(source.name, field, `The file name ${of}`);
	if (source.contentType.length > MAX_CONTENT_TYPE_CHARS)
		throw new InputError(
			field,
			`The MIME type ${of} is ${source.contentType.length} characters long; the limit is ${MAX_CONTENT_TYPE_CHARS}.`,
		);
	headerSafe(source.contentType, field, `The MIME type ${of}`);
	if (!isMediaType(source.contentType))
		throw new InputError(
			field,
			`The MIME type ${of}, ${excerpt(source.contentType)}, is not of the form type/subtype (e.g. image/png). Set it in the node that creates the file.`,
		);
	if (source.contentId === undefined) return;
	if (source.contentId.length > MAX_CONTENT_ID_CHARS)
		throw new InputError(
			field,
			`The content ID ${of} (its property name) is longer than ${MAX_CONTENT_ID_CHARS} characters.`,
		);
	headerSafe(source.contentId, field, `The content ID ${of} (its property name)`);
	if (!isContentId(source.contentId))
		throw new InputError(
			field,
			`The content ID ${of} is its property name, which must not contain < or >. Rename the binary property.`,
		);
}

export function checkAttachmentLimits(sources: AttachmentSource[], field: string): void {
	if (sources.length > MAX_ATTACHMENTS) throw tooMany(sources.length, field);
	for (const s of sources) {
		checkAttachmentMetadata(s, field);
		if (s.size === 0)
			throw new InputError(
				field,
				`Binary property ${excerpt(s.property)} (${excerpt(s.name)}) is empty (0 bytes); attach a file with content.`,
			);
		if (s.size > MAX_ATTACHMENT_BYTES) {
			throw new InputError(
				field,
				`${excerpt(s.name)} is ${(s.size / 1048576).toFixed(1)} MB; Microsoft Graph accepts attachments up to 150 MB. Share a link to the file instead.`,
			);
		}
	}
}
