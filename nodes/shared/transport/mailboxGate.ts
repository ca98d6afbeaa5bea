import { BoundedMap } from '../boundedMap';
import {
	DEFAULT_LANE_TUNING,
	forgettable,
	isConcurrencyThrottle,
	lowerOnThrottle,
	newLaneLimit,
	raiseOnDemand,
	type LaneLimit,
	type LaneTuning,
} from './laneLimit';

/**
 * Process-wide admission to Outlook mail resources: at most 4 concurrent requests per app and
 * mailbox, shared by every execution of this n8n process (one webhook execution per mail is the
 * common pattern, and Graph answers the fifth concurrent request 429 ApplicationThrottled whichever
 * execution sent it). Source: "4 concurrent requests" per app ID and mailbox,
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 *
 * A 429 pauses the whole mailbox for its Retry-After: requests of other items wait too instead of
 * being sent into the same throttle and spending their own retries. Microsoft throttles the client,
 * not the one request: "limits any further requests from that client for a period of time",
 * https://learn.microsoft.com/graph/throttling A 503 (service unavailable or overloaded,
 * https://learn.microsoft.com/graph/errors) is no verdict on this app's use of the mailbox and does
 * not come here: only the refused request waits.
 *
 * The number of slots adapts per mailbox (laneLimit.ts): other processes of the same app (n8n
 * queue-mode workers) share Microsoft's 4, and a 429 naming the MailboxConcurrency limit is how
 * this process learns it.
 */
export const GRAPH_MAILBOX_CONCURRENCY = 4;

/** The pause a 429 imposed, kept so that a request that cannot wait that long can say why. */
export interface MailboxPause {
	until: number;
	status: number;
	code: string;
	message: string;
	requestId?: string;
}

/** A request could not start before its deadline. */
export class GateTimeoutError extends Error {
	constructor(
		readonly waitedMs: number,
		readonly pause: MailboxPause | undefined,
	) {
		super(
			pause
				? `Microsoft throttled this mailbox until ${new Date(pause.until).toISOString()}`
				: `no free request slot for this mailbox within ${Math.round(waitedMs / 1000)} s`,
		);
		this.name = 'GateTimeoutError';
	}
}

interface Waiter {
	deadline: number;
	settled: boolean;
	start: () => void;
	fail: (error: unknown) => void;
}

interface Lane {
	active: number;
	waiting: Waiter[];
	head: number;
	pause?: MailboxPause;
	timer?: NodeJS.Timeout;
	adaptive: LaneLimit;
	/** A raise check is queued (it runs after the request's outcome is known, see release). */
	checking: boolean;
}

/**
 * Beyond this many mailboxes with state, the least recently used one without requests forgets what
 * it learned, throttled or not (bounds memory; a later request to a forgotten throttled mailbox at
 * worst meets Microsoft's 429 again, which pauses it anew).
 */
export const MAX_MAILBOX_LANES = 10_000;

export class MailboxGate {
	private readonly lanes = new BoundedMap<string, Lane>(MAX_MAILBOX_LANES, Infinity, Date.now, {
		evictable: (lane) => lane.active === 0 && lane.waiting.length === 0,
		onEvict: (lane) => clearTimeout(lane.timer),
	});

	/** `cap`: the most slots a mailbox gets (Graph's 4, or the admin's per-process share). */
	constructor(
		readonly cap = GRAPH_MAILBOX_CONCURRENCY,
		private readonly tuning: LaneTuning = DEFAULT_LANE_TUNING,
	) {}

	/**
	 * Waits for a slot (and for any pause to end); resolves to the function that frees the slot.
	 * Fails at once with GateTimeoutError when a pause lasts beyond `deadline`.
	 */
	async acquire(key: string, deadline: number, signal?: AbortSignal): Promise<() => void> {
		const lane = this.lane(key);
		const queuedAt = Date.now();
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => settle(() => reject(new Error('cancelled')));
			const settle = (action: () => void) => {
				if (waiter.settled) return;
				waiter.settled = true;
				signal?.removeEventListener('abort', onAbort);
				action();
			};
			const waiter: Waiter = {
				deadline,
				settled: false,
				start: () => settle(resolve),
				fail: (error) =>
					settle(() =>
						reject(
							error instanceof GateTimeoutError
								? new GateTimeoutError(Date.now() - queuedAt, error.pause)
								: error,
						),
					),
			};
			if (signal?.aborted) return onAbort();
			signal?.addEventListener('abort', onAbort, { once: true });
			lane.waiting.push(waiter);
			this.pump(key, lane);
		});
		let released = false;
		return () => {
			if (released) return;
			released = true;
			lane.active--;
			this.pump(key, lane);
			this.checkRaise(key, lane);
		};
	}

	/** The number of slots the mailbox has now (its cap for a mailbox without state). */
	limitOf(key: string): number {
		return this.lanes.peek(key)?.adaptive.limit ?? this.cap;
	}

	/**
	 * Holds every request for `key` until `pause.until` (a later pause wins). A 429 about the
	 * mailbox's concurrency also takes the mailbox one slot less.
	 */
	pause(key: string, pause: MailboxPause): void {
		const lane = this.lane(key);
		if (isConcurrencyThrottle(pause)) lowerOnThrottle(lane.adaptive, Date.now());
		if (lane.pause && lane.pause.until >= pause.until) return;
		lane.pause = pause;
		this.pump(key, lane);
	}

	/**
	 * Forgets every pause and learned limit (tests use it to start from a clean process state);
	 * requests in flight keep their slots.
	 */
	clearPauses(): void {
		for (const [key, lane] of [...this.lanes.live()]) {
			lane.pause = undefined;
			lane.adaptive = newLaneLimit(this.cap, Date.now(), this.tuning);
			this.pump(key, lane);
		}
	}

	/** Number of mailboxes with state (tests use it to check that idle mailboxes are forgotten). */
	get size(): number {
		return this.lanes.size;
	}

	private lane(key: string): Lane {
		let lane = this.lanes.get(key);
		if (!lane) {
			const adaptive = newLaneLimit(this.cap, Date.now(), this.tuning);
			lane = { active: 0, waiting: [], head: 0, adaptive, checking: false };
			this.lanes.set(key, lane);
		} else if (lane.active === 0 && !lane.pause && forgettable(lane.adaptive, Date.now())) {
			// Idle long enough: what it learned is stale, start from the cap.
			lane.adaptive = newLaneLimit(this.cap, Date.now(), this.tuning);
		}
		return lane;
	}

	/**
	 * After a request ends, one slot more when the lane is busy and has gone long enough without a
	 * concurrency
	 * 429. Deferred to the next turn of the event loop: the slot is freed before the caller has read
	 *      the answer,
	 * and a 429 reaches pause() within the same turn, so by then it has counted.
	 */
	private checkRaise(key: string, lane: Lane): void {
		if (lane.checking) return;
		lane.checking = true;
		setImmediate(() => {
			lane.checking = false;
			if (this.lanes.peek(key) !== lane || lane.pause) return;
			let queued = 0;
			for (let i = lane.head; i < lane.waiting.length && queued === 0; i++)
				if (!lane.waiting[i].settled) queued++;
			const demand = queued > 0 && lane.active >= lane.adaptive.limit;
			if (raiseOnDemand(lane.adaptive, Date.now(), demand)) this.pump(key, lane);
		});
	}

	/**
	 * Starts waiters while there is room, fails those a pause would keep past their deadline, forgets
	 * idle lanes.
	 */
	private pump(key: string, lane: Lane): void {
		clearTimeout(lane.timer);
		lane.timer = undefined;
		if (lane.pause && lane.pause.until <= Date.now()) lane.pause = undefined;
		const pause = lane.pause;
		if (pause) {
			for (let i = lane.head; i < lane.waiting.length; i++)
				if (pause.until > lane.waiting[i].deadline)
					lane.waiting[i].fail(new GateTimeoutError(0, pause));
		}
		while (lane.head < lane.waiting.length) {
			const next = lane.waiting[lane.head];
			if (!next.settled && (pause || lane.active >= lane.adaptive.limit)) break;
			lane.head++;
			if (next.settled) continue;
			lane.active++;
			next.start();
		}
		if (lane.head === lane.waiting.length) {
			lane.waiting = [];
			lane.head = 0;
		}
		if (pause) {
			lane.timer = setTimeout(() => this.pump(key, lane), pause.until - Date.now());
			lane.timer.unref?.();
		} else if (
			lane.active === 0 &&
			lane.waiting.length === 0 &&
			this.lanes.peek(key) === lane &&
			forgettable(lane.adaptive, Date.now())
		) {
			this.lanes.delete(key);
		}
	}
}

/**
 * The process-wide cap per mailbox (the per-run limit is RunMailboxLanes,
 * execute/runMailboxLanes.ts). In queue mode every worker is its own process with its own gate;
 * each learns its share of the mailbox from Microsoft's concurrency 429s (laneLimit.ts).
 * O365_SEND_MAIL_MAILBOX_CONCURRENCY (1–4) sets a hard cap per process instead (e.g. 2 with two
 * workers: no 429 to learn from). Anything else keeps 4.
 */
export function processWideMailboxCap(
	value = process.env.O365_SEND_MAIL_MAILBOX_CONCURRENCY,
): number {
	const n = Number(value);
	return Number.isInteger(n) && n >= 1 && n <= GRAPH_MAILBOX_CONCURRENCY
		? n
		: GRAPH_MAILBOX_CONCURRENCY;
}

/** The gate every GraphClient of this process shares. */
export const processMailboxGate = new MailboxGate(processWideMailboxCap());

/**
 * The gate key of a Graph URL: Graph host, tenant and app (the limit is per app and mailbox) and
 * the mailbox from the `/users/{mailbox}/` segment; undefined for URLs that name no mailbox (they
 * are not gated).
 */
export function mailboxKeyOf(url: string, scope: string): string | undefined {
	const parsed = new URL(url);
	const match = /^\/[^/]+\/users\/([^/]+)\//i.exec(parsed.pathname);
	if (!match) return undefined;
	return `${parsed.host}|${scope}|${decodeURIComponent(match[1]).toLowerCase()}`;
}
