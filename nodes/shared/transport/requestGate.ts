import type { MailboxPause } from './mailboxGate';

/**
 * Admission of Graph requests per app and mailbox. Two implementations: the process-wide
 * MailboxGate (the default) and, in n8n queue mode, RedisMailboxGate, which holds Graph's 4
 * concurrent requests across every worker.
 */
export interface RequestGate {
	/**
	 * Waits for a slot; resolves to the function that frees it. `leaseMs`: how long the slot may be
	 * held before others may take it (a process that died while holding one must not block the
	 * mailbox for ever).
	 */
	acquire(
		key: string,
		deadline: number,
		signal?: AbortSignal,
		leaseMs?: number,
	): Promise<() => void>;
	/** Holds every request for `key` until `pause.until` (a 429's Retry-After). */
	pause(key: string, pause: MailboxPause): void;
}
