/**
 * What every handler gets: the simulator core (state, settings, faults) and the current request.
 */
import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRegistry } from './faults';
import type { Gather } from './gather';
import { readBodyCapped } from './http';
import type { SimState } from './state';
import type { MessageIdPolicy, RecordedRequest } from './types';

export interface Settings {
	graphLatencyMs: number;
	tokenLatencyMs: number;
	mailboxConcurrencyLimit: number;
	throttleRetryAfterSeconds: number;
	uploadBytesPer5MinPerMailbox?: number;
	accessTokenLifetimeSeconds: number;
	messageIds: MessageIdPolicy;
	sentItemsDelayMs: number;
	maxFilterValues: number;
}

export interface SimulatorCore {
	readonly state: SimState;
	readonly settings: Settings;
	readonly faults: FaultRegistry;
	/** Barriers that hold Graph requests until a number of them are in flight (a test aid). */
	readonly gather: Gather;
	/** Canonical origin, e.g. https://127.0.0.1:43123 (no trailing slash). */
	readonly url: string;
	/** Origin of the Outlook upload host that uploadUrls point at (a different port from `url`). */
	readonly uploadOrigin: string;
	/**
	 * True for the origins this server answers as (its url, and localhost / [::1] with the same
	 * port).
	 */
	isOwnOrigin(origin: string): boolean;
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

export class RequestContext {
	readonly requestId = crypto.randomUUID();
	readonly startedAt = Date.now();
	readonly method: string;
	/** Raw (still percent-encoded) pathname. */
	readonly pathname: string;
	readonly query: URLSearchParams;
	/** Percent-decoded path segments without the leading empty one. */
	readonly segments: string[];
	readonly clientRequestId: string | undefined;
	readonly record: RecordedRequest;
	private readonly cleanups: (() => void)[] = [];

	constructor(
		readonly core: SimulatorCore,
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
	) {
		this.method = (req.method ?? 'GET').toUpperCase();
		const target = req.url ?? '/';
		const q = target.indexOf('?');
		this.pathname = q >= 0 ? target.slice(0, q) : target;
		this.query = new URLSearchParams(q >= 0 ? target.slice(q + 1) : '');
		this.segments = this.pathname.split('/').slice(1).map(decodeSegment);
		const header = req.headers['client-request-id'];
		this.clientRequestId = typeof header === 'string' && header !== '' ? header : undefined;
		const declared = Number(req.headers['content-length'] ?? 0);
		this.record = {
			method: this.method,
			path: this.pathname,
			kind: 'other',
			status: 0,
			bodyBytes: Number.isSafeInteger(declared) ? declared : 0,
			hasAuthorization: req.headers.authorization !== undefined,
			clientRequestId: this.clientRequestId,
			requestId: this.requestId,
			startedAt: this.startedAt,
		};
		// Also on 'close': the client may abort, or a fault may leave the request hanging until the
		// socket dies.
		res.once('close', () => this.complete());
	}

	/**
	 * Marks the response as ended and runs the cleanups (e.g. releases concurrency slots). Called
	 * right after `res.end()` / a reset, so a client that has seen the answer never observes stale
	 * in-flight counters.
	 */
	complete(): void {
		if (this.record.finishedAt !== undefined) return;
		this.record.finishedAt = Date.now();
		for (const fn of this.cleanups.splice(0)) fn();
	}

	/**
	 * Runs `fn` when the response has been written or the connection is gone (e.g. releases
	 * concurrency slots).
	 */
	onFinished(fn: () => void): void {
		if (this.record.finishedAt !== undefined) fn();
		else this.cleanups.push(fn);
	}

	now(): Date {
		return new Date();
	}

	/** Reads the body with a hard cap; body bytes are recorded. */
	async readBody(cap: number): Promise<Buffer> {
		let seen = 0;
		try {
			const body = await readBodyCapped(this.req, cap, (n) => {
				seen += n;
			});
			this.record.bodyBytes = body.length;
			return body;
		} catch (err) {
			this.record.bodyBytes = Math.max(this.record.bodyBytes, seen);
			throw err;
		}
	}

	header(name: string): string | undefined {
		const value = this.req.headers[name.toLowerCase()];
		return Array.isArray(value) ? value[0] : value;
	}
}
