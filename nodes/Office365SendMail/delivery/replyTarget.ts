import { excerpt } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';

/**
 * The message a reply answers, in the sender mailbox, and whether everyone on it gets the answer.
 */
export interface ReplyTarget {
	messageId: string;
	replyAll: boolean;
}

/**
 * Exchange item IDs are a few hundred characters of base64 (`+ / =`) or, as immutable or URL-safe
 * IDs, base64url (`- _`); 1,024 leaves room for long ones while bounding what an expression can
 * hand us.
 */
export const MAX_GRAPH_ID_CHARS = 1024;
const GRAPH_ID = /^[A-Za-z0-9+/=_-]+$/;

const MESSAGE_ID_HINT =
	'Reply needs the Microsoft Graph ID of a message in the sender mailbox (the `id` a Microsoft Outlook trigger outputs). To answer a message known only by its Internet Message-ID, use the Send operation with the In-Reply-To option.';

/** The Graph ID of the message to answer, checked before any request. */
export function graphMessageIdOf(value: unknown): string {
	const field = 'Message ID';
	if (typeof value !== 'string' || !value.trim())
		throw new InputError(field, `Empty. ${MESSAGE_ID_HINT}`);
	const id = value.trim();
	if (id.length > MAX_GRAPH_ID_CHARS)
		throw new InputError(
			field,
			`Is ${id.length} characters long; Microsoft Graph message IDs are at most ${MAX_GRAPH_ID_CHARS}. ${MESSAGE_ID_HINT}`,
		);
	if (id.includes('@'))
		throw new InputError(
			field,
			`${excerpt(id)} is an Internet Message-ID (it has an @), not a Microsoft Graph message ID. ${MESSAGE_ID_HINT}`,
		);
	if (!GRAPH_ID.test(id))
		throw new InputError(
			field,
			`${excerpt(id)} is not a Microsoft Graph message ID: those contain only letters, digits and + / = - _. ${MESSAGE_ID_HINT}`,
		);
	return id;
}
