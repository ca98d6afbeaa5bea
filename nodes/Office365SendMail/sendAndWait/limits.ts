/**
 * Bounds of Send and Wait: on what the parameters can make us render and parse (far above any
 * sensible form), on what one answer may hold, and on how long the node waits.
 */
export const MAX_MESSAGE_CHARS = 20000;
export const MAX_LABEL_CHARS = 200;
export const MAX_FIELDS = 50;
export const MAX_FIELD_OPTIONS = 100;
/**
 * One answer field; the form's inputs carry it as maxlength and the webhook refuses longer ones.
 */
export const MAX_ANSWER_CHARS = 10000;
/** n8n stores waitTill as a date; a limit beyond ~10 years is a typo, not an intent. */
export const MAX_WAIT_MS = 3650 * 86_400_000;
