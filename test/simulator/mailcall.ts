/**
 * What Graph mail handlers receive, and helpers they share (error rendering, the Outlook
 * concurrency gate).
 */
import type { RequestContext } from './context';
import { GraphError, graphErrorBody } from './errors';
import { jsonResponse, type SimResponse } from './http';
import type { User } from './state';
import type { AppToken } from './tokens';

export interface MailCall {
	ctx: RequestContext;
	token: AppToken;
	user: User;
	/** The `{id | userPrincipalName}` path segment as sent (decoded). */
	userSegment: string;
	messageId?: string;
	/** Parsed JSON body (only for routes that take one). */
	body?: Record<string, unknown>;
	/** Request Content-Type (sendMail also accepts text/plain MIME). */
	contentType?: string;
}

export function renderGraphError(ctx: RequestContext, err: GraphError): SimResponse {
	const body = graphErrorBody(
		err.code,
		err.message,
		{ requestId: ctx.requestId, clientRequestId: ctx.clientRequestId, now: ctx.now() },
		err.options.innerError ?? true,
	);
	return {
		...jsonResponse(err.status, body, err.options.headers ?? {}, 'application/json'),
		errorCode: err.code,
	};
}

/**
 * Takes a concurrency slot until the response ends, or throws the Outlook 429
 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
 */
export function admitConcurrent(ctx: RequestContext, clientId: string, user: User): void {
	const { core } = ctx;
	const release = core.state.tryAcquireSlot(clientId, user, core.settings.mailboxConcurrencyLimit);
	if (!release) {
		core.state.counters.throttled += 1;
		throw new GraphError(
			429,
			'ApplicationThrottled',
			'Application is over its MailboxConcurrency limit.',
			{
				innerError: false,
				headers: { 'Retry-After': String(core.settings.throttleRetryAfterSeconds) },
			},
		);
	}
	ctx.onFinished(release);
}

/** Body key under which graph.ts hands sendMail a MIME (Content-Type text/plain) payload. */
export const MIME_BODY = '@sim.mimeBody';
