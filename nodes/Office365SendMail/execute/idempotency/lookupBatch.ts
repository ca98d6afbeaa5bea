import { outcomeOf, outcomeOfSync } from '../../../shared/outcome';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { GraphApiError } from '../../../shared/transport/graphErrors';
import { MARKER_PROPERTY_ID } from '../../delivery/findSent';
import { graphRequest } from '../../delivery/requests';
import { keyLookup, keyLookupTop } from '../../delivery/requests/keyLookup';
import type { RunContext } from '../outcomes';
import type { PreparedItem } from '../operations/types';
import { findKeyedMessage, keyedMessageOf, type KeyedMessage } from './lookup';

/** Keys per combined lookup at most: a URL of about 5,000 characters. */
export const KEYS_PER_LOOKUP = 20;
/**
 * How long a "not in the mailbox" of a combined lookup may stand in for the look after the claim.
 * The look can come before this run's claim; another sender's claim lives on after its send (an
 * hour once settled, at least 90 s if it could not be settled), longer than this, so a message sent
 * in between is still seen through its claim.
 */
export const LOOKUP_FRESH_MS = 30_000;

/** A key's answer from a combined lookup: `found` undefined means not in the mailbox at `at`. */
interface Answer {
	at: number;
	found?: KeyedMessage;
}

/**
 * Per Graph endpoint and tenant, how many keys a combined lookup may carry: Microsoft publishes no
 * limit for the clauses of this filter or the URL's length, so each 400 (or 414) halves it; below
 * 2, every key is asked alone.
 */
const limits = new Map<string, number>();

function keysPerLookup(scope: string): number {
	return limits.get(scope) ?? KEYS_PER_LOOKUP;
}

/**
 * The keyed items of one run and sender mailbox, looked up in the mailbox up to KEYS_PER_LOOKUP at
 * a time, in the order the run delivers them, instead of one lookup per message. The filter is an
 * `or` of the documented single-value extended property filter
 * (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get); Microsoft documents the
 * filter for one value, so when Graph refuses the combination (400) the keys of that request are
 * looked up alone and later requests carry half as many keys.
 */
class SenderLookups {
	private readonly answers = new Map<string, Answer>();
	private readonly inFlight = new Map<string, Promise<void>>();
	private cursor = 0;

	constructor(
		private readonly graph: GraphClient,
		private readonly sender: string,
		private readonly scope: string,
		private readonly hashes: string[],
	) {}

	/**
	 * The key's message, or undefined when the mailbox has none; each answer of a combined lookup
	 * serves once.
	 */
	async find(hash: string): Promise<KeyedMessage | undefined> {
		if (!this.answers.has(hash) && !this.inFlight.has(hash)) this.startBatch(hash);
		await this.inFlight.get(hash);
		const answer = this.answers.get(hash);
		this.answers.delete(hash);
		// Ask for the next keys while these are sent, so no item waits for a lookup (one slot of the
		// mailbox's 4).
		if (this.answers.size < keysPerLookup(this.scope) / 2 && !this.inFlight.size) this.startBatch();
		if (answer && Date.now() - answer.at <= LOOKUP_FRESH_MS) return answer.found;
		return await findKeyedMessage(this.graph, this.sender, hash);
	}

	/** `first` (when given) and the next keys of the run that have no answer yet, in one request. */
	private startBatch(first?: string): void {
		const most = keysPerLookup(this.scope);
		if (most < 2) return;
		const batch = first ? [first] : [];
		while (this.cursor < this.hashes.length && batch.length < most) {
			const next = this.hashes[this.cursor++];
			if (!batch.includes(next) && !this.answers.has(next) && !this.inFlight.has(next))
				batch.push(next);
		}
		// One key alone: the single-value request the fallback makes anyway.
		if (batch.length <= 1) return;
		// lookUp catches its own failures: a key without an answer is then looked up alone.
		const done = this.lookUp(batch)
			.catch(() => undefined)
			.finally(() => {
				for (const h of batch) this.inFlight.delete(h);
			});
		for (const h of batch) this.inFlight.set(h, done);
	}

	private async lookUp(batch: string[]): Promise<void> {
		const at = Date.now();
		const answer = await outcomeOf(() =>
			this.graph.request(graphRequest(keyLookup(this.graph.graphEndpoint, this.sender, batch))),
		);
		// Any failure: each key is looked up alone, which reports its own error (a 403 names the
		// permission).
		if (!answer.ok) {
			const { error } = answer;
			if (error instanceof GraphApiError && (error.status === 400 || error.status === 414))
				limits.set(this.scope, Math.min(keysPerLookup(this.scope), Math.floor(batch.length / 2)));
			return;
		}
		const json = outcomeOfSync(
			() => JSON.parse(answer.value.body.toString('utf8')) as { value?: unknown },
		);
		const list: unknown[] = json.ok && Array.isArray(json.value?.value) ? json.value.value : [];
		if (!json.ok) return;
		const found = new Map<string, KeyedMessage>();
		for (const record of list) {
			const hash = markerValueOf(record);
			const message = keyedMessageOf(record);
			if (hash && message && batch.includes(hash) && !found.has(hash)) found.set(hash, message);
		}
		// A full page may have left messages out: keys not in it get no "not found" from this answer.
		const complete = list.length < keyLookupTop(batch);
		for (const hash of batch)
			if (found.has(hash) || complete) this.answers.set(hash, { at, found: found.get(hash) });
	}
}

function markerValueOf(record: unknown): string | undefined {
	const props = (record as { singleValueExtendedProperties?: unknown })
		?.singleValueExtendedProperties;
	if (!Array.isArray(props)) return undefined;
	const marker = props.find(
		(p: { id?: unknown }) =>
			typeof p?.id === 'string' && p.id.toLowerCase() === MARKER_PROPERTY_ID.toLowerCase(),
	) as { value?: unknown } | undefined;
	return typeof marker?.value === 'string' ? marker.value : undefined;
}

const runs = new WeakMap<RunContext, Map<string, SenderLookups>>();

/** Registers the run's keyed items so their lookups can be combined per sender mailbox. */
export function planKeyLookups(run: RunContext, graph: GraphClient, items: PreparedItem[]): void {
	const bySender = new Map<string, { sender: string; hashes: string[] }>();
	for (const item of items) {
		if (!item.idempotency) continue;
		const key = item.sender.toLowerCase();
		const entry = bySender.get(key) ?? { sender: item.sender, hashes: [] };
		entry.hashes.push(item.idempotency.hash);
		bySender.set(key, entry);
	}
	if (!bySender.size) return;
	const scope = `${run.settings.graphEndpoint} ${run.settings.tenantId}`;
	const lookups = new Map<string, SenderLookups>();
	for (const [key, { sender, hashes }] of bySender)
		lookups.set(key, new SenderLookups(graph, sender, scope, hashes));
	runs.set(run, lookups);
}

/**
 * The item's key in its mailbox: through the run's combined lookups when planned, otherwise alone.
 */
export async function findKey(
	run: RunContext,
	graph: GraphClient,
	item: PreparedItem,
	hash: string,
): Promise<KeyedMessage | undefined> {
	const lookups = runs.get(run)?.get(item.sender.toLowerCase());
	if (!lookups) return await findKeyedMessage(graph, item.sender, hash);
	return await lookups.find(hash);
}

/** Forgets how many keys each Graph endpoint accepted per lookup (tests). */
export function resetCombinedLookups(): void {
	limits.clear();
}
