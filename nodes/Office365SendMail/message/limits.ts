/**
 * Caps checked before any parser or loop runs, so that the work (time and memory) one item can
 * cause stays small whatever an expression, a form or a webhook hands us.
 */

/** RFC 5322 §2.1.1: a header line is at most 998 characters. */
export const MAX_HEADER_LINE_CHARS = 998;
/** The subject's line: "Subject: " takes 9 of the 998 characters. */
export const MAX_SUBJECT_CHARS = MAX_HEADER_LINE_CHARS - 'Subject: '.length;
/**
 * Graph's limit for internetMessageHeaders (learn.microsoft.com/graph/api/resources/message): 5 per
 * message.
 */
export const MAX_CUSTOM_HEADERS = 5;
/** Rows in the Custom Headers list before empty rows are dropped (Graph takes 5 headers). */
export const MAX_HEADER_ROWS = 50;

/**
 * Categories per message, and characters per category name (Graph documents no limit; generous caps
 * that bound the work).
 */
export const MAX_CATEGORIES = 50;
export const MAX_CATEGORY_CHARS = 255;
/** Text of a comma-separated list field (categories, binary property names) before it is split. */
export const MAX_LIST_TEXT_CHARS = 16 * 1024;
/** Entries of a list field before blanks and duplicates are dropped. */
export const MAX_LIST_ENTRIES = 500;

/** File names: 255 characters, the common file system limit, which Outlook keeps when saving. */
export const MAX_FILE_NAME_CHARS = 255;
/**
 * RFC 6838 §4.2: type and subtype names are at most 127 characters each; parameters add a little.
 */
export const MAX_CONTENT_TYPE_CHARS = 255;
/**
 * A content ID is referenced as cid:… in the HTML body (RFC 2392); keep it to one short header
 * line.
 */
export const MAX_CONTENT_ID_CHARS = 255;

/**
 * A message ID (RFC 5322 §3.6.4) cannot be folded, so it must fit one header line (998 characters,
 * §2.1.1) after the longest header name that carries one; a list (References) carries at most 100
 * of them.
 */
export const MAX_MESSAGE_ID_CHARS = MAX_HEADER_LINE_CHARS - 'In-Reply-To: '.length;
export const MAX_MESSAGE_IDS = 100;
/** Text of a References value before it is split: 100 IDs of a usual length with room to spare. */
export const MAX_MESSAGE_ID_LIST_CHARS = 64 * 1024;

/**
 * Graph: attachments under 3 MB go in the request; 3–150 MB through an upload session
 * (https://learn.microsoft.com/graph/api/attachment-createuploadsession).
 */
export const UPLOAD_SESSION_MIN_BYTES = 3 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
/** Exchange Online's file attachment limit per message. */
export const MAX_ATTACHMENTS = 250;
