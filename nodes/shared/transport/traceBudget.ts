import { BoundedMap } from '../boundedMap';

/**
 * Process-wide budget for Exchange message trace: Microsoft accepts 100 requests per 5 minutes (a
 * running window, per tenant) and answers the rest 429. Sources: "This API has a throttling limit
 * of 100 requests per 5 minutes",
 * https://learn.microsoft.com/graph/api/exchangemessagetrace-getdetailsbyrecipient, and "A maximum
 * of 100 query requests will be accepted within 5 minutes running window",
 * https://learn.microsoft.com/powershell/module/exchange/get-messagetracedetailv2
 *
 * One lane per Graph host and tenant, shared by every item and execution of this n8n process (as
 * the mailbox gate is for mail): a request takes a slot when fewer than 100 were started in the
 * last 5 minutes, otherwise it waits for the oldest to leave the window. A 429 pauses the lane for
 * its Retry-After: other processes of the tenant (queue-mode workers, scripts) use the same budget,
 * and Microsoft's answer is the only way to learn of them.
 */
export const TRACE_BUDGET_REQUESTS = 100;
export const TRACE_BUDGET_WINDOW_MS = 5 * 60_000;

/**
 * A request could not start before its deadline: the budget is spent (or Microsoft paused the
 * tenant).
 */
export class TraceBudgetError extends Error {
	constructor(
		/** When the next request could start. */
		readonly nextAt: number,
		/** True when a 429's Retry-After set nextAt, false when this process counted the 100 itself. */
		readonly byMicrosoft: boolean,
	) {
		super(
			byMicrosoft
				? `Microsoft throttled message trace for this tenant until ${new Date(nextAt).toISOString()} (Retry-After)`
				: `the message trace budget of ${TRACE_BUDGET_REQUESTS} requests per 5 minutes for this tenant is used up until ${new Date(nextAt).toISOString()}`,
		);
		this.name = 'TraceBudgetError';
	}
}

interface Lane {
	/** Start times of the requests in the window, oldest first. */
	started: number[];
	pausedUntil: number;
	/** Requests wait in turn: each one chains on the previous one's admission. */
	tail: Promise<void>;
}

/**
 * Beyond this many tenants, the least recently used whose window is empty and who are not paused
 * are forgotten.
 */
const MAX_LANES = 1_000;

export class TraceBudget {
	private readonly lanes: BoundedMap<string, Lane>;

	constructor(
		readonly requests = TRACE_BUDGET_REQUESTS,
		readonly windowMs = TRACE_BUDGET_WINDOW_MS,
		private readonly now: () => number = Date.now,
		private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
	) {
		this.lanes = new BoundedMap<string, Lane>(MAX_LANES, Infinity, now, {
			evictable: (lane) => this.idle(lane),
		});
	}

	/**
	 * Waits for a slot, in order of arrival, and counts the request. Fails with TraceBudgetError,
	 * without waiting, when the slot would come after `deadline`.
	 */
	async acquire(key: string, deadline: number, signal?: AbortSignal): Promise<void> {
		const lane = this.lane(key);
		const turn = lane.tail.then(() => this.admit(lane, deadline, signal));
		// The next request waits for this one's admission, not for its success.
		lane.tail = turn.catch(() => undefined);
		await turn;
	}

	/** Holds every request of `key` until `until` (a later pause wins). */
	pause(key: string, until: number): void {
		const lane = this.lane(key);
		lane.pausedUntil = Math.max(lane.pausedUntil, until);
	}

	/**
	 * When a request of `key` could start now (tests and Check Setup read it; nothing is counted).
	 */
	nextFreeAt(key: string): number {
		const lane = this.lanes.get(key);
		return lane ? this.freeAt(lane) : this.now();
	}

	/** Forgets every count and pause (tests use it to start from a clean process state). */
	clear(): void {
		this.lanes.clear();
	}

	private async admit(lane: Lane, deadline: number, signal?: AbortSignal): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw new Error('cancelled');
			const at = this.freeAt(lane);
			const now = this.now();
			if (at <= now) {
				lane.started.push(now);
				return;
			}
			if (at > deadline) throw new TraceBudgetError(at, lane.pausedUntil >= at);
			await this.sleep(at - now);
		}
	}

	private freeAt(lane: Lane): number {
		const now = this.now();
		while (lane.started.length && lane.started[0] <= now - this.windowMs) lane.started.shift();
		const full =
			lane.started.length >= this.requests
				? lane.started[lane.started.length - this.requests] + this.windowMs
				: now;
		return Math.max(full, lane.pausedUntil, now);
	}

	private lane(key: string): Lane {
		let lane = this.lanes.get(key);
		if (!lane) {
			lane = { started: [], pausedUntil: 0, tail: Promise.resolve() };
			this.lanes.set(key, lane);
		}
		return lane;
	}

	private idle(lane: Lane): boolean {
		const now = this.now();
		const last = lane.started[lane.started.length - 1] ?? 0;
		return last <= now - this.windowMs && lane.pausedUntil <= now;
	}
}

function defaultSleep(ms: number): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		timer.unref?.();
	});
}

/** The budget every message trace request of this process goes through. */
export const processTraceBudget = new TraceBudget();

/** The lane of a tenant: Graph host and tenant id (the budget is Microsoft's per tenant). */
export function traceBudgetKey(graphEndpoint: string, tenantId: string): string {
	return `${new URL(graphEndpoint).host}|${tenantId.toLowerCase()}`;
}
