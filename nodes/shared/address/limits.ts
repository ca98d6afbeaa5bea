/**
 * Caps on address input, checked before any parser or loop runs, so that the work (time and memory)
 * one field can cause stays small whatever an expression, a form or a webhook hands us.
 */

/**
 * RFC 5321 §4.5.3.1: a path is at most 256 octets with its angle brackets, so 254 for the address.
 */
export const MAX_ADDRESS_OCTETS = 254;
/** RFC 5321 §4.5.3.1.1: the local part is at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/**
 * Exchange Online's limit for a display name (Set-Mailbox -DisplayName: "maximum length is 256
 * characters").
 */
export const MAX_DISPLAY_NAME_CHARS = 256;
/**
 * One "Name <address>" entry: a display name, an address and room for quotes, brackets and a short
 * comment.
 */
export const MAX_ADDRESS_ENTRY_CHARS = 640;
/**
 * One recipient field: 500 recipients (Exchange's per-message limit) of about 250 characters each.
 * A real list is far shorter; anything longer is refused before it is split.
 */
export const MAX_RECIPIENT_FIELD_CHARS = 128 * 1024;
/**
 * Exchange Online's recipient limit per message, To + Cc + Bcc
 * (learn.microsoft.com/graph/api/resources/message).
 */
export const MAX_RECIPIENTS = 500;
/**
 * Entries in one recipient field before duplicates are dropped: twice Exchange's 500 per message.
 */
export const MAX_RECIPIENT_ENTRIES = 1000;
/**
 * Characters of unusual entries (comments, escapes, obsolete syntax) one field may hand to the full
 * RFC 5322 parser, whose cost grows steeply with such input. Plain forms never reach it.
 */
export const MAX_FULL_PARSE_CHARS = 8 * 1024;
/** RFC 5322 comments may nest; real addresses use one level at most. */
export const MAX_COMMENT_DEPTH = 3;
