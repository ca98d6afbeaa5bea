import { InputError } from '../../../shared/text/inputError';
import { excerpt } from '../../../shared/text/headerSafe';

// CR, LF and NUL can end a header line early and start a new one (header injection); other C0 controls and DEL
// have no business in a header either (RFC 5322 §2.2: header fields are printable characters and WSP).
const LINE_BREAKING = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Refuses a header value that could break out of its line. The builder re-checks what INPUT validated. */
export function assertOneLine(value: string, field: string): string {
	if (typeof value !== 'string') throw new InputError(field, 'Expected text.');
	if (LINE_BREAKING.test(value)) {
		throw new InputError(
			field,
			'Contains a line break or control character (CR/LF); a mail header must be one line. Remove the line breaks.',
		);
	}
	return value;
}

// RFC 5322 field name: printable US-ASCII except ':'.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Custom headers must be X- headers: the standard ones are built from their own fields. */
export function assertCustomHeaderName(name: string, field: string): string {
	if (!FIELD_NAME.test(name) || !/^x-/i.test(name)) {
		throw new InputError(
			field,
			`Header name "${name.replace(LINE_BREAKING, ' ')}" is not allowed: use printable ASCII without spaces or ":", starting with "X-".`,
		);
	}
	return name;
}

// Inside <…> of RFC 2369 a URI may not contain "<", ">", whitespace or controls.
const URI_CHARS = /^[^\s<>"\x00-\x1f\x7f]+$/;

/** List-Unsubscribe URIs: only https: and mailto: (RFC 8058 §3.1 asks for https for one-click). */
export function checkUnsubscribeUris(uris: string[], oneClick: boolean, field: string): string[] {
	const checked = uris.map((raw) => {
		const uri = assertOneLine(raw, field).trim();
		if (!URI_CHARS.test(uri) || !/^(https:\/\/[^/?#]+|mailto:[^?]*@)/i.test(uri)) {
			throw new InputError(
				field,
				`${excerpt(uri)} is not an https: or mailto: URI; give e.g. https://contoso.com/unsubscribe?u=1 or mailto:unsubscribe@contoso.com.`,
			);
		}
		return uri;
	});
	if (oneClick && !checked.some((uri) => /^https:/i.test(uri))) {
		throw new InputError(
			field,
			'One-click unsubscribe (RFC 8058) needs an https: URI in List-Unsubscribe; add one or turn one-click off.',
		);
	}
	return checked;
}
