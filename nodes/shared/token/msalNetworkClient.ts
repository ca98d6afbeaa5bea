import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

import { outcomeOf, outcomeOfSync } from '../outcome';
import { TransportError, type HttpClient } from '../transport/httpClient';
import { delayBeforeRetryMs, sleep, type RetryPolicy } from '../transport/retry';

/** Why the last token call had no usable answer; msal-node only reports "network_error", so we keep the detail. */
export type TokenNetworkFailure =
	| { kind: 'unreachable'; host: string; code: string }
	| { kind: 'timeout'; host: string; timeoutMs: number }
	| { kind: 'badResponse'; host: string; status: number }
	| { kind: 'unavailable'; host: string; status: number; aadsts?: string };

export interface TokenNetworkOptions {
	timeoutMs: number;
	retry: RetryPolicy;
	/** False for the credential Test: an admin waiting on the button should hear about a timeout once, not twice. */
	retryTimeouts?: boolean;
}

/**
 * msal-node's network seam (`system.networkClient`): every token request goes through the package's HTTP client,
 * so proxy settings apply, and transient answers are retried here, before msal-node sees them: msal-node
 * remembers a 429/5xx for up to an hour and then refuses to call again (reference §7.7, throttle cache).
 * Token requests change nothing at Microsoft, so repeating them is always safe.
 */
export class MsalNetworkClient implements INetworkModule {
	lastFailure?: TokenNetworkFailure;

	constructor(
		private readonly http: HttpClient,
		private readonly options: TokenNetworkOptions,
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
		const host = new URL(url).host;
		const { retry } = this.options;
		const timeoutMs =
			timeout && timeout > 0 ? Math.min(timeout, this.options.timeoutMs) : this.options.timeoutMs;
		const started = Date.now();
		this.lastFailure = undefined;
		for (let attempt = 0; ; attempt++) {
			const canRetry = (delay: number) =>
				attempt < retry.maxRetries && Date.now() - started + delay <= retry.maxTotalMs;
			const sent = await outcomeOf(() =>
				this.http.send({ method, url, headers: options?.headers, body: options?.body, timeoutMs }),
			);
			if (!sent.ok) {
				const error = sent.error;
				if (!(error instanceof TransportError)) throw error;
				this.lastFailure = error.timedOut
					? { kind: 'timeout', host, timeoutMs }
					: { kind: 'unreachable', host, code: error.code };
				const delay = delayBeforeRetryMs(attempt, undefined, retry);
				if (canRetry(delay) && (!error.timedOut || this.options.retryTimeouts !== false)) {
					await sleep(delay);
					continue;
				}
				throw error;
			}
			const response = sent.value;
			if (response.status === 429 || response.status >= 500) {
				const delay = delayBeforeRetryMs(attempt, response.headers['retry-after'], retry);
				if (canRetry(delay)) {
					await sleep(delay);
					continue;
				}
				// Not handed to msal-node: it would remember the failure and refuse this credential for a while.
				const aadsts = /AADSTS\d+/.exec(response.body.toString('utf8'))?.[0];
				this.lastFailure = { kind: 'unavailable', host, status: response.status, aadsts };
				throw new Error(`HTTP ${response.status} from ${host}`);
			}
			const parsed = outcomeOfSync(() => JSON.parse(response.body.toString('utf8')) as T);
			if (!parsed.ok) {
				// An HTML page from a proxy or a wrong host: msal-node would only say "token_parsing_error".
				this.lastFailure = { kind: 'badResponse', host, status: response.status };
				throw new Error(`non-JSON answer (HTTP ${response.status}) from ${host}`);
			}
			const body = parsed.value;
			// Without Retry-After: a remembered one would make msal-node refuse this credential for up to an hour.
			const headers = { ...response.headers };
			delete headers['retry-after'];
			return { headers, body, status: response.status };
		}
	}
}
