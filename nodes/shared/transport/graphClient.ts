import { randomUUID } from 'node:crypto';

import { coordination } from '../coordination';
import { outcomeOf, type Outcome } from '../outcome';
import { readTokenClaims } from '../tokenClaims';
import { GraphApiError, parseGraphError } from './graphErrors';
import type { HttpClient, HttpResponse } from './httpClient';
import { GateTimeoutError, GRAPH_MAILBOX_CONCURRENCY, mailboxKeyOf } from './mailboxGate';
import type { RequestGate } from './requestGate';
import { statusVerdict, transportVerdict, type Call } from './graphVerdicts';
import { withRetries, type RetryPolicy } from './retry';

export interface TokenSource {
	/** A bearer token for Graph; `forceRefresh` skips every cache (used once after a 401). */
	getToken(forceRefresh?: boolean): Promise<string>;
}

export interface GraphRequest {
	/** Human label for messages, e.g. "sendMail" or "upload chunk 3/40". */
	operation: string;
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	url: string;
	json?: unknown;
	body?: Buffer;
	headers?: Record<string, string>;
	/** False for pre-authenticated upload URLs: they must never receive the bearer token. */
	authenticated: boolean;
	/**
	 * 'always': repeating the request is harmless (token-less reads, deletes, sending a draft that is
	 * refused with 404 once sent). 'notIfSent': repeat only when Microsoft says it was not processed.
	 */
	replay: 'always' | 'notIfSent';
	/**
	 * True when a success delivers mail: an unknown outcome is then reported as "delivery unknown".
	 */
	delivers?: boolean;
}

export interface GraphResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	requestId?: string;
	clientRequestId: string;
	attempts: number;
}

export interface GraphClientOptions {
	timeoutMs: number;
	retry: RetryPolicy;
	signal?: AbortSignal;
	/**
	 * The mailbox gate to use: by default the one every client shares (the process-wide gate, or in
	 * n8n queue mode the one in Redis that every worker shares); tests may pass their own.
	 */
	gate?: RequestGate;
}

/**
 * `{graph}/v1.0/users/{mailbox}/{segments…}`: the one place where mailbox and ids are encoded into
 * a URL. The mailbox was validated (UPN or GUID) before it got here.
 */
export function graphUserUrl(
	graphEndpoint: string,
	mailbox: string,
	...segments: string[]
): string {
	const tail = segments.map((s) => `/${encodeURIComponent(s)}`).join('');
	return `${graphEndpoint}/v1.0/users/${encodeURIComponent(mailbox)}${tail}`;
}

/**
 * The only module that knows Graph's URL layout and how requests are authenticated, gated and
 * retried.
 */
export class GraphClient {
	private readonly gate: RequestGate;
	/** Tenant and app of the last token seen: the gate's scope (the limit is per app and mailbox). */
	private scope = { token: '', key: '' };

	constructor(
		readonly graphEndpoint: string,
		private readonly tokens: TokenSource,
		private readonly http: HttpClient,
		private readonly options: GraphClientOptions,
	) {
		this.gate = options.gate ?? coordination().gate;
	}

	userUrl(mailbox: string, ...segments: string[]): string {
		return graphUserUrl(this.graphEndpoint, mailbox, ...segments);
	}

	async request(req: GraphRequest): Promise<GraphResponse> {
		const call: Call = {
			req,
			clientRequestId: randomUUID(),
			started: Date.now(),
			timeoutMs: this.options.timeoutMs,
			payload: req.json !== undefined ? Buffer.from(JSON.stringify(req.json), 'utf8') : req.body,
			refreshed: false,
			sent: 0,
		};
		const { retry, signal } = this.options;
		return await withRetries(
			retry,
			async (attempt) => {
				const sent = await this.sendOnce(call);
				if (!sent.ok) return transportVerdict(call, sent.error);
				const response = sent.value;
				if (response.status >= 200 && response.status < 300) {
					const requestId = response.headers['request-id'];
					const { clientRequestId } = call;
					return {
						done: true,
						value: { ...response, requestId, clientRequestId, attempts: attempt + 1 },
					};
				}
				return statusVerdict(call, response);
			},
			{
				signal,
				started: call.started,
				// A 429 holds back every request to this mailbox, not only this one.
				beforeWait: (delayMs) => {
					if (call.throttle && call.gateKey)
						this.gate.pause(call.gateKey, { ...call.throttle, until: Date.now() + delayMs });
				},
			},
		);
	}

	/**
	 * One exchange, plus one repeat with a fresh token after a 401, or after a 403 about permissions:
	 * both are refused before anything was processed, and a fresh token may carry permissions granted
	 * (admin consent) since the cached one was issued.
	 */
	private async sendOnce(call: Call): Promise<Outcome<HttpResponse>> {
		const { req } = call;
		if (req.authenticated) call.token ??= await this.tokens.getToken(false);
		const sent = await this.exchange(call);
		if (!sent.ok || !req.authenticated || call.refreshed) return sent;
		const { status, body } = sent.value;
		const permissionRefusal =
			status === 403 &&
			/^(ErrorAccessDenied|NoPermissionsInAccessToken)$/.test(parseGraphError(body).code ?? '');
		if (status !== 401 && !permissionRefusal) return sent;
		call.refreshed = true;
		const fresh = await this.tokens.getToken(true);
		// Repeat only with a different token: the same one would be refused the same way.
		if (fresh === call.token) return sent;
		call.token = fresh;
		return await this.exchange(call);
	}

	/**
	 * Sends the request once, holding one of the mailbox's slots in the process-wide gate while it
	 * runs.
	 */
	private async exchange(call: Call): Promise<Outcome<HttpResponse>> {
		const { req, timeoutMs } = call;
		const headers: Record<string, string> = {
			...(req.headers ?? {}),
			'client-request-id': call.clientRequestId,
			'return-client-request-id': 'true',
		};
		if (req.json !== undefined) headers['Content-Type'] = 'application/json';
		if (call.token) headers.Authorization = `Bearer ${call.token}`;
		call.gateKey = req.authenticated ? mailboxKeyOf(req.url, this.scopeOf(call.token)) : undefined;
		const signal = this.options.signal;
		let release: (() => void) | undefined;
		if (call.gateKey) {
			const deadline = call.started + this.options.retry.maxTotalMs;
			// A slot is held at most as long as the request may take, plus a margin (a dead worker's slot
			// frees).
			const lease = timeoutMs + 60_000;
			const admitted = await outcomeOf(() =>
				this.gate.acquire(call.gateKey!, deadline, signal, lease),
			);
			if (!admitted.ok) throw gateError(call, admitted.error);
			release = admitted.value;
		}
		call.sent++;
		let sent: Outcome<HttpResponse> | undefined;
		try {
			const { method, url } = req;
			sent = await outcomeOf(() =>
				this.http.send({ method, url, headers, body: call.payload, timeoutMs, signal }),
			);
			return sent;
		} finally {
			// After a 429 the mailbox is paused a few promise steps later (beforeWait, once the verdict
			// is read): the freed slot waits for the next event-loop turn, so no waiting request slips in
			// before the pause.
			if (release && sent?.ok && sent.value.status === 429) setImmediate(release);
			else release?.();
		}
	}

	private scopeOf(token = ''): string {
		if (this.scope.token !== token) {
			const claims = readTokenClaims(token);
			this.scope = { token, key: `${claims.tid ?? ''}/${claims.appid ?? ''}` };
		}
		return this.scope.key;
	}
}

/**
 * A request that could not get a slot in time: said in words, with what Microsoft asked for when it
 * paused.
 */
function gateError(call: Call, error: unknown): unknown {
	if (!(error instanceof GateTimeoutError)) return error;
	const { req, clientRequestId } = call;
	const pause = error.pause;
	if (!pause) {
		return new Error(
			`${req.operation}: waited ${Math.round(error.waitedMs / 1000)} s for one of the ${GRAPH_MAILBOX_CONCURRENCY} request slots Microsoft Graph allows per app and mailbox, and nothing was sent. Spread the workload over time.`,
		);
	}
	const seconds = Math.ceil((pause.until - Date.now()) / 1000);
	return new GraphApiError(
		pause.status,
		pause.code,
		`${pause.message.replace(/[.\s]*$/, '.')} Microsoft asked to pause this mailbox for ${seconds} s more (Retry-After), longer than this request may wait, so it was not sent.`.trim(),
		pause.requestId,
		clientRequestId,
		req.operation,
		call.sent,
		pause.until - Date.now(),
	);
}
