/**
 * A map with a size cap and optional expiry, for the process-wide caches (tokens, answered questions, proxy
 * agents): the least recently used entry goes first when the cap is reached, and an expired entry reads as absent.
 * Insertion order of a JavaScript Map is the recency order: reads and writes move the key to the end.
 */
export class BoundedMap<K, V> {
	private readonly entries = new Map<K, { value: V; expires: number }>();

	constructor(
		readonly maxEntries: number,
		private readonly defaultTtlMs = Infinity,
		private readonly now: () => number = Date.now,
	) {}

	get(key: K): V | undefined {
		const found = this.entries.get(key);
		if (!found) return undefined;
		this.entries.delete(key);
		if (found.expires <= this.now()) return undefined;
		this.entries.set(key, found);
		return found.value;
	}

	set(key: K, value: V, ttlMs = this.defaultTtlMs): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expires: this.now() + ttlMs });
		for (const oldest of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldest);
		}
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
}
