/** What a BoundedMap may not drop, and what it does with an entry it drops. */
export interface EvictionRules<V> {
	/**
	 * False for entries still in use (e.g. a lane with requests in flight): they stay, even beyond
	 * the cap.
	 */
	evictable?: (value: V) => boolean;
	/** Called for each entry the cap drops (e.g. to stop its timer); not for delete() or clear(). */
	onEvict?: (value: V) => void;
}

/**
 * The one bounded map of the package, for everything process-wide (tokens, proxy agents, claims,
 * mailbox and trace lanes): the least recently used entry goes first when the cap is reached, and
 * an expired entry reads as absent. Insertion order of a JavaScript Map is the recency order: reads
 * and writes move the key to the end.
 */
export class BoundedMap<K, V> {
	private readonly entries = new Map<K, { value: V; expires: number }>();

	constructor(
		readonly maxEntries: number,
		private readonly defaultTtlMs = Infinity,
		private readonly now: () => number = Date.now,
		private readonly rules: EvictionRules<V> = {},
	) {}

	get(key: K): V | undefined {
		const found = this.entries.get(key);
		if (!found) return undefined;
		this.entries.delete(key);
		if (found.expires <= this.now()) return undefined;
		this.entries.set(key, found);
		return found.value;
	}

	/**
	 * The live value without making it the most recently used (for identity checks that are no use).
	 */
	peek(key: K): V | undefined {
		const found = this.entries.get(key);
		return found && found.expires > this.now() ? found.value : undefined;
	}

	set(key: K, value: V, ttlMs = this.defaultTtlMs): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expires: this.now() + ttlMs });
		if (this.entries.size > this.maxEntries) this.evict(key);
	}

	delete(key: K): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}

	get size(): number {
		return this.entries.size;
	}

	/** Keys of the live entries, least recently used first, without touching their recency. */
	*keys(): IterableIterator<K> {
		for (const [key] of this.live()) yield key;
	}

	/** Live entries, least recently used first, without touching their recency. */
	*live(): IterableIterator<[K, V]> {
		const now = this.now();
		for (const [key, entry] of this.entries) if (entry.expires > now) yield [key, entry.value];
	}

	/**
	 * Drops the least recently used entries that may go (an expired one always may), never the entry
	 * just set. A large map goes a tenth below its cap at once: each pass walks the front of the Map,
	 * where V8 keeps the holes of deleted entries until it rehashes, so one pass per entry made
	 * 50,000 inserts over a cap of 10,000 take about a second.
	 */
	private evict(kept: K): void {
		const now = this.now();
		const { evictable = () => true, onEvict } = this.rules;
		const target = this.maxEntries - Math.floor(this.maxEntries / 10);
		for (const [key, entry] of this.entries) {
			if (this.entries.size <= target) return;
			if (key === kept || (entry.expires > now && !evictable(entry.value))) continue;
			this.entries.delete(key);
			onEvict?.(entry.value);
		}
	}
}
