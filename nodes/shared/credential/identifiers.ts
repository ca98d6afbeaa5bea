/** Shape checks for identifiers that end up in URLs, done before anything is encoded or sent. */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least one dot; nothing that could change a URL's path or host (/, \, @, ?, #,
// %, :).
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;
// Entra user principal names: the UPN character set plus '+' and B2B '#EXT#' guests; '%' is refused
// so that encoded path traversal cannot slip through.
const UPN =
	/^[A-Za-z0-9._+'!#^~&-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}$/;

// RFC 5321 §4.5.3.1: an address is at most 254 octets; checked first so no regex runs on a huge
// value.
const MAX_MAILBOX_CHARS = 254;

export function isGuid(value: string): boolean {
	return value.length === 36 && GUID.test(value);
}

export function isDomain(value: string): boolean {
	return value.length <= 253 && DOMAIN.test(value);
}

/** A mailbox as Graph's `/users/{id | userPrincipalName}` accepts it. */
export function isMailboxId(value: string): boolean {
	if (isGuid(value)) return true;
	if (value.length > MAX_MAILBOX_CHARS || !UPN.test(value)) return false;
	const local = value.slice(0, value.lastIndexOf('@'));
	return (
		!/^\.+$/.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..')
	);
}

export const MAILBOX_HINT =
	"Use the mailbox's user principal name (e.g. sender@contoso.com) or its Entra object ID (a GUID from Entra admin center › Users › the user › Object ID).";
