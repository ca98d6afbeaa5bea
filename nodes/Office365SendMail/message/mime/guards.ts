import { InputError } from '../../../shared/text/inputError';
import { excerpt, headerSafe } from '../../../shared/text/headerSafe';
import { isCustomHeaderName } from '../headers';

/**
 * Refuses a value that could break out of its header line, with the one header-safe text rule
 * (shared/text/headerSafe.ts) that the node's fields are checked with.
 */
export function assertOneLine(value: string, field: string): string {
	if (typeof value !== 'string') throw new InputError(field, 'Expected text.');
	return headerSafe(value, field, 'The value');
}

/** Custom headers must be X- headers: the standard ones are built from their own fields. */
export function assertCustomHeaderName(name: string, field: string): string {
	if (!isCustomHeaderName(name)) {
		throw new InputError(
			field,
			`Header name ${excerpt(name)} is not allowed: use printable ASCII without spaces or ":", starting with "X-".`,
		);
	}
	return name;
}

// Inside <…> of RFC 2369 a URI may not contain "<", ">", whitespace or controls.
const URI_CHARS = /^[^\s<>"\x00-\x1f\x7f]+$/;

/**
 * The one-click unsubscribe rule: RFC 8058 §3.1 has the receiver POST to an https: URI of
 * List-Unsubscribe.
 */
export const ONE_CLICK_NEEDS_HTTPS =
	'One-click unsubscribe (RFC 8058) needs an https: link in List-Unsubscribe; add one or turn One-Click off.';

/**
 * List-Unsubscribe URIs: only https: and mailto:, and an https: one for one-click
 * (ONE_CLICK_NEEDS_HTTPS).
 */
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
	if (oneClick && !checked.some((uri) => /^https:/i.test(uri)))
		throw new InputError(field, ONE_CLICK_NEEDS_HTTPS);
	return checked;
}
