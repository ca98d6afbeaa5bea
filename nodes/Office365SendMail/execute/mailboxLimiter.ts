/**
 * Graph allows 4 concurrent requests per app and mailbox (learn: graph/throttling-limits, Outlook service
 * limits; reference §3.1). Items of one mailbox run at most `perMailbox` at a time; different mailboxes proceed
 * in parallel up to `total`.
 */
export class MailboxLimiter {
	private readonly active = new Map<string, number>();
	private readonly waiting: { mailbox: string; start: () => void }[] = [];
	private running = 0;

	constructor(
		private readonly perMailbox: number,
		private readonly total: number,
	) {}

	async run<T>(mailbox: string, task: () => Promise<T>): Promise<T> {
		const key = mailbox.toLowerCase();
		await new Promise<void>((resolve) => {
			this.waiting.push({ mailbox: key, start: resolve });
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
		for (let i = 0; i < this.waiting.length && this.running < this.total; ) {
			const next = this.waiting[i];
			if ((this.active.get(next.mailbox) ?? 0) >= this.perMailbox) {
				i++;
				continue;
			}
			this.waiting.splice(i, 1);
			this.running++;
			this.active.set(next.mailbox, (this.active.get(next.mailbox) ?? 0) + 1);
			next.start();
		}
	}
}
