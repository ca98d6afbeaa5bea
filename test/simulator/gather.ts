/**
 * A test aid, not a Microsoft behaviour: holds the first `count` matching Graph requests in flight
 * until all of them have arrived, then answers them together. Tests prove "the client sent N at
 * once" by this count instead of hoping a latency outlasts the client's start-up on a busy machine.
 * If the N never arrive together (a client that sends one at a time), the held ones are answered
 * after `maxWaitMs`, so the test fails on its counts instead of hanging; a correct client never
 * meets that timer.
 */
export interface GatherSpec {
	/** Regex matched against the raw request pathname. */
	path: RegExp;
	/** How many requests to hold until they are all in flight. */
	count: number;
	/** Safety valve for a client that never sends `count` at once (default 15 s). */
	maxWaitMs?: number;
}

interface Barrier {
	spec: GatherSpec;
	waiting: (() => void)[];
	timer?: NodeJS.Timeout;
}

export class Gather {
	private barriers: Barrier[] = [];

	/**
	 * Arms a barrier; several may be armed, each takes the first `count` requests matching its path.
	 */
	add(spec: GatherSpec): void {
		if (!(Number.isSafeInteger(spec.count) && spec.count > 0))
			throw new Error('gather.count must be a positive integer');
		this.barriers.push({ spec, waiting: [] });
	}

	/** Resolves at once for requests no barrier wants; otherwise when the barrier opens. */
	hold(pathname: string): Promise<void> {
		const barrier = this.barriers.find(
			(b) => b.waiting.length < b.spec.count && b.spec.path.test(pathname),
		);
		if (!barrier) return Promise.resolve();
		return new Promise<void>((resolve) => {
			barrier.waiting.push(resolve);
			if (barrier.waiting.length === barrier.spec.count) this.open(barrier);
			else barrier.timer ??= setTimeout(() => this.open(barrier), barrier.spec.maxWaitMs ?? 15_000);
		});
	}

	/** Opens every barrier (answers what is held) and forgets them. */
	clear(): void {
		for (const barrier of this.barriers.splice(0)) this.open(barrier);
	}

	private open(barrier: Barrier): void {
		clearTimeout(barrier.timer);
		// A barrier that opened early is spent: later requests pass, and the counts show what happened.
		barrier.spec = { ...barrier.spec, count: barrier.waiting.length };
		for (const resolve of barrier.waiting) resolve();
	}
}
