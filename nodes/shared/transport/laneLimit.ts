/**
 * The adaptive limit of one mailbox lane (additive increase, decrease on throttling, as TCP
 * congestion control).
 *
 * Graph allows 4 concurrent requests per app and mailbox, whichever process sends them. In n8n
 * queue mode every worker is its own process and cannot see the others, so each one learns its
 * share: a 429 that names the MailboxConcurrency limit means this app had more requests at the
 * mailbox than Microsoft allows, so the lane takes one slot less (never below 1). A lane that keeps
 * demand above its limit without such a 429 for a while takes one slot more again, up to its cap.
 * Two workers sending from one mailbox settle at about 2 + 2.
 *
 * A raise that is answered by a concurrency 429 soon after cost a paused mailbox (Retry-After,
 * usually 1 s or more), so the wait before the next raise doubles (up to maxHoldMs); a raise that
 * held resets it.
 */

export interface LaneTuning {
	/**
	 * How long a lane keeps a lowered limit, under demand and without a concurrency 429, before
	 * trying one more.
	 */
	minHoldMs: number;
	/**
	 * The longest such wait, reached by doubling after raises that were answered by a
	 * concurrency 429.
	 */
	maxHoldMs: number;
	/**
	 * An idle lane forgets what it learned after this long without a change, and starts from its cap
	 * again.
	 */
	learnedTtlMs: number;
}

export const DEFAULT_LANE_TUNING: LaneTuning = {
	minHoldMs: 5_000,
	maxHoldMs: 60_000,
	learnedTtlMs: 10 * 60_000,
};

export interface LaneLimit {
	/** Requests this process lets run at once to the mailbox now (1…cap). */
	limit: number;
	cap: number;
	/** When the limit last changed (or the lane was created). */
	changedAt: number;
	/** The wait, under demand and without a concurrency 429, before the next raise. */
	holdMs: number;
	/**
	 * True when the last change was a raise (a 429 within holdMs of it means the raise was too much).
	 */
	raised: boolean;
	tuning: LaneTuning;
}

export function newLaneLimit(cap: number, now: number, tuning = DEFAULT_LANE_TUNING): LaneLimit {
	return { limit: cap, cap, changedAt: now, holdMs: tuning.minHoldMs, raised: false, tuning };
}

/**
 * True for the 429 Outlook sends when the app has more concurrent requests at the mailbox than
 * allowed (`ApplicationThrottled`, "Application is over its MailboxConcurrency limit."; public
 * traces: https://github.com/magodo/terraform-provider-outlook/issues/21,
 * https://github.com/alcionai/corso/issues/3695). Other 429s (the 10,000-requests-per-10-minutes
 * and upload-bytes limits, Graph's generic TooManyRequests) pause the mailbox for their Retry-After
 * but say nothing about concurrency, so they do not lower the limit.
 */
export function isConcurrencyThrottle(signal: {
	status: number;
	code: string;
	message: string;
}): boolean {
	return signal.status === 429 && /MailboxConcurrency/i.test(signal.message);
}

/**
 * A concurrency 429: one slot less. Each 429 is one request that did not fit, so a burst of them
 * lowers the limit by as many (never below 1). A raise that did not hold for holdMs makes the next
 * wait twice as long.
 */
export function lowerOnThrottle(state: LaneLimit, now: number): void {
	if (state.raised) {
		const held = now - state.changedAt >= state.holdMs;
		state.holdMs = held
			? state.tuning.minHoldMs
			: Math.min(state.tuning.maxHoldMs, state.holdMs * 2);
	}
	state.limit = Math.max(1, state.limit - 1);
	state.changedAt = now;
	state.raised = false;
}

/**
 * A request finished without a concurrency 429. With requests still waiting (the lane is using all
 * it has) and holdMs since the last change, one slot more. Returns true when the limit rose.
 */
export function raiseOnDemand(state: LaneLimit, now: number, demand: boolean): boolean {
	if (!demand || state.limit >= state.cap || now - state.changedAt < state.holdMs) return false;
	// The previous raise held for a whole holdMs: back to the short wait.
	if (state.raised) state.holdMs = state.tuning.minHoldMs;
	state.limit++;
	state.changedAt = now;
	state.raised = true;
	return true;
}

/**
 * True when an idle lane's learned limit is worth nothing more: back at the cap, or unchanged for
 * long.
 */
export function forgettable(state: LaneLimit, now: number): boolean {
	return state.limit >= state.cap || now - state.changedAt >= state.tuning.learnedTtlMs;
}
