import { AsyncLocalStorage } from 'node:async_hooks';

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

import { outcomeOf, outcomeOfSync } from '../outcome';
import { TransportError, type HttpClient, type HttpResponse } from '../transport/httpClient';
import { withRetries, type GiveUp, type RetryPolicy, type Verdict } from '../transport/retry';

/**
 * Why a token call had no usable answer; msal-node only reports "network_error", so we keep the
 * detail.
 */
export type TokenNetworkFailure =
	| { kind: 'unreachable'; host: string; code: string; proxy?: string }
	| { kind: 'timeout'; host: string; timeoutMs: number }
	| { kind: 'badResponse'; host: string; status: number }
	| { kind: 'unavailable'; host: string; status: number; aadsts?: string; retryAfterMs?: number };

/**
 * The settings and the outcome of one token call. msal-node calls its network module without any
 * per-call context, and one msal application serves a credential for the life of the process, so
 * each call carries its own context through AsyncLocalStorage: the Request Timeout of this run
 * applies, and concurrent calls never see each other's failure.
 */
export interface TokenCall {
	timeoutMs: number;
	retry: RetryPolicy;
	/**
	 * False for the credential test: an admin waiting on Save should hear about a timeout once, not
	 * twice.
	 */
	retryTimeouts: boolean;
	failure?: TokenNetworkFailure;
}

const calls = new AsyncLocalStorage<TokenCall>();

/** Runs one msal-node call with its own timeout, retry policy and failure record. */
export function runTokenCall<T>(call: TokenCall, fn: () => Promise<T>): Promise<T> {
	return calls.run(call, fn);
}

/**
 * msal-node's network seam (`system.networkClient`): every token request goes through the package's
 * HTTP client, so proxy settings apply, and transient answers are retried here, before msal-node
 * sees them: msal-node remembers a 429/5xx (or any answer with Retry-After) for up to an hour and
 * then refuses to call again (ThrottlingUtils in @azure/msal-common). Token requests change nothing
 * at Microsoft, so repeating them is safe.
 */
export class MsalNetworkClient implements INetworkModule {
	constructor(
		private readonly http: HttpClient,
		/** Used when msal-node calls outside runTokenCall (it does not today). */
		private readonly fallback: TokenCall,
	) {}

	sendGetRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
		timeout?: number,
	): Promise<NetworkResponse<T>> {
		return this.send<T>('GET', url, options, timeout);
	}

	sendPostRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return this.send<T>('POST', url, options);
	}

	private async send<T>(
		method: 'GET' | 'POST',
		url: string,
		options?: NetworkRequestOptions,
		timeout?: number,
	): Promise<NetworkResponse<T>> {
		const call = calls.getStore() ?? this.fallback;
		const host = new URL(url).host;
		const timeoutMs = timeout && timeout > 0 ? Math.min(timeout, call.timeoutMs) : call.timeoutMs;
		call.failure = undefined;
		const response = await withRetries(call.retry, async () => {
			const sent = await outcomeOf(() =>
				this.http.send({ method, url, headers: options?.headers, body: options?.body, timeoutMs }),
			);
			if (!sent.ok) return transportVerdict(call, sent.error, host, timeoutMs);
			const { status } = sent.value;
			if (status === 429 || status >= 500) return unavailableVerdict(call, sent.value, host);
			return { done: true, value: sent.value } as const;
		});
		const parsed = outcomeOfSync(() => JSON.parse(response.body.toString('utf8')) as T);
		if (!parsed.ok) {
			// An HTML page from a proxy or a wrong host: msal-node would only say "token_parsing_error".
			call.failure = { kind: 'badResponse', host, status: response.status };
			throw new Error(`non-JSON answer (HTTP ${response.status}) from ${host}`);
		}
		// Without Retry-After: a remembered one would make msal-node refuse this credential for up to
		// an hour.
		const headers = { ...response.headers };
		delete headers['retry-after'];
		return { headers, body: parsed.value, status: response.status };
	}
}

function transportVerdict(
	call: TokenCall,
	error: unknown,
	host: string,
	timeoutMs: number,
): Verdict<HttpResponse> {
	if (!(error instanceof TransportError))
		return { done: false, repeatable: false, giveUp: () => error };
	call.failure = error.timedOut
		? { kind: 'timeout', host, timeoutMs }
		: { kind: 'unreachable', host, code: error.code, proxy: error.proxy };
	const proxyRefused = error.code.startsWith('EPROXY');
	return {
		done: false,
		repeatable: !proxyRefused && (!error.timedOut || call.retryTimeouts),
		giveUp: () => error,
	};
}

/**
 * 429 or 5xx, after the retries: not handed to msal-node, which would remember it and refuse this
 * credential.
 */
function unavailableVerdict(
	call: TokenCall,
	response: HttpResponse,
	host: string,
): Verdict<HttpResponse> {
	return {
		done: false,
		repeatable: true,
		retryAfter: response.headers['retry-after'],
		status: response.status,
		giveUp: (why: GiveUp) => {
			const aadsts = /AADSTS\d+/.exec(response.body.toString('utf8'))?.[0];
			const retryAfterMs = why.kind === 'retryAfterTooLong' ? why.askedMs : undefined;
			call.failure = { kind: 'unavailable', host, status: response.status, aadsts, retryAfterMs };
			return new Error(`HTTP ${response.status} from ${host}`);
		},
	};
}
