/**
 * The package's one retry policy and loop, used for Graph requests and token requests alike.
 * Microsoft says a request answered 429 or 503 was not processed and may be repeated after
 * `Retry-After` seconds (which can be fractional), otherwise with exponential back-off:
 * https://learn.microsoft.com/graph/throttling
 */
export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** No retry is started that would begin later than this since the request started. */
	maxTotalMs: number;
	baseDelayMs: number;
	/**
	 * The longest single wait. A Retry-After above it is not waited for: the request fails and says
	 * so.
	 */
	maxDelayMs: number;
	/**
	 * The shortest wait, even when Retry-After is 0: repeating at once would only add load to a
	 * service that has just refused. Defaults to MIN_DELAY_MS.
	 */
	minDelayMs?: number;
}

export const MIN_DELAY_MS = 50;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 6,
	maxTotalMs: 5 * 60_000,
	baseDelayMs: 1_000,
	maxDelayMs: 60_000,
	minDelayMs: MIN_DELAY_MS,
};

/** Statuses for which Microsoft documents that the request was not processed. */
export function isNotProcessedStatus(status: number): boolean {
	return status === 429 || status === 503;
}

/**
 * `Retry-After` as seconds (fractional allowed) or an HTTP date; undefined when absent or
 * unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/**
 * Exponential back-off with "equal jitter": uniformly in [c/2, c] where c = min(max,
 * base·2^attempt). Half of the wait is fixed so a retry never comes back almost at once; the other
 * half spreads clients apart.
 */
export function backoffMs(
	attempt: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The wait before retry number `attempt + 1`: Retry-After when given (at least minDelayMs), else
 * back-off.
 */
export function delayBeforeRetryMs(
	attempt: number,
	retryAfter: string | undefined,
	policy: RetryPolicy,
): number {
	const fromServer = parseRetryAfterMs(retryAfter);
	if (fromServer === undefined) return backoffMs(attempt, policy);
	return Math.min(Math.max(fromServer, policy.minDelayMs ?? MIN_DELAY_MS), policy.maxDelayMs);
}

/** Why the loop stopped retrying; the caller turns it into its own error. */
export type GiveUp =
	| { kind: 'final'; attempts: number }
	| { kind: 'budget'; attempts: number }
	| { kind: 'retryAfterTooLong'; attempts: number; askedMs: number; capMs: number };

/** What one attempt came to: a result, or a failure that may be repeated. */
export type Verdict<T> =
	| { done: true; value: T }
	| {
			done: false;
			/** False when repeating could do harm (it may have been processed) or cannot help. */
			repeatable: boolean;
			retryAfter?: string;
			status?: number;
			/** The error to throw when no retry follows. */
			giveUp: (why: GiveUp) => unknown;
	  };

export interface RetryLoopOptions {
	signal?: AbortSignal;
	/** When the request started (its budget counts from here); defaults to now. */
	started?: number;
	/** Called before each wait, e.g. to pause every request to the same mailbox for as long. */
	beforeWait?: (delayMs: number, verdict: { status?: number; retryAfter?: string }) => void;
}

/** The one retry loop: runs `attempt` until it is done or the policy allows no further retry. */
export async function withRetries<T>(
	policy: RetryPolicy,
	attempt: (attempt: number) => Promise<Verdict<T>>,
	options: RetryLoopOptions = {},
): Promise<T> {
	const started = options.started ?? Date.now();
	for (let n = 0; ; n++) {
		const verdict = await attempt(n);
		if (verdict.done) return verdict.value;
		if (!verdict.repeatable) throw verdict.giveUp({ kind: 'final', attempts: n + 1 });
		const asked = parseRetryAfterMs(verdict.retryAfter);
		if (asked !== undefined && asked > policy.maxDelayMs) {
			options.beforeWait?.(asked, verdict);
			throw verdict.giveUp({
				kind: 'retryAfterTooLong',
				attempts: n + 1,
				askedMs: asked,
				capMs: policy.maxDelayMs,
			});
		}
		const delayMs = delayBeforeRetryMs(n, verdict.retryAfter, policy);
		if (n >= policy.maxRetries || Date.now() - started + delayMs > policy.maxTotalMs)
			throw verdict.giveUp({ kind: 'budget', attempts: n + 1 });
		options.beforeWait?.(delayMs, verdict);
		await sleep(delayMs, options.signal);
	}
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
