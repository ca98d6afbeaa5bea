import { STATUS_CODES } from 'node:http';

import { DeliveryUnknownError, GraphApiError, NetworkError, parseGraphError } from './graphErrors';
import type { GraphRequest } from './graphClient';
import { TransportError, type HttpResponse } from './httpClient';
import type { MailboxPause } from './mailboxGate';
import { isNotProcessedStatus, type GiveUp, type Verdict } from './retry';

/**
 * One logical Graph request across its attempts: the same client-request-id and payload every time.
 */
export interface Call {
	req: GraphRequest;
	clientRequestId: string;
	started: number;
	timeoutMs: number;
	payload?: Buffer;
	token?: string;
	refreshed: boolean;
	/** How many times the request was handed to the network. */
	sent: number;
	/** The process-wide gate key of the request's mailbox, when its URL names one. */
	gateKey?: string;
	/** The last 429, which pauses the mailbox while this request waits for its retry. */
	throttle?: Omit<MailboxPause, 'until'>;
}

type Failure = Extract<Verdict<never>, { done: false }>;

function final(error: unknown): Failure {
	return { done: false, repeatable: false, giveUp: () => error };
}

/**
 * No HTTP answer: repeat only what cannot have reached Microsoft, or what is harmless to repeat.
 */
export function transportVerdict(call: Call, error: unknown): Failure {
	if (!(error instanceof TransportError) || error.code === 'ECANCELLED') return final(error);
	const { req, clientRequestId } = call;
	call.throttle = undefined;
	// The proxy's verdict on the tunnel (e.g. 407) does not change by asking again.
	const proxyRefused = error.code.startsWith('EPROXY');
	return {
		done: false,
		repeatable: !proxyRefused && (!error.bodySent || req.replay === 'always'),
		giveUp: () => {
			const host = error.proxy ? `the proxy ${error.proxy}` : new URL(req.url).host;
			if (!error.bodySent || !req.delivers)
				return new NetworkError(error.code, host, clientRequestId, req.operation);
			const reason = error.timedOut
				? `no answer within ${Math.round(call.timeoutMs / 1000)} s`
				: `connection lost (${error.code})`;
			return new DeliveryUnknownError(reason, undefined, clientRequestId, req.operation);
		},
	};
}

/**
 * A non-2xx answer: 429/503 were not processed; 500/502/504 may have been, so only safe requests
 * repeat.
 */
export function statusVerdict(call: Call, response: HttpResponse): Failure {
	const { req, clientRequestId } = call;
	const { status, headers } = response;
	const requestId = headers['request-id'];
	const parsed = parseGraphError(response.body);
	const code = parsed.code ?? `HTTP ${status}`;
	// A bare 503 from a gateway has no body: say what the status means rather than nothing.
	const message =
		parsed.message || `${STATUS_CODES[status] ?? 'Error'} (no error details in the answer)`;
	const apiError = (why: GiveUp) =>
		new GraphApiError(
			status,
			code,
			why.kind === 'retryAfterTooLong' ? `${message} ${tooLong(why)}` : message,
			requestId,
			clientRequestId,
			req.operation,
			why.attempts,
			why.kind === 'retryAfterTooLong' ? why.askedMs : undefined,
		);
	call.throttle = status === 429 ? { status, code, message, requestId } : undefined;
	const retryAfter = headers['retry-after'];
	if (isNotProcessedStatus(status))
		return { done: false, repeatable: true, retryAfter, status, giveUp: apiError };
	if (status === 500 || status === 502 || status === 504) {
		const unknown = () =>
			new DeliveryUnknownError(`HTTP ${status}`, requestId, clientRequestId, req.operation);
		return {
			done: false,
			repeatable: req.replay === 'always',
			retryAfter,
			status,
			giveUp: (why) => (req.delivers ? unknown() : apiError(why)),
		};
	}
	return { done: false, repeatable: false, status, giveUp: apiError };
}

function tooLong(why: Extract<GiveUp, { kind: 'retryAfterTooLong' }>): string {
	const asked = Math.ceil(why.askedMs / 1000);
	const cap = Math.round(why.capMs / 1000);
	return `Microsoft asked to wait ${asked} s before repeating it (Retry-After), longer than the ${cap} s this node waits, so it was not repeated.`;
}
