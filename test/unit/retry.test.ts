import {
	backoffMs,
	delayBeforeRetryMs,
	DEFAULT_RETRY_POLICY,
	isNotProcessedStatus,
	parseRetryAfterMs,
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
});

test('back-off grows exponentially, with jitter, up to the cap', () => {
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
