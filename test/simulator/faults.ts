/**
 * Fault injection: an ordered list of rules, each affecting a bounded number of matching requests.
 */
import type { FaultAction, FaultSpec, RequestKind } from './types';

const ACTIONS: readonly FaultAction[] = [
	'respond',
	'processThenRespond',
	'resetBeforeProcessing',
	'processThenReset',
	'hang',
	'processThenHang',
];

export interface ActiveFault {
	id: string;
	spec: FaultSpec;
	action: FaultAction;
	pathRe?: RegExp;
	remaining: number;
	/** Matching requests still to let through. */
	passing: number;
}

export interface FaultTarget {
	kind: RequestKind;
	method: string;
	rawPath: string;
	decodedPath: string;
	/**
	 * Lower-cased identifiers of the addressed mailbox (path segment, and UPN/mail/id when known).
	 */
	mailboxKeys: string[];
}

/** mulberry32: small, seedable, good enough for probabilistic faults. */
function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultRegistry {
	private faults: ActiveFault[] = [];
	private nextId = 1;
	private random: () => number;

	constructor(private readonly seed: number) {
		this.random = seededRandom(seed);
	}

	add(spec: FaultSpec): string {
		const action = spec.action ?? 'respond';
		if (!ACTIONS.includes(action)) throw new Error(`unknown fault action: ${String(action)}`);
		if (!spec.match || typeof spec.match !== 'object') throw new Error('fault.match is required');
		const probability = spec.probability ?? 1;
		if (!(probability >= 0 && probability <= 1))
			throw new Error('fault.probability must be within 0..1');
		const path = spec.match.path;
		const id = `fault-${this.nextId++}`;
		this.faults.push({
			id,
			spec,
			action,
			pathRe: path === undefined ? undefined : path instanceof RegExp ? path : new RegExp(path),
			remaining: spec.times ?? Infinity,
			passing: spec.after ?? 0,
		});
		return id;
	}

	clear(): void {
		this.faults = [];
	}

	/** Clears the rules and restarts the RNG from the seed, so runs are reproducible. */
	reset(): void {
		this.clear();
		this.random = seededRandom(this.seed);
	}

	/**
	 * The first rule (in injection order) that matches and fires for this request; consumes one of
	 * its `times`.
	 */
	take(target: FaultTarget): ActiveFault | undefined {
		for (const fault of this.faults) {
			if (fault.remaining <= 0 || !matches(fault, target)) continue;
			const probability = fault.spec.probability ?? 1;
			if (probability < 1 && this.random() >= probability) continue;
			if (fault.passing > 0) {
				fault.passing -= 1;
				continue;
			}
			fault.remaining -= 1;
			return fault;
		}
		return undefined;
	}
}

function matches(fault: ActiveFault, target: FaultTarget): boolean {
	const m = fault.spec.match;
	if (m.kind !== undefined && m.kind !== target.kind) return false;
	if (m.method !== undefined && m.method.toUpperCase() !== target.method.toUpperCase())
		return false;
	if (fault.pathRe) {
		fault.pathRe.lastIndex = 0;
		const rawHit = fault.pathRe.test(target.rawPath);
		fault.pathRe.lastIndex = 0;
		if (!rawHit && !fault.pathRe.test(target.decodedPath)) return false;
	}
	if (m.mailbox !== undefined && !target.mailboxKeys.includes(m.mailbox.toLowerCase()))
		return false;
	return true;
}

export function defaultFaultStatus(action: FaultAction): number {
	return action === 'processThenRespond' ? 504 : 503;
}
