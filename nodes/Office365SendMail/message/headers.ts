import { excerpt, headerSafe } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';
import { MAX_CUSTOM_HEADERS, MAX_HEADER_LINE_CHARS, MAX_HEADER_ROWS } from './limits';

export interface InternetHeader {
	name: string;
	value: string;
}

// RFC 5322 field name: printable US-ASCII except ':'.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Graph takes only custom headers, named x-…
// (learn.microsoft.com/graph/api/resources/internetmessageheader).
const CUSTOM_PREFIX = /^x-/i;

/** The one rule for custom header names, for Graph's JSON and the MIME builder alike. */
export function isCustomHeaderName(name: string): boolean {
	return CUSTOM_PREFIX.test(name) && FIELD_NAME.test(name);
}

function headerName(name: unknown, field: string, position: number): string {
	if (typeof name !== 'string' || !name.trim())
		throw new InputError(field, `Header ${position} has no name.`);
	const trimmed = name.trim();
	if (trimmed.length > MAX_HEADER_LINE_CHARS / 2)
		throw new InputError(field, `Header ${position} has a name of ${trimmed.length} characters.`);
	headerSafe(trimmed, field, `The name of header ${position}`);
	if (!CUSTOM_PREFIX.test(trimmed)) {
		throw new InputError(
			field,
			`Header ${excerpt(trimmed)} is refused by Microsoft Graph: custom header names must start with "x-" (e.g. X-Ticket-Id).`,
		);
	}
	if (!FIELD_NAME.test(trimmed)) {
		throw new InputError(
			field,
			`Header name ${excerpt(trimmed)} may only contain printable ASCII characters, without spaces or ":".`,
		);
	}
	return trimmed;
}

function headerValue(value: unknown, name: string, field: string): string {
	if (value === undefined || value === null || value === '')
		throw new InputError(field, `Header "${name}" has an empty value.`);
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
		throw new InputError(field, `Header "${name}" must have a text value.`);
	const text = String(value);
	// "Name: value" on one line (RFC 5322 §2.1.1); Graph documents no folding of custom header
	// values.
	const room = MAX_HEADER_LINE_CHARS - name.length - 2;
	if (text.length > room)
		throw new InputError(
			field,
			`Header "${name}" has a value of ${text.length} characters; with its name it must fit one line of ${MAX_HEADER_LINE_CHARS} (at most ${room} here).`,
		);
	return headerSafe(text, field, `The value of header "${name}"`);
}

export function parseHeaders(value: unknown, field = 'Custom Headers'): InternetHeader[] {
	if (value === undefined || value === null || value === '') return [];
	const entries =
		(typeof value === 'object' && !Array.isArray(value)
			? (value as { header?: unknown }).header
			: value) ?? [];
	if (!Array.isArray(entries))
		throw new InputError(field, 'Expected a list of {name, value} pairs.');
	if (entries.length > MAX_HEADER_ROWS)
		throw new InputError(
			field,
			`${entries.length} header rows given; Microsoft Graph accepts at most ${MAX_CUSTOM_HEADERS} headers per message.`,
		);
	// A row left completely empty in the UI is not a header.
	const rows = entries.filter((entry) => {
		const { name, value: v } = (entry ?? {}) as { name?: unknown; value?: unknown };
		return !((name === undefined || name === '') && (v === undefined || v === ''));
	});
	const headers = rows.map((entry, i): InternetHeader => {
		const { name, value: v } = (entry ?? {}) as { name?: unknown; value?: unknown };
		const trimmed = headerName(name, field, i + 1);
		return { name: trimmed, value: headerValue(v, trimmed, field) };
	});
	if (headers.length > MAX_CUSTOM_HEADERS) {
		throw new InputError(
			field,
			`${headers.length} custom headers given; Microsoft Graph accepts at most ${MAX_CUSTOM_HEADERS} per message.`,
		);
	}
	return headers;
}
