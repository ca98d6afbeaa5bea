/**
 * Exact error bodies of the Microsoft identity platform and Microsoft Graph.
 * Shapes: https://learn.microsoft.com/graph/errors (Graph) and
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes (token endpoint).
 */

/**
 * A Graph (or Outlook upload endpoint) error, thrown by handlers and rendered by graphErrorBody.
 */
export class GraphError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly options: {
			/**
			 * Outlook-originated errors often carry no innerError
			 * (https://learn.microsoft.com/graph/errors, e.g. the RAOP 403).
			 */
			innerError?: boolean;
			headers?: Record<string, string>;
		} = {},
	) {
		super(message);
	}
}

/** A token-endpoint error: `error` (OAuth code), the AADSTS number and its text. */
export class AadError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		readonly aadsts: number,
		readonly description: string,
	) {
		super(`AADSTS${aadsts}: ${description}`);
	}
}

export interface GraphErrorContext {
	requestId: string;
	clientRequestId?: string;
	now: Date;
}

/**
 * Graph's innerError date has no fraction and no zone, e.g. "2022-03-17T16:05:41"
 * (https://learn.microsoft.com/graph/errors).
 */
export function graphDate(now: Date): string {
	return now.toISOString().slice(0, 19);
}

/**
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`
 * (https://learn.microsoft.com/graph/errors; the client-request-id member per
 * https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/2362). Graph fills
 * client-request-id with its own id when the caller sent none.
 */
export function graphErrorBody(
	code: string,
	message: string,
	ctx: GraphErrorContext,
	innerError = true,
): object {
	if (!innerError) return { error: { code, message } };
	return {
		error: {
			code,
			message,
			innerError: {
				date: graphDate(ctx.now),
				'request-id': ctx.requestId,
				'client-request-id': ctx.clientRequestId ?? ctx.requestId,
			},
		},
	};
}

export interface AadErrorContext {
	traceId: string;
	correlationId: string;
	now: Date;
}

/**
 * Entra's timestamp format, e.g. "2016-01-09 02:02:12Z"
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export function aadTimestamp(now: Date): string {
	return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * `{"error","error_description":"AADSTSnnnn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp:
 * …","error_codes":[n], "timestamp","trace_id","correlation_id","error_uri"}`
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes;
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export function aadErrorBody(err: AadError, ctx: AadErrorContext): object {
	const timestamp = aadTimestamp(ctx.now);
	return {
		error: err.error,
		error_description:
			`AADSTS${err.aadsts}: ${err.description}\r\nTrace ID: ${ctx.traceId}\r\n` +
			`Correlation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
		error_codes: [err.aadsts],
		timestamp,
		trace_id: ctx.traceId,
		correlation_id: ctx.correlationId,
		error_uri: `https://login.microsoftonline.com/error?code=${err.aadsts}`,
	};
}

/**
 * Default Graph codes used when a fault gives a status but no body (simulator choice; tests needing
 * exact bodies pass one).
 */
export function defaultGraphFaultError(status: number): { code: string; message: string } {
	switch (status) {
		case 429:
			// Generic Graph throttle body: https://learn.microsoft.com/graph/throttling.
			return { code: 'TooManyRequests', message: 'Please retry again later.' };
		case 503:
			return { code: 'ServiceNotAvailable', message: 'Service unavailable. Please retry later.' };
		case 504:
			return { code: 'GatewayTimeout', message: 'The gateway did not receive a response in time.' };
		case 500:
			return { code: 'InternalServerError', message: 'An internal server error occurred.' };
		case 502:
			return { code: 'BadGateway', message: 'Bad gateway.' };
		default:
			return {
				code: status >= 500 ? 'UnknownError' : 'BadRequest',
				message: `Simulated failure (HTTP ${status}).`,
			};
	}
}

/**
 * Default token-endpoint error for a fault without a body: AADSTS90055/90006 are the retryable
 * codes of https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
export function defaultAadFaultError(status: number): AadError {
	if (status === 429) {
		return new AadError(
			status,
			'temporarily_unavailable',
			90055,
			'TenantThrottlingError - There are too many incoming requests.',
		);
	}
	if (status >= 500) {
		return new AadError(
			status,
			'temporarily_unavailable',
			90006,
			'ExternalServerRetryableError - The service is temporarily unavailable.',
		);
	}
	return new AadError(status, 'invalid_request', 50000, 'There was an error issuing a token.');
}
