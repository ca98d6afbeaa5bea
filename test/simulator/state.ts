/**
 * In-memory directory (tenants, apps, users), mailbox content (drafts, upload sessions) and
 * observations.
 */
import type { MimeSummary } from './mime';
import * as crypto from 'node:crypto';
import { thumbprintsOf } from './certs';
import { MailStore } from './inbox';
import type { SeededMessage } from './replies';
import { TraceStore } from './trace/store';
import type {
	AppConfig,
	AppPatch,
	DeliveredAttachment,
	DeliveredMessage,
	RecordedRequest,
	RestrictionConfig,
	SimulatorCounters,
	TenantConfig,
	UserConfig,
} from './types';

/**
 * Exchange Online default MaxSendSize: 35 MB
 * (https://learn.microsoft.com/graph/api/attachment-createuploadsession).
 */
export const DEFAULT_MAX_SEND_SIZE = 35 * 1024 * 1024;

/**
 * Bound on the request log so long-running simulators (demo, benchmark) do not grow without limit.
 */
export const MAX_RECORDED_REQUESTS = 100_000;

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Tenant {
	id: string;
	domains: string[];
}

export interface RegisteredCertificate {
	pem: string;
	x5t: string;
	x5tS256: string;
	sha1Hex: string;
	sha256Hex: string;
	publicKey: crypto.KeyObject;
}

export interface App {
	tenantId: string;
	clientId: string;
	displayName: string;
	secrets: { id: string; value: string; expiresAt?: Date }[];
	certificates: RegisteredCertificate[];
	permissions: string[];
	adminConsent: boolean;
	/** Object id of the app's service principal (token `oid`/`sub`); stable per tenant + app. */
	servicePrincipalId: string;
}

export interface User {
	tenantId: string;
	id: string;
	userPrincipalName: string;
	mail: string;
	licensed: boolean;
	onPremises: boolean;
	sendAs: string[];
	maxSendSizeBytes: number;
}

export interface Restriction {
	clientId: string;
	kind: RestrictionConfig['kind'];
	allowed: Set<string>;
	/** Permissions granted by RBAC for Applications (never in the token). */
	roles: string[];
}

export interface StoredAttachment extends DeliveredAttachment {
	id: string;
	lastModifiedDateTime: string;
}

export interface Draft {
	id: string;
	userId: string;
	/**
	 * Validated message properties as received (attachments kept separately, without contentBytes).
	 */
	message: Record<string, unknown>;
	attachments: StoredAttachment[];
	createdDateTime: string;
	lastModifiedDateTime: string;
	changeKey: string;
	conversationId: string;
	/**
	 * Set by the client (JSON property or MIME Message-ID header) or made by Exchange when the draft
	 * is created.
	 */
	internetMessageId?: string;
	/** Present when the draft was created from MIME. */
	mime?: MimeSummary;
}

export interface UploadSession {
	id: string;
	token: string;
	draftId: string;
	userId: string;
	clientId: string;
	name: string;
	contentType?: string;
	isInline: boolean;
	contentId?: string;
	size: number;
	/** Next expected byte offset. */
	next: number;
	/** Incremental SHA-256 of the bytes received so far: the upload itself is never held. */
	hash: crypto.Hash;
	expiresAt: Date;
	/** A PUT is streaming into this session right now. */
	busy?: boolean;
}

export function newCounters(): SimulatorCounters {
	return {
		tokenRequests: 0,
		tokenRequestsByClient: {},
		tokenErrors: 0,
		graphRequests: 0,
		sendMailCalls: 0,
		draftsCreated: 0,
		draftsDeleted: 0,
		uploadChunks: 0,
		throttled: 0,
		faultsInjected: 0,
		inFlightByMailbox: {},
		maxInFlightByMailbox: {},
		maxInFlight: 0,
	};
}

function stableGuid(seed: string): string {
	const h = crypto.createHash('sha256').update(seed).digest('hex');
	const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function lower(s: string): string {
	return s.toLowerCase();
}

function registerCertificate(pem: string): RegisteredCertificate {
	const t = thumbprintsOf(pem);
	return {
		pem,
		x5t: t.x5t,
		x5tS256: t.x5tS256,
		sha1Hex: t.sha1Hex,
		sha256Hex: t.sha256Hex,
		publicKey: new crypto.X509Certificate(pem).publicKey,
	};
}

export class SimState {
	readonly tenants = new Map<string, Tenant>();
	readonly apps = new Map<string, App>();
	readonly users = new Map<string, User>();
	readonly restrictions = new Map<string, Restriction>();
	readonly drafts = new Map<string, Draft>();
	readonly uploads = new Map<string, UploadSession>();
	/** Received messages seeded for the reply actions (replies.ts). */
	readonly seededMessages = new Map<string, SeededMessage>();
	/** Received mail per mailbox and folder with its change log, for the delta query (inbox.ts). */
	readonly mailStore = new MailStore();
	/** Message trace: settings, recipients' fates, per-tenant budget (trace/store.ts). */
	readonly trace = new TraceStore();

	readonly outbox: DeliveredMessage[] = [];
	readonly counters: SimulatorCounters = newCounters();
	readonly requests: RecordedRequest[] = [];

	private readonly inFlightByPair = new Map<string, number>();
	private readonly inFlightByMailbox = new Map<string, number>();
	private inFlightTotal = 0;
	private readonly uploadWindows = new Map<string, { at: number; bytes: number }[]>();

	// ---- configuration ----------------------------------------------------------------------------

	addTenant(t: TenantConfig): void {
		if (!GUID_RE.test(t.id)) throw new Error(`tenant id must be a GUID: ${t.id}`);
		this.tenants.set(lower(t.id), { id: t.id, domains: [...(t.domains ?? [])] });
	}

	addApp(a: AppConfig): void {
		if (!this.tenants.has(lower(a.tenantId))) throw new Error(`unknown tenant ${a.tenantId}`);
		this.apps.set(lower(a.clientId), {
			tenantId: a.tenantId,
			clientId: a.clientId,
			displayName: a.displayName ?? `Simulated app ${a.clientId.slice(0, 8)}`,
			secrets: (a.secrets ?? []).map((s) => ({ ...s, expiresAt: toDate(s.expiresAt) })),
			certificates: (a.certificates ?? []).map((c) => registerCertificate(c.pem)),
			permissions: [...(a.permissions ?? [])],
			adminConsent: a.adminConsent ?? true,
			servicePrincipalId: stableGuid(`sp:${lower(a.tenantId)}:${lower(a.clientId)}`),
		});
	}

	updateApp(clientId: string, patch: AppPatch): void {
		const app = this.apps.get(lower(clientId));
		if (!app) throw new Error(`unknown app ${clientId}`);
		if (patch.tenantId !== undefined) {
			if (!this.tenants.has(lower(patch.tenantId)))
				throw new Error(`unknown tenant ${patch.tenantId}`);
			app.tenantId = patch.tenantId;
			app.servicePrincipalId = stableGuid(`sp:${lower(patch.tenantId)}:${lower(app.clientId)}`);
		}
		if (patch.displayName !== undefined) app.displayName = patch.displayName;
		if (patch.secrets !== undefined)
			app.secrets = patch.secrets.map((s) => ({ ...s, expiresAt: toDate(s.expiresAt) }));
		if (patch.certificates !== undefined)
			app.certificates = patch.certificates.map((c) => registerCertificate(c.pem));
		if (patch.permissions !== undefined) app.permissions = [...patch.permissions];
		if (patch.adminConsent !== undefined) app.adminConsent = patch.adminConsent;
	}

	addUser(u: UserConfig): void {
		if (!this.tenants.has(lower(u.tenantId))) throw new Error(`unknown tenant ${u.tenantId}`);
		if (!GUID_RE.test(u.id)) throw new Error(`user id must be a GUID: ${u.id}`);
		this.users.set(lower(u.id), {
			tenantId: u.tenantId,
			id: u.id,
			userPrincipalName: u.userPrincipalName,
			mail: u.mail ?? u.userPrincipalName,
			licensed: u.licensed ?? true,
			onPremises: u.onPremises ?? false,
			sendAs: [...(u.sendAs ?? [])],
			maxSendSizeBytes: u.maxSendSizeBytes ?? DEFAULT_MAX_SEND_SIZE,
		});
	}

	restrictApp(r: RestrictionConfig): void {
		this.restrictions.set(lower(r.clientId), {
			clientId: r.clientId,
			kind: r.kind,
			allowed: new Set(r.allowedMailboxes.map(lower)),
			roles: r.kind === 'rbac' ? [...(r.roles ?? [])] : [],
		});
	}

	/** Clears observations and mailbox content; keeps the directory. */
	resetObservations(): void {
		this.outbox.length = 0;
		this.requests.length = 0;
		this.drafts.clear();
		this.uploads.clear();
		this.seededMessages.clear();
		this.mailStore.clear();
		this.uploadWindows.clear();
		this.trace.reset();
		const fresh = newCounters();
		for (const key of Object.keys(this.counters) as (keyof SimulatorCounters)[]) {
			(this.counters as unknown as Record<string, unknown>)[key] = fresh[key];
		}
		for (const [mailbox, n] of this.inFlightByMailbox)
			if (n > 0) this.counters.inFlightByMailbox[mailbox] = n;
	}

	resetDirectory(): void {
		this.tenants.clear();
		this.apps.clear();
		this.users.clear();
		this.restrictions.clear();
	}

	/** Appends to the request log, which keeps the most recent MAX_RECORDED_REQUESTS entries. */
	recordRequest(record: RecordedRequest): void {
		this.requests.push(record);
		if (this.requests.length > MAX_RECORDED_REQUESTS)
			this.requests.splice(0, this.requests.length - MAX_RECORDED_REQUESTS);
	}

	// ---- lookups ----------------------------------------------------------------------------------

	/** Tenant by GUID or by one of its verified domains, case-insensitively. */
	findTenant(idOrDomain: string): Tenant | undefined {
		const key = lower(idOrDomain);
		const byId = this.tenants.get(key);
		if (byId) return byId;
		for (const t of this.tenants.values()) if (t.domains.some((d) => lower(d) === key)) return t;
		return undefined;
	}

	findApp(clientId: string): App | undefined {
		return this.apps.get(lower(clientId));
	}

	/** User of a tenant by object id, UPN or primary SMTP address, case-insensitively. */
	findUser(tenantId: string, key: string): User | undefined {
		const k = lower(key);
		const tid = lower(tenantId);
		const byId = this.users.get(k);
		if (byId) return lower(byId.tenantId) === tid ? byId : undefined;
		for (const u of this.users.values()) {
			if (lower(u.tenantId) === tid && (lower(u.userPrincipalName) === k || lower(u.mail) === k))
				return u;
		}
		return undefined;
	}

	/** Any tenant's user (used to label requests and match faults before authentication). */
	findUserAnywhere(key: string): User | undefined {
		const k = lower(key);
		const byId = this.users.get(k);
		if (byId) return byId;
		for (const u of this.users.values()) {
			if (lower(u.userPrincipalName) === k || lower(u.mail) === k) return u;
		}
		return undefined;
	}

	/**
	 * The token's roles plus what RBAC for Applications grants the app (in scope only: graph.ts
	 * checks scope).
	 */
	effectiveRoles(clientId: string, tokenRoles: string[]): string[] {
		const granted = this.restrictions.get(lower(clientId))?.roles ?? [];
		return [...tokenRoles, ...granted.filter((r) => !tokenRoles.includes(r))];
	}

	isMailboxAllowed(restriction: Restriction, user: User): boolean {
		return [user.id, user.userPrincipalName, user.mail].some((k) =>
			restriction.allowed.has(lower(k)),
		);
	}

	// ---- Outlook limits ---------------------------------------------------------------------------

	/**
	 * Admits one more concurrent request for (app, mailbox) unless `limit` would be exceeded. Returns
	 * the release function, or undefined when the request must be throttled. Outlook: 4 concurrent
	 * requests per app ID + mailbox
	 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
	 */
	tryAcquireSlot(clientId: string, user: User, limit: number): (() => void) | undefined {
		const pair = `${lower(clientId)}|${lower(user.id)}`;
		const current = this.inFlightByPair.get(pair) ?? 0;
		if (current >= limit) return undefined;
		this.inFlightByPair.set(pair, current + 1);
		const mailbox = user.userPrincipalName;
		const mailboxNow = (this.inFlightByMailbox.get(mailbox) ?? 0) + 1;
		this.inFlightByMailbox.set(mailbox, mailboxNow);
		this.inFlightTotal += 1;
		const c = this.counters;
		c.inFlightByMailbox[mailbox] = mailboxNow;
		c.maxInFlightByMailbox[mailbox] = Math.max(c.maxInFlightByMailbox[mailbox] ?? 0, mailboxNow);
		c.maxInFlight = Math.max(c.maxInFlight, this.inFlightTotal);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.inFlightByPair.set(pair, (this.inFlightByPair.get(pair) ?? 1) - 1);
			const left = (this.inFlightByMailbox.get(mailbox) ?? 1) - 1;
			this.inFlightByMailbox.set(mailbox, left);
			this.inFlightTotal -= 1;
			this.counters.inFlightByMailbox[mailbox] = left;
		};
	}

	/**
	 * Outlook's upload budget, 150 MB per 5 minutes; per mailbox regardless of app ID per
	 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits (docs-contrib PR
	 * #9394). Returns false (and records nothing) when `bytes` would exceed `budget`.
	 */
	tryConsumeUploadBudget(user: User, bytes: number, budget: number, now: number): boolean {
		const windowMs = 5 * 60 * 1000;
		const entries = (this.uploadWindows.get(user.id) ?? []).filter((e) => now - e.at < windowMs);
		const used = entries.reduce((sum, e) => sum + e.bytes, 0);
		if (used + bytes > budget) {
			this.uploadWindows.set(user.id, entries);
			return false;
		}
		entries.push({ at: now, bytes });
		this.uploadWindows.set(user.id, entries);
		return true;
	}
}

function toDate(value: Date | string | undefined): Date | undefined {
	if (value === undefined) return undefined;
	return value instanceof Date ? value : new Date(value);
}
