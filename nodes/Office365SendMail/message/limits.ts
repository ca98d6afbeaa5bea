/**
 * Caps checked before any parser or loop runs, so that the work (time and memory) one item can cause stays small
 * whatever an expression, a form or a webhook hands us.
 */

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
