/**
 * One result of a setup check: the Check Setup operation outputs one item per finding, and the credential test
 * reads the same findings from the Graph probes (diagnostics/probes.ts). A finding never throws: a scheduled workflow reads `ok` and `severity`
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
	/** Stable name of the outcome where callers branch on it (e.g. "scopeNotInEffect"); not part of the node's output. */
	reason?: string;
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

/** A check that could not run because an earlier one failed or its input is missing: not a finding by itself. */
export function notChecked(check: string, detail: string, fix = ''): Finding {
	return { check, ok: false, severity: 'info', detail, fix };
}
