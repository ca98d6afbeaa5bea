/**
 * One result of the Check Setup operation. A finding never throws: a scheduled workflow reads `ok` and `severity`
 * and alerts the admin, so every problem (and every question the checks could not answer) becomes data.
 */
export type FindingSeverity = 'info' | 'warning' | 'error';

export interface Finding {
	/** Stable identifier of the check, e.g. "spf", "dkim", "dmarc", "credentialExpiry". */
	check: string;
	/** True when the check passed; false when it found a problem or could not tell. */
	ok: boolean;
	severity: FindingSeverity;
	/** What was found, in words an admin understands. */
	detail: string;
	/** What to do about it; empty when nothing needs doing. */
	fix: string;
}

export function passed(check: string, detail: string, fix = ''): Finding {
	return { check, ok: true, severity: 'info', detail, fix };
}

export function failed(
	check: string,
	severity: FindingSeverity,
	detail: string,
	fix: string,
): Finding {
	return { check, ok: false, severity, detail, fix };
}
