/** Errors that leave the transport. None of them carries a token or a secret. */

export interface GraphErrorBody {
	code?: string;
	message?: string;
	innerError?: Record<string, unknown>;
}

/** Microsoft Graph answered with a non-2xx status (after any retries the policy allowed). */
export class GraphApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly graphMessage: string,
		readonly requestId: string | undefined,
		readonly clientRequestId: string,
		readonly operation: string,
		/** How many times the request was sent (1 = no retry). */
		readonly attempts = 1,
		/**
		 * What Microsoft's last Retry-After asked for, when it was longer than the retry policy waits.
		 */
		readonly retryAfterMs?: number,
	) {
		super(`${operation}: ${status} ${code}: ${graphMessage}`);
		this.name = 'GraphApiError';
	}
}

/**
 * The request left this machine and no trustworthy answer came back (timeout after the body was
 * sent, connection reset, 500/502/504). Microsoft may or may not have acted on it; resending could
 * duplicate a mail.
 */
export class DeliveryUnknownError extends Error {
	constructor(
		readonly reason: string,
		readonly requestId: string | undefined,
		readonly clientRequestId: string,
		readonly operation: string,
	) {
		super(`${operation}: outcome unknown (${reason})`);
		this.name = 'DeliveryUnknownError';
	}
}

/**
 * The request could not be sent at all (DNS, refused connection, TLS, proxy), even after retries.
 * When the failure was the proxy's (down, or refusing the tunnel), `host` names the proxy ("the
 * proxy http://host:port").
 */
export class NetworkError extends Error {
	constructor(
		readonly code: string,
		readonly host: string,
		readonly clientRequestId: string,
		readonly operation: string,
	) {
		super(`${operation}: cannot reach ${host} (${code})`);
		this.name = 'NetworkError';
	}
}

export function parseGraphError(body: Buffer): GraphErrorBody {
	try {
		const parsed = JSON.parse(body.toString('utf8')) as { error?: GraphErrorBody };
		if (parsed && typeof parsed.error === 'object' && parsed.error) return parsed.error;
	} catch {
		// Not JSON (e.g. a proxy's HTML page): fall through.
	}
	return {};
}
