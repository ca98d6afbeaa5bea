/**
 * Retry policy, kept apart from the transport (habit 9). Microsoft says a request answered 429 or 503 was not
 * processed and may be repeated after `Retry-After` seconds (which can be fractional), otherwise with exponential
 * back-off: learn.microsoft.com/graph/throttling, docs-contrib concepts/errors.md (reference §3.1).
 */
export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** No retry is started once this much time has passed since the first attempt. */
	maxTotalMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 6,
	maxTotalMs: 5 * 60_000,
	baseDelayMs: 1_000,
	maxDelayMs: 60_000,
};

/** Statuses for which Microsoft documents that the request was not processed. */
export function isNotProcessedStatus(status: number): boolean {
	return status === 429 || status === 503;
}

/** `Retry-After` as seconds (fractional allowed) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential back-off with full jitter: uniformly in [0, min(max, base·2^attempt)]. */
export function backoffMs(
	attempt: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function delayBeforeRetryMs(
	attempt: number,
	retryAfter: string | undefined,
	policy: RetryPolicy,
): number {
	const fromServer = parseRetryAfterMs(retryAfter);
	if (fromServer !== undefined) return Math.min(fromServer, policy.maxDelayMs);
	return backoffMs(attempt, policy);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(new Error('cancelled'));
			return;
		}
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('cancelled'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
