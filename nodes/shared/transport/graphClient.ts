import { randomUUID } from 'node:crypto';

import { outcomeOf } from '../outcome';
import { DeliveryUnknownError, GraphApiError, NetworkError, parseGraphError } from './graphErrors';
import { TransportError, type HttpClient } from './httpClient';
import { delayBeforeRetryMs, isNotProcessedStatus, sleep, type RetryPolicy } from './retry';

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
	/** True when a success delivers mail: an unknown outcome is then reported as "delivery unknown". */
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
	/** Called before each retry; lets the caller count or log them. */
	onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
}

/**
 * `{graph}/v1.0/users/{mailbox}/{segments…}`: the one place where mailbox and ids are encoded into a URL.
 * The mailbox was validated (UPN or GUID) before it got here.
 */
export function graphUserUrl(
	graphEndpoint: string,
	mailbox: string,
	...segments: string[]
): string {
	const tail = segments.map((s) => `/${encodeURIComponent(s)}`).join('');
	return `${graphEndpoint}/v1.0/users/${encodeURIComponent(mailbox)}${tail}`;
}

/** The only module that knows Graph's URL layout and how requests are authenticated and retried. */
export class GraphClient {
	constructor(
		readonly graphEndpoint: string,
		private readonly tokens: TokenSource,
		private readonly http: HttpClient,
		private readonly options: GraphClientOptions,
	) {}

	userUrl(mailbox: string, ...segments: string[]): string {
		return graphUserUrl(this.graphEndpoint, mailbox, ...segments);
	}

	async request(req: GraphRequest): Promise<GraphResponse> {
		const clientRequestId = randomUUID();
		const started = Date.now();
		const { retry, timeoutMs, signal } = this.options;
		const payload =
			req.json !== undefined ? Buffer.from(JSON.stringify(req.json), 'utf8') : req.body;
		let attempt = 0;
		let refreshed = false;
		let token: string | undefined;

		const retryAllowed = (delayMs: number) =>
			attempt < retry.maxRetries && Date.now() - started + delayMs <= retry.maxTotalMs;
		const wait = async (delayMs: number, reason: string) => {
			this.options.onRetry?.({ operation: req.operation, attempt: attempt + 1, delayMs, reason });
			await sleep(delayMs, signal);
			attempt++;
		};

		for (;;) {
			const headers: Record<string, string> = {
				...(req.headers ?? {}),
				'client-request-id': clientRequestId,
				'return-client-request-id': 'true',
			};
			if (req.json !== undefined) headers['Content-Type'] = 'application/json';
			if (req.authenticated) {
				token ??= await this.tokens.getToken(false);
				headers.Authorization = `Bearer ${token}`;
			}

			const sent = await outcomeOf(() =>
				this.http.send({
					method: req.method,
					url: req.url,
					headers,
					body: payload,
					timeoutMs,
					signal,
				}),
			);
			if (!sent.ok) {
				const error = sent.error;
				if (!(error instanceof TransportError) || error.code === 'ECANCELLED') throw error;
				const host = new URL(req.url).host;
				const repeatable = !error.bodySent || req.replay === 'always';
				const delayMs = delayBeforeRetryMs(attempt, undefined, retry);
				if (repeatable && retryAllowed(delayMs)) {
					await wait(delayMs, error.code);
					continue;
				}
				if (!error.bodySent)
					throw new NetworkError(error.code, host, clientRequestId, req.operation);
				const reason = error.timedOut
					? `no answer within ${Math.round(timeoutMs / 1000)} s`
					: `connection lost (${error.code})`;
				if (req.delivers)
					throw new DeliveryUnknownError(reason, undefined, clientRequestId, req.operation);
				throw new NetworkError(error.code, host, clientRequestId, req.operation);
			}
			const response = sent.value;

			const requestId = response.headers['request-id'];
			const { status } = response;
			if (status >= 200 && status < 300)
				return { ...response, requestId, clientRequestId, attempts: attempt + 1 };

			// 401, or a 403 about permissions: refused before anything was processed. A fresh token may carry
			// permissions granted (admin consent) since the cached one was issued, so fetch one, once.
			const permissionRefusal =
				status === 403 &&
				/^(ErrorAccessDenied|NoPermissionsInAccessToken)$/.test(
					parseGraphError(response.body).code ?? '',
				);
			if ((status === 401 || permissionRefusal) && req.authenticated && !refreshed) {
				refreshed = true;
				const fresh = await this.tokens.getToken(true);
				// Repeat only with a different token: the same one would be refused the same way.
				if (fresh !== token) {
					token = fresh;
					continue;
				}
			}
			if (isNotProcessedStatus(status)) {
				const delayMs = delayBeforeRetryMs(attempt, response.headers['retry-after'], retry);
				if (retryAllowed(delayMs)) {
					await wait(delayMs, `HTTP ${status}`);
					continue;
				}
			} else if (status === 500 || status === 502 || status === 504) {
				// Microsoft may have processed it: only repeat what is safe to repeat.
				const delayMs = delayBeforeRetryMs(attempt, response.headers['retry-after'], retry);
				if (req.replay === 'always' && retryAllowed(delayMs)) {
					await wait(delayMs, `HTTP ${status}`);
					continue;
				}
				if (req.delivers)
					throw new DeliveryUnknownError(
						`HTTP ${status}`,
						requestId,
						clientRequestId,
						req.operation,
					);
			}
			const error = parseGraphError(response.body);
			throw new GraphApiError(
				status,
				error.code ?? `HTTP ${status}`,
				error.message ?? '',
				requestId,
				clientRequestId,
				req.operation,
				attempt + 1,
			);
		}
	}
}
