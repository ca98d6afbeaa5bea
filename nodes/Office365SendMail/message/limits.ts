/**
 * Caps checked before any parser or loop runs, so that the work (time and memory) one item can cause stays small
 * whatever an expression, a form or a webhook hands us.
 */

/** RFC 5321 §4.5.3.1: a path is at most 256 octets with its angle brackets, so 254 for the address. */
export const MAX_ADDRESS_OCTETS = 254;
/** RFC 5321 §4.5.3.1.1: the local part is at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** Exchange Online's limit for a display name (Set-Mailbox -DisplayName: "maximum length is 256 characters"). */
export const MAX_DISPLAY_NAME_CHARS = 256;
/** One "Name <address>" entry: a display name, an address and room for quotes, brackets and a short comment. */
export const MAX_ADDRESS_ENTRY_CHARS = 640;
/**
 * One recipient field: 500 recipients (Exchange's per-message limit) of about 250 characters each. A real list
 * is far shorter; anything longer is refused before it is split.
 */
export const MAX_RECIPIENT_FIELD_CHARS = 128 * 1024;
/** Entries in one recipient field before duplicates are dropped: twice Exchange's 500 per message. */
export const MAX_RECIPIENT_ENTRIES = 1000;
/**
 * Characters of unusual entries (comments, escapes, obsolete syntax) one field may hand to the full RFC 5322
 * parser, whose cost grows steeply with such input. Plain forms never reach it.
 */
export const MAX_FULL_PARSE_CHARS = 8 * 1024;
/** RFC 5322 comments may nest; real addresses use one level at most. */
export const MAX_COMMENT_DEPTH = 3;

/** RFC 5322 §2.1.1: a header line is at most 998 characters. */
export const MAX_HEADER_LINE_CHARS = 998;
/** Rows in the Custom Headers list before empty rows are dropped (Graph takes 5 headers). */
export const MAX_HEADER_ROWS = 50;

/** Categories per message, and characters per category name (Graph documents no limit; generous caps that bound the work). */
export const MAX_CATEGORIES = 50;
export const MAX_CATEGORY_CHARS = 255;
/** Text of a comma-separated list field (categories, binary property names) before it is split. */
export const MAX_LIST_TEXT_CHARS = 16 * 1024;
/** Entries of a list field before blanks and duplicates are dropped. */
export const MAX_LIST_ENTRIES = 500;

/** File names: 255 characters, the common file system limit, which Outlook keeps when saving. */
export const MAX_FILE_NAME_CHARS = 255;
/** RFC 6838 §4.2: type and subtype names are at most 127 characters each; parameters add a little. */
export const MAX_CONTENT_TYPE_CHARS = 255;
/** A content ID is referenced as cid:… in the HTML body (RFC 2392); keep it to one short header line. */
export const MAX_CONTENT_ID_CHARS = 255;

/** Message IDs (RFC 5322 §3.6.4) fit one header line; a list (References) carries at most 100 of them. */
export const MAX_MESSAGE_ID_CHARS = 998;
export const MAX_MESSAGE_IDS = 100;
