import { DateTime } from 'luxon';

import { InputError } from '../../shared/text/inputError';

const FIELD = 'Send At';
/** Bounds the work a hostile value can cause before it is parsed. */
const MAX_TEXT_LENGTH = 64;
// Date, then optional time with optional fraction, then optional offset: what n8n's date picker,
// ISO 8601 strings and Luxon's toISO() produce ("2026-05-01", "2026-05-01T09:30", "2026-05-01
// 09:30:00.000+02:00").
const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const HINT =
	'Give an ISO 8601 date and time such as 2026-05-01T09:30:00 (in the workflow time zone) or 2026-05-01T09:30:00+02:00, or a date from an expression such as {{ $now.plus(1, "hour") }}.';

/**
 * Luxon's DateTime (what n8n expressions such as `$now` return), recognised by its shape: it comes
 * from n8n's copy of Luxon, whose class need not be the one this package loads.
 */
interface DateTimeLike {
	isValid: boolean;
	toMillis(): number;
}

function isDateTimeLike(value: unknown): value is DateTimeLike {
	const v = value as Partial<DateTimeLike> | null;
	return typeof v === 'object' && v !== null && typeof v.toMillis === 'function';
}

// UTC offsets in use run from -12:00 to +14:00 (Line Islands); ISO 8601 allows no minute field
// over 59.
const MAX_OFFSET_MINUTES = 14 * 60;

function offsetMs(offset: string, text: string): number {
	if (offset.toUpperCase() === 'Z') return 0;
	const digits = offset.replace(':', '');
	const hours = Number(digits.slice(1, 3));
	const mins = Number(digits.slice(3, 5));
	const minutes = hours * 60 + mins;
	if (mins > 59 || minutes > MAX_OFFSET_MINUTES)
		throw new InputError(
			FIELD,
			`${JSON.stringify(text)} has the offset ${offset}, which no time zone uses; offsets run from -14:00 to +14:00. ${HINT}`,
		);
	return (digits.startsWith('-') ? -1 : 1) * minutes * 60_000;
}

function parseText(text: string, timeZone: string): number {
	const m = ISO.exec(text.trim());
	if (!m) throw new InputError(FIELD, `${JSON.stringify(text)} is not a date and time. ${HINT}`);
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', offset] = m;
	const wall = {
		year: Number(y),
		month: Number(mo),
		day: Number(d),
		hour: Number(h),
		minute: Number(mi),
		second: Number(s),
		millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
	};
	const utcWall = DateTime.fromObject(wall, { zone: 'utc' });
	// Luxon also takes 24:00 (ISO 8601's end of day); Send At names a time of day, 00–23 hours.
	if (!utcWall.isValid || wall.hour > 23)
		throw new InputError(FIELD, `${JSON.stringify(text)} is not a valid calendar date. ${HINT}`);
	if (offset) return utcWall.toMillis() - offsetMs(offset, text);
	const local = DateTime.fromObject(wall, { zone: timeZone });
	if (!local.isValid)
		throw new InputError(FIELD, `The workflow time zone ${JSON.stringify(timeZone)} is unknown.`);
	// Daylight-saving changes as RFC 5545 §3.3.5 reads local times: a skipped time takes the offset
	// before the gap (Luxon's answer), a repeated one means its first occurrence.
	return Math.min(
		...local.getPossibleOffsets().map((dt: DateTime) => dt.toMillis()),
		local.toMillis(),
	);
}

/**
 * The instant an item's Send At names, in milliseconds since the epoch; undefined when it is empty.
 */
export function sendAtMillis(value: unknown, timeZone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new InputError(FIELD, `Invalid date. ${HINT}`);
		return value.getTime();
	}
	if (isDateTimeLike(value)) {
		if (!value.isValid) throw new InputError(FIELD, `Invalid date. ${HINT}`);
		return value.toMillis();
	}
	if (typeof value !== 'string')
		throw new InputError(FIELD, `Expected a date and time, got ${typeof value}. ${HINT}`);
	if (value.length > MAX_TEXT_LENGTH)
		throw new InputError(
			FIELD,
			`Too long for a date and time (${value.length} characters). ${HINT}`,
		);
	return parseText(value, timeZone);
}

/**
 * UTC, whole seconds: the form Graph's SystemTime extended properties take (2026-05-01T07:30:00Z).
 */
export function utcIso(millis: number): string {
	return new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Send At as a UTC ISO time that Exchange will hold the message until. A time without an offset is
 * in the workflow's time zone (Workflow Settings › Timezone, else the instance's GENERIC_TIMEZONE),
 * as n8n's date picker shows it. The past is refused (Exchange would send at once), and so is more
 * than a year ahead.
 */
export function sendAtOf(value: unknown, timeZone: string, now = Date.now()): string | undefined {
	const at = sendAtMillis(value, timeZone);
	if (at === undefined) return undefined;
	if (at <= now) {
		throw new InputError(
			FIELD,
			`${utcIso(at)} (UTC) is in the past; a scheduled message needs a future time. Leave Send At empty to send now.`,
		);
	}
	const limit = new Date(now);
	limit.setUTCFullYear(limit.getUTCFullYear() + 1);
	if (at > limit.getTime()) {
		throw new InputError(
			FIELD,
			`${utcIso(at)} (UTC) is more than a year ahead; schedule at most one year in advance.`,
		);
	}
	return utcIso(at);
}
