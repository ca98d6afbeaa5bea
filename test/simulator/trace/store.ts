/**
 * The simulated tenant's message trace settings and observations: how long before a sent message
 * shows in the trace and before its status is final, each recipient's fate, the per-tenant request
 * budget, and whether trace is available at all. Cleared by the simulator's reset().
 */
import { isFateName, type FateName } from './fates';

/** Why message trace cannot be used in a tenant, as Microsoft answers it (handler.ts). */
export type TraceAvailability = 'available' | 'noServicePrincipal' | 'nationalCloud';

export interface TraceSettings {
	/** A message shows in the trace this long after it was sent (default 0). */
	appearAfterMs: number;
	/** Until this long after it was sent, its rows say gettingStatus/pending (default 0). */
	finalAfterMs: number;
	/** Requests per window and tenant before 429 (Microsoft: 100 per 5 minutes). */
	budgetRequests: number;
	budgetWindowMs: number;
}

export const DEFAULT_TRACE_SETTINGS: TraceSettings = {
	appearAfterMs: 0,
	finalAfterMs: 0,
	budgetRequests: 100,
	budgetWindowMs: 5 * 60_000,
};

export class TraceStore {
	settings: TraceSettings = { ...DEFAULT_TRACE_SETTINGS };
	/** Recipient address (lower case) → fate; recipients without one are delivered. */
	readonly fates = new Map<string, FateName>();
	/** Tenant id (lower case) → availability; tenants without an entry have trace. */
	readonly availability = new Map<string, TraceAvailability>();
	/** Tenant id → start times of its trace requests within the window. */
	readonly calls = new Map<string, number[]>();

	configure(patch: Partial<TraceSettings>): void {
		for (const [key, value] of Object.entries(patch)) {
			if (!(key in DEFAULT_TRACE_SETTINGS) || typeof value !== 'number' || value < 0)
				throw new Error(`configureMessageTrace: ${key} must be a known setting with a number ≥ 0`);
		}
		this.settings = { ...this.settings, ...patch };
	}

	setFate(address: string, fate: string): void {
		if (!isFateName(fate))
			throw new Error(`setRecipientFate: unknown fate ${JSON.stringify(fate)}`);
		this.fates.set(address.toLowerCase(), fate);
	}

	setAvailability(tenantId: string, availability: TraceAvailability): void {
		this.availability.set(tenantId.toLowerCase(), availability);
	}

	availabilityOf(tenantId: string): TraceAvailability {
		return this.availability.get(tenantId.toLowerCase()) ?? 'available';
	}

	/**
	 * Counts a request against the tenant's window; returns the seconds until one is free again when
	 * the budget is spent (the request is then refused and not counted), else undefined.
	 */
	admit(tenantId: string, now = Date.now()): number | undefined {
		const key = tenantId.toLowerCase();
		const { budgetRequests, budgetWindowMs } = this.settings;
		const calls = (this.calls.get(key) ?? []).filter((at) => at > now - budgetWindowMs);
		this.calls.set(key, calls);
		if (calls.length >= budgetRequests) {
			const freeAt = calls[calls.length - budgetRequests] + budgetWindowMs;
			return Math.max(1, Math.ceil((freeAt - now) / 1000));
		}
		calls.push(now);
		return undefined;
	}

	reset(): void {
		this.settings = { ...DEFAULT_TRACE_SETTINGS };
		this.fates.clear();
		this.availability.clear();
		this.calls.clear();
	}
}
