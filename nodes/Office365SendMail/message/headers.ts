import { InputError } from './inputError';

export interface InternetHeader {
	name: string;
	value: string;
}

/** Graph's limits for internetMessageHeaders (learn: resources/message; reference §1.3). */
export const MAX_CUSTOM_HEADERS = 5;
// RFC 5322 field name: printable US-ASCII except ':'.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

export function parseHeaders(value: unknown, field = 'Custom Headers'): InternetHeader[] {
	if (value === undefined || value === null || value === '') return [];
	const entries =
		(typeof value === 'object' && !Array.isArray(value)
			? (value as { header?: unknown }).header
			: value) ?? [];
	if (!Array.isArray(entries))
		throw new InputError(field, 'Expected a list of {name, value} pairs.');
	// A row left completely empty in the UI is not a header.
	const rows = entries.filter((entry) => {
		const { name, value: v } = (entry ?? {}) as { name?: unknown; value?: unknown };
		return !((name === undefined || name === '') && (v === undefined || v === ''));
	});
	const headers = rows.map((entry, i): InternetHeader => {
		const { name, value: headerValue } = (entry ?? {}) as { name?: unknown; value?: unknown };
		if (typeof name !== 'string' || !name.trim())
			throw new InputError(field, `Header ${i + 1} has no name.`);
		const trimmed = name.trim();
		if (/[\r\n]/.test(trimmed) || (typeof headerValue === 'string' && /[\r\n]/.test(headerValue))) {
			throw new InputError(
				field,
				`Header "${trimmed.replace(/[\r\n]/g, ' ')}" contains a line break (CR/LF); headers must be one line.`,
			);
		}
		if (!/^x-/i.test(trimmed)) {
			throw new InputError(
				field,
				`Header "${trimmed}" is refused by Microsoft Graph: custom header names must start with "x-" (e.g. X-Ticket-Id).`,
			);
		}
		if (!FIELD_NAME.test(trimmed)) {
			throw new InputError(
				field,
				`Header name "${trimmed}" may only contain printable ASCII characters, without spaces or ":".`,
			);
		}
		if (headerValue === undefined || headerValue === null || headerValue === '') {
			throw new InputError(field, `Header "${trimmed}" has an empty value.`);
		}
		if (
			typeof headerValue !== 'string' &&
			typeof headerValue !== 'number' &&
			typeof headerValue !== 'boolean'
		) {
			throw new InputError(field, `Header "${trimmed}" must have a text value.`);
		}
		return { name: trimmed, value: String(headerValue) };
	});
	if (headers.length > MAX_CUSTOM_HEADERS) {
		throw new InputError(
			field,
			`${headers.length} custom headers given; Microsoft Graph accepts at most ${MAX_CUSTOM_HEADERS} per message.`,
		);
	}
	return headers;
}
