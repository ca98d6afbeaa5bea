import type { Readable } from 'node:stream';

import { InputError } from './inputError';

/** Graph: attachments under 3 MB go in the request; 3–150 MB through an upload session (reference §2.1). */
export const UPLOAD_SESSION_MIN_BYTES = 3 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
/** Exchange Online's file attachment limit per message (reference §2.1). */
export const MAX_ATTACHMENTS = 250;

/** One attachment, described from n8n's binary metadata; the bytes are read only when the message is sent. */
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

/** "a, b" → ["a", "b"]; `*` stands for every binary property of the item. */
export function parsePropertyList(value: unknown, field: string, available: string[]): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: undefined;
	if (!list || list.some((v) => typeof v !== 'string')) {
		throw new InputError(
			field,
			'Expected binary property names separated by commas (e.g. "data, invoice"), or * for all.',
		);
	}
	const names = (list as string[]).map((v) => v.trim()).filter(Boolean);
	if (names.includes('*')) return [...available];
	for (const name of names) {
		if (!available.includes(name)) {
			const have = available.length
				? `This item has: ${available.join(', ')}.`
				: 'This item has no binary data at all.';
			throw new InputError(
				field,
				`Binary property "${name}" does not exist on this item. ${have} Check the name, or the node that should produce the file.`,
			);
		}
	}
	return [...new Set(names)];
}

export function checkAttachmentLimits(sources: AttachmentSource[], field: string): void {
	if (sources.length > MAX_ATTACHMENTS)
		throw new InputError(
			field,
			`${sources.length} attachments; Exchange Online accepts at most ${MAX_ATTACHMENTS} per message.`,
		);
	for (const s of sources) {
		if (s.size === 0)
			throw new InputError(
				field,
				`Binary property "${s.property}" (${s.name}) is empty (0 bytes); attach a file with content.`,
			);
		if (s.size > MAX_ATTACHMENT_BYTES) {
			throw new InputError(
				field,
				`"${s.name}" is ${(s.size / 1048576).toFixed(1)} MB; Microsoft Graph accepts attachments up to 150 MB. Share a link to the file instead.`,
			);
		}
		if (/[\r\n\0]/.test(s.name))
			throw new InputError(
				field,
				`The file name of binary property "${s.property}" contains control characters.`,
			);
	}
}
