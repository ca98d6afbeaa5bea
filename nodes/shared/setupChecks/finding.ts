/**
 * One result of a setup check (diagnostics/checks): the Check Setup operation outputs one item per
 * finding, and the credential test throws the first failing one's message. A finding never throws:
 * a scheduled workflow reads `ok` and `severity` and alerts the admin, so every problem (and every
 * question the checks could not answer) becomes data.
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
	/**
	 * Stable name of the outcome where callers branch on it (e.g. "scopeNotInEffect"); not part of
	 * the node's output.
	 */
	reason?: string;
	/**
	 * The detail already says what to do, in the words the Send Mail node uses for the same failure
	 * (sign-in and Graph advice); `fix` then only adds the step after it. Not part of the node's
	 * output.
	 */
	fixInDetail?: boolean;
}

/**
 * The one text of a finding: what the credential test shows for it, and Check Setup's detail and
 * fix.
 */
export function findingMessage(finding: Finding): string {
	return finding.fixInDetail || !finding.fix ? finding.detail : `${finding.detail} ${finding.fix}`;
}

/** A finding that fails the credential test: an error (warnings and notes never do). */
export function isFailing(finding: Finding): boolean {
	return !finding.ok && finding.severity === 'error';
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

/**
 * A check that could not run because an earlier one failed or its input is missing: not a finding
 * by itself.
 */
export function notChecked(check: string, detail: string, fix = ''): Finding {
	return { check, ok: false, severity: 'info', detail, fix };
}
