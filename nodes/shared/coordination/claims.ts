/**
 * Short-lived claims on a name ("this process is sending the message with key K"), shared by everyone who could
 * act on the same name: the n8n process without queue mode, every worker through Redis in queue mode.
 * The value says what the holder knows (pending, sent, unknown); only the holder whose value is still current
 * may change or free it.
 */
export type ClaimResult = { claimed: true } | { claimed: false; value: string };

export interface ClaimStore {
	/** Takes `name` for `ttlMs` when nobody holds it; otherwise tells the holder's value. */
	claim(name: string, value: string, ttlMs: number): Promise<ClaimResult>;
	/** Replaces the value of a claim still holding `expected` (false when it expired or another holds it). */
	update(name: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
	/** Frees a claim still holding `expected`. */
	release(name: string, expected: string): Promise<void>;
	/** The current holder's value, if any (for display only: act through claim). */
	peek(name: string): Promise<string | undefined>;
}

/** Beyond this many live claims the earliest expiring are dropped (bounds the memory any input can take). */
const MAX_CLAIMS = 100_000;

/** The claims of one n8n process (no queue mode): a map with expiry times. */
export class MemoryClaims implements ClaimStore {
	private readonly entries = new Map<string, { value: string; expires: number }>();

	async claim(name: string, value: string, ttlMs: number): Promise<ClaimResult> {
		const held = this.live(name);
		if (held !== undefined) return { claimed: false, value: held };
		this.set(name, value, ttlMs);
		return { claimed: true };
	}

	async update(name: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
		if (this.live(name) !== expected) return false;
		this.set(name, value, ttlMs);
		return true;
	}

	async release(name: string, expected: string): Promise<void> {
		if (this.live(name) === expected) this.entries.delete(name);
	}

	async peek(name: string): Promise<string | undefined> {
		return this.live(name);
	}

	/** Forgets everything (a new process). */
	clear(): void {
		this.entries.clear();
	}

	private live(name: string): string | undefined {
		const entry = this.entries.get(name);
		if (!entry) return undefined;
		if (entry.expires > Date.now()) return entry.value;
		this.entries.delete(name);
		return undefined;
	}

	private set(name: string, value: string, ttlMs: number): void {
		this.entries.delete(name);
		this.entries.set(name, { value, expires: Date.now() + ttlMs });
		if (this.entries.size <= MAX_CLAIMS) return;
		const now = Date.now();
		for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
		// Still full: drop the oldest entries (Map keeps insertion order, and set() re-inserts).
		for (const key of this.entries.keys()) {
			if (this.entries.size <= MAX_CLAIMS) break;
			this.entries.delete(key);
		}
	}
}
