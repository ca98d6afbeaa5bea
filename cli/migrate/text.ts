/**
 * What the converter prints comes from the export: names and values may hold control characters
 * that move the cursor, clear the screen or reorder text (C0/C1, DEL, Unicode bidi controls). They
 * are removed before printing.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Whole terminal escape sequences (CSI such as ESC[2J, OSC such as ESC]0;title BEL), so no residue
// is printed.

const ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?)/g;

export function printable(text: unknown): string {
	return String(text).replace(ESCAPE, '').replace(CONTROL, '');
}

/** A parameter's value for the report: JSON for objects, cut to `max` characters, printable. */
export function excerpt(value: unknown, max = 80): string {
	const text =
		typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
	const shown = printable(text.replace(/\\[nrt]/g, ' '));
	return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
