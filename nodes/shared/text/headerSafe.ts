import { InputError } from './inputError';

/**
 * The one check for every string that ends up in a MIME header or a name (display names, file
 * names, content types, content IDs, categories, custom header values): a CR or LF there would
 * start a new header line. Refused: C0 controls and DEL, C1 controls (with U+0085 NEXT LINE),
 * U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (mail clients and JSON-to-MIME converters
 * may treat them as line ends), and unpaired surrogates (they have no UTF-8 encoding, RFC 3629 §3).
 */
const UNSAFE =
	/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const NAMES: Record<number, string> = {
	0x00: 'a NUL character',
	0x09: 'a tab',
	0x0a: 'a line break (LF)',
	0x0d: 'a line break (CR)',
	0x85: 'a line break (NEXT LINE)',
	0x2028: 'a line break (LINE SEPARATOR)',
	0x2029: 'a line break (PARAGRAPH SEPARATOR)',
};

function describe(code: number): string {
	const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	if (code >= 0xd800 && code <= 0xdfff) return `an unpaired surrogate (${hex})`;
	return `${NAMES[code] ?? 'a control character'} (${hex})`;
}

/** The first unsafe character, or undefined when the text may go into a header. */
export function unsafeCharOf(text: string): { index: number; code: number } | undefined {
	const match = UNSAFE.exec(text);
	return match ? { index: match.index, code: match[0].charCodeAt(0) } : undefined;
}

/**
 * Returns `text` when it is header-safe; otherwise an InputError for `field` that says what
 * (`what`, e.g. `The display name of entry 2`), which character and where. The bad text itself is
 * not quoted.
 */
export function headerSafe(text: string, field: string, what: string): string {
	const bad = unsafeCharOf(text);
	if (!bad) return text;
	throw new InputError(
		field,
		`${what} contains ${describe(bad.code)} at character ${bad.index + 1}. Line breaks and other control characters are not allowed here, as the value goes into a mail header; remove them in the expression (e.g. .replace(/\\s+/g, ' ')).`,
	);
}

const ESCAPE =
	/[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A short, quoted, escaped excerpt of input for an error message: never more than `max` characters
 * of it, so a megabyte of input does not become a megabyte of error (and of execution log), and
 * control characters are shown as \uXXXX instead of breaking the message.
 */
export function excerpt(text: string, max = 48, quoted = true): string {
	const cut = text.length > max ? text.slice(0, max) : text;
	const shown = cut
		.replace(ESCAPE, (c) =>
			c === '"' || c === '\\'
				? `${quoted ? '\\' : ''}${c}`
				: `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
		)
		// n8n's editor shows error messages as HTML and drops anything in <…> (a quoted "Jane
		// <jane@contoso.com>" lost the address): angle brackets are shown as the look-alike ‹ ›.
		.replace(/</g, '‹')
		.replace(/>/g, '›');
	const q = quoted ? '"' : '';
	return text.length > max ? `${q}${shown}…${q} (${text.length} characters)` : `${q}${shown}${q}`;
}
