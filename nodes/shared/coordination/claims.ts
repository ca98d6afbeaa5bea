import { BoundedMap } from '../boundedMap';

/**
 * Short-lived claims on a name ("this process is sending the message with key K"), shared by
 * everyone who could act on the same name: the n8n process without queue mode, every worker through
 * Redis in queue mode. The value says what the holder knows (pending, sent, unknown); only the
 * holder whose value is still current may change or free it.
 */
export type ClaimResult = { claimed: true } | { claimed: false; value: string };

export interface ClaimStore {
	/** Takes `name` for `ttlMs` when nobody holds it; otherwise tells the holder's value. */
	claim(name: string, value: string, ttlMs: number): Promise<ClaimResult>;
	/**
	 * Replaces the value of a claim still holding `expected` (false when it expired or another holds
	 * it).
	 */
	update(name: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
	/** Frees a claim still holding `expected`. */
	release(name: string, expected: string): Promise<void>;
	/** The current holder's value, if any (for display only: act through claim). */
	peek(name: string): Promise<string | undefined>;
}

/**
 * Beyond this many claims the least recently used go first (bounds the memory any input can take).
 */
const MAX_CLAIMS = 100_000;

/**
 * The claims of one n8n process (no queue mode): a bounded map whose entries expire with their
 * claim.
 */
export class MemoryClaims implements ClaimStore {
	private readonly entries = new BoundedMap<string, string>(MAX_CLAIMS);

	async claim(name: string, value: string, ttlMs: number): Promise<ClaimResult> {
		const held = this.entries.get(name);
		if (held !== undefined) return { claimed: false, value: held };
		this.entries.set(name, value, ttlMs);
		return { claimed: true };
	}

	async update(name: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
		if (this.entries.get(name) !== expected) return false;
		this.entries.set(name, value, ttlMs);
		return true;
	}

	async release(name: string, expected: string): Promise<void> {
		if (this.entries.get(name) === expected) this.entries.delete(name);
	}

	async peek(name: string): Promise<string | undefined> {
		return this.entries.get(name);
	}

	/** Forgets everything (a new process). */
	clear(): void {
		this.entries.clear();
	}
}
