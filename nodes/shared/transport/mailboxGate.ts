/**
 * Process-wide admission to Outlook mail resources: at most 4 concurrent requests per app and mailbox, shared by
 * every execution of this n8n process (one webhook execution per mail is the common pattern, and Graph answers
 * the fifth concurrent request 429 ApplicationThrottled whichever execution sent it). Source: "4 concurrent
 * requests" per app ID and mailbox, https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 *
 * A 429 pauses the whole mailbox for its Retry-After: requests of other items wait too instead of being sent
 * into the same throttle and spending their own retries.
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
}

export class MailboxGate {
	private readonly lanes = new Map<string, Lane>();

	constructor(readonly limit = GRAPH_MAILBOX_CONCURRENCY) {}

	/**
	 * Waits for a slot (and for any pause to end); resolves to the function that frees the slot. Fails at once
	 * with GateTimeoutError when a pause lasts beyond `deadline`.
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
		};
	}

	/** Holds every request for `key` until `pause.until` (a later pause wins). */
	pause(key: string, pause: MailboxPause): void {
		const lane = this.lane(key);
		if (lane.pause && lane.pause.until >= pause.until) return;
		lane.pause = pause;
		this.pump(key, lane);
	}

	/** Forgets every pause (tests use it to start from a clean process state); requests in flight keep their slots. */
	clearPauses(): void {
		for (const [key, lane] of this.lanes) {
			lane.pause = undefined;
			this.pump(key, lane);
		}
	}

	/** Number of mailboxes with state (tests use it to check that idle mailboxes are forgotten). */
	get size(): number {
		return this.lanes.size;
	}

	private lane(key: string): Lane {
		let lane = this.lanes.get(key);
		if (!lane) this.lanes.set(key, (lane = { active: 0, waiting: [], head: 0 }));
		return lane;
	}

	/** Starts waiters while there is room, fails those a pause would keep past their deadline, forgets idle lanes. */
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
			if (!next.settled && (pause || lane.active >= this.limit)) break;
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
		} else if (lane.active === 0 && lane.waiting.length === 0 && this.lanes.get(key) === lane) {
			this.lanes.delete(key);
		}
	}
}

/**
 * The per-process limit. In queue mode every worker is its own process with its own gate, so with W workers up
 * to 4·W requests can reach one mailbox; O365_SEND_MAIL_MAILBOX_CONCURRENCY (1–4) lets the admin give each
 * worker its share (e.g. 2 with two workers). Anything else keeps Graph's 4.
 */
export function processLimit(value = process.env.O365_SEND_MAIL_MAILBOX_CONCURRENCY): number {
	const n = Number(value);
	return Number.isInteger(n) && n >= 1 && n <= GRAPH_MAILBOX_CONCURRENCY
		? n
		: GRAPH_MAILBOX_CONCURRENCY;
}

/** The gate every GraphClient of this process shares. */
export const processMailboxGate = new MailboxGate(processLimit());

/**
 * The gate key of a Graph URL: Graph host, tenant and app (the limit is per app and mailbox) and the mailbox from
 * the `/users/{mailbox}/` segment; undefined for URLs that name no mailbox (they are not gated).
 */
export function mailboxKeyOf(url: string, scope: string): string | undefined {
	const parsed = new URL(url);
	const match = /^\/[^/]+\/users\/([^/]+)\//i.exec(parsed.pathname);
	if (!match) return undefined;
	return `${parsed.host}|${scope}|${decodeURIComponent(match[1]).toLowerCase()}`;
}
