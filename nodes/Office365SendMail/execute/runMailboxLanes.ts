/**
 * The per-run mailbox limit: the items of one node run for one mailbox start at most `perMailbox`
 * at a time, and different mailboxes proceed in parallel up to `total`. The process-wide limit
 * (every run of this n8n process) is processMailboxGate in nodes/shared/transport/mailboxGate.ts;
 * both follow Graph's 4 concurrent requests per app and mailbox
 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
 *
 * Waiting tasks are queued per mailbox and started in arrival order among the mailboxes that have
 * room, so one start costs O(mailboxes), not O(waiting items): a single scan over every waiting
 * item made 10,000 items to one mailbox cost about a second of CPU and 50,000 about 20 s
 * (docs/BENCHMARKS.md).
 */
export class RunMailboxLanes {
	private readonly active = new Map<string, number>();
	/**
	 * Per mailbox, waiting starts in arrival order; `head` is the next one (the array is not
	 * shifted).
	 */
	private readonly queues = new Map<
		string,
		{ waiting: { seq: number; start: () => void }[]; head: number }
	>();
	private running = 0;
	private seq = 0;

	constructor(
		private readonly perMailbox: number,
		private readonly total: number,
	) {}

	async run<T>(mailbox: string, task: () => Promise<T>): Promise<T> {
		const key = mailbox.toLowerCase();
		await new Promise<void>((resolve) => {
			let queue = this.queues.get(key);
			if (!queue) this.queues.set(key, (queue = { waiting: [], head: 0 }));
			queue.waiting.push({ seq: this.seq++, start: resolve });
			this.pump();
		});
		try {
			return await task();
		} finally {
			this.running--;
			this.active.set(key, (this.active.get(key) ?? 1) - 1);
			this.pump();
		}
	}

	private pump(): void {
		while (this.running < this.total) {
			// The earliest waiting task among mailboxes below their limit.
			let pick: string | undefined;
			let earliest = Infinity;
			for (const [key, queue] of this.queues) {
				const seq = queue.waiting[queue.head].seq;
				if (seq < earliest && (this.active.get(key) ?? 0) < this.perMailbox) {
					pick = key;
					earliest = seq;
				}
			}
			if (pick === undefined) return;
			const queue = this.queues.get(pick)!;
			const next = queue.waiting[queue.head++];
			if (queue.head === queue.waiting.length) this.queues.delete(pick);
			this.running++;
			this.active.set(pick, (this.active.get(pick) ?? 0) + 1);
			next.start();
		}
	}
}
