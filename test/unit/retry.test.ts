import {
	backoffMs,
	delayBeforeRetryMs,
	DEFAULT_RETRY_POLICY,
	isNotProcessedStatus,
	parseRetryAfterMs,
	withRetries,
	type GiveUp,
	type RetryPolicy,
	type Verdict,
} from '../../nodes/shared/transport/retry';

describe('Retry-After', () => {
	test.each([
		['2', 2000],
		['0', 0],
		['2.128', 2128],
		[' 0.05 ', 50],
	])('seconds %p → %p ms', (value, ms) => {
		expect(parseRetryAfterMs(value)).toBe(ms);
	});

	test('an HTTP date in the future and in the past', () => {
		const now = Date.parse('2026-11-22T10:00:00Z');
		expect(parseRetryAfterMs('Sun, 22 Nov 2026 10:00:03 GMT', now)).toBe(3000);
		expect(parseRetryAfterMs('Sun, 22 Nov 2026 09:59:00 GMT', now)).toBe(0);
	});

	test('absent or unreadable values fall back to back-off', () => {
		expect(parseRetryAfterMs(undefined)).toBeUndefined();
		expect(parseRetryAfterMs('soon')).toBeUndefined();
		const delay = delayBeforeRetryMs(0, 'soon', DEFAULT_RETRY_POLICY);
		expect(delay).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.baseDelayMs / 2);
		expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.baseDelayMs);
	});

	test('a huge Retry-After is capped by the policy', () => {
		expect(delayBeforeRetryMs(0, '86400', DEFAULT_RETRY_POLICY)).toBe(
			DEFAULT_RETRY_POLICY.maxDelayMs,
		);
	});

	test('Retry-After 0 still waits the minimum back-off', () => {
		expect(delayBeforeRetryMs(0, '0', DEFAULT_RETRY_POLICY)).toBe(50);
		expect(delayBeforeRetryMs(0, '0', { ...DEFAULT_RETRY_POLICY, minDelayMs: 200 })).toBe(200);
	});
});

test('back-off grows exponentially with equal jitter (between half and all of the ceiling), up to the cap', () => {
	const policy = { maxRetries: 10, maxTotalMs: 1e9, baseDelayMs: 100, maxDelayMs: 1000 };
	expect(backoffMs(0, policy, () => 0)).toBe(50);
	expect(backoffMs(0, policy, () => 1)).toBe(100);
	expect(backoffMs(3, policy, () => 1)).toBe(800);
	expect(backoffMs(8, policy, () => 1)).toBe(1000);
});

test('only 429 and 503 count as "not processed"', () => {
	expect([429, 503].every(isNotProcessedStatus)).toBe(true);
	expect([400, 401, 404, 500, 502, 504].some(isNotProcessedStatus)).toBe(false);
});

describe('the retry loop', () => {
	// Waits and the total budget run on jest's clock: a stalled machine cannot spend the budget
	// between two lines.
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());
	/** Lets the loop's timers run to the end, then hands back its promise (settled). */
	async function settled<T>(loop: Promise<T>): Promise<T> {
		// Observed below; keeps the rejection from counting as unhandled meanwhile.
		loop.catch(() => undefined);
		await jest.runAllTimersAsync();
		return loop;
	}

	const policy: RetryPolicy = { maxRetries: 3, maxTotalMs: 5000, baseDelayMs: 10, maxDelayMs: 200 };

	/** Attempts that fail with the given Retry-After values, then succeed. */
	function script(retryAfters: (string | undefined)[], repeatable = true) {
		const calls: number[] = [];
		const giveUps: GiveUp[] = [];
		const attempt = async (n: number): Promise<Verdict<string>> => {
			calls.push(Date.now());
			if (n >= retryAfters.length) return { done: true, value: `ok after ${n}` };
			return {
				done: false,
				repeatable,
				retryAfter: retryAfters[n],
				status: 429,
				giveUp: (why) => {
					giveUps.push(why);
					return new Error(why.kind);
				},
			};
		};
		return { calls, giveUps, attempt };
	}

	test('retries until done, waiting Retry-After each time', async () => {
		const s = script(['0.1', '0.05']);
		await expect(settled(withRetries(policy, s.attempt))).resolves.toBe('ok after 2');
		expect(s.calls).toHaveLength(3);
		expect(s.calls[1] - s.calls[0]).toBe(100);
		expect(s.calls[2] - s.calls[1]).toBe(50);
	});

	test('stops after maxRetries and says how many attempts were made', async () => {
		const s = script(['0', '0', '0', '0', '0']);
		await expect(settled(withRetries(policy, s.attempt))).rejects.toThrow('budget');
		expect(s.calls).toHaveLength(4);
		expect(s.giveUps).toEqual([{ kind: 'budget', attempts: 4 }]);
	});

	test('a Retry-After above maxDelayMs is not waited for: it is reported with what was asked', async () => {
		const s = script(['3600']);
		const seen: number[] = [];
		await expect(
			settled(withRetries(policy, s.attempt, { beforeWait: (ms) => seen.push(ms) })),
		).rejects.toThrow('retryAfterTooLong');
		expect(s.calls).toHaveLength(1);
		expect(s.giveUps).toEqual([
			{ kind: 'retryAfterTooLong', attempts: 1, askedMs: 3_600_000, capMs: 200 },
		]);
		// The caller still learns how long Microsoft asked for (to pause the mailbox).
		expect(seen).toEqual([3_600_000]);
	});

	test('no retry would start after maxTotalMs', async () => {
		const s = script(['0.15', '0.15', '0.15']);
		await expect(
			settled(withRetries({ ...policy, maxDelayMs: 1000, maxTotalMs: 250 }, s.attempt)),
		).rejects.toThrow('budget');
		expect(s.calls).toHaveLength(2);
		expect(s.calls[1] - s.calls[0]).toBe(150);
	});

	test('a failure that must not be repeated is given up at once', async () => {
		const s = script(['0'], false);
		await expect(settled(withRetries(policy, s.attempt))).rejects.toThrow('final');
		expect(s.giveUps).toEqual([{ kind: 'final', attempts: 1 }]);
	});

	test('cancellation ends the wait', async () => {
		const s = script(['5']);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 20);
		const loop = withRetries({ ...policy, maxDelayMs: 10_000, maxTotalMs: 60_000 }, s.attempt, {
			signal: controller.signal,
		});
		loop.catch(() => undefined);
		await jest.advanceTimersByTimeAsync(20);
		await expect(loop).rejects.toThrow('cancelled');
		expect(s.calls).toHaveLength(1); // the 5 s wait ended at 20 ms, with no second attempt
	});
});
