import type { RetryPolicy } from '../../../../shared/transport/retry';
import type { GraphClient, GraphResponse } from '../../../../shared/transport/graphClient';
import { outcomeOf } from '../../../../shared/outcome';
import { GraphApiError } from '../../../../shared/transport/graphErrors';
import { sleep } from '../../../../shared/transport/retry';
import {
	processTraceBudget,
	TraceBudgetError,
	type TraceBudget,
} from '../../../../shared/transport/traceBudget';
import { permissionMissing, servicePrincipalMissing } from './words';

/**
 * Message trace in Microsoft Graph v1.0: GET /admin/exchange/tracing/messageTraces ($filter eq on
 * messageId, senderAddress, recipientAddress, subject, status; receivedDateTime ge/le; $top
 * 1–5000; @odata.nextLink),
 * https://learn.microsoft.com/graph/api/messagetracingroot-list-messagetraces, and GET
 * /admin/exchange/tracing/messageTraces/{id}/getDetailsByRecipient(recipientAddress='…'),
 * https://learn.microsoft.com/graph/api/exchangemessagetrace-getdetailsbyrecipient
 */
export interface TraceRow {
	id: string;
	messageId: string;
	senderAddress: string;
	recipientAddress: string;
	subject: string;
	status: string;
	receivedDateTime: string;
}

/**
 * One event of a recipient's trace (exchangeMessageTraceDetail); the NDR text is in `description`.
 */
export interface TraceEvent {
	event: string;
	action: string;
	description: string;
	dateTime: string;
}

export const TRACE_PATH = '/v1.0/admin/exchange/tracing/messageTraces';
/**
 * Pages followed per search: a search for one message that finds more rows than this is not narrow
 * enough.
 */
const MAX_PAGES = 5;
const PAGE_SIZE = 1000;
/** 429s and 503s repeated per request (each repeat goes through the budget again). */
const MAX_ATTEMPTS = 4;
/** The wait after a 429 without Retry-After: a fifth of the 5-minute window. */
const DEFAULT_PAUSE_MS = 60_000;

/** An OData string literal: single quotes doubled (OData ABNF, SQUOTE-in-string). */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export function listUrl(graphEndpoint: string, filter: string, top = PAGE_SIZE): string {
	return `${graphEndpoint}${TRACE_PATH}?$filter=${encodeURIComponent(filter)}&$top=${top}`;
}

export function detailsUrl(graphEndpoint: string, traceId: string, recipient: string): string {
	const address = encodeURIComponent(odataString(recipient));
	return `${graphEndpoint}${TRACE_PATH}/${encodeURIComponent(traceId)}/getDetailsByRecipient(recipientAddress=${address})`;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function rowOf(value: Record<string, unknown>): TraceRow {
	return {
		id: text(value.id),
		messageId: text(value.messageId),
		senderAddress: text(value.senderAddress),
		recipientAddress: text(value.recipientAddress),
		subject: text(value.subject),
		status: text(value.status),
		receivedDateTime: text(value.receivedDateTime),
	};
}

function eventOf(value: Record<string, unknown>): TraceEvent {
	return {
		event: text(value.event),
		action: text(value.action),
		description: text(value.description),
		dateTime: text(value.dateTime),
	};
}

/**
 * Trace requests of one run in flight at once: items are looked up together, their requests queue
 * here.
 */
const MAX_IN_FLIGHT = 4;

export class TraceApi {
	/** Requests sent, 429s included (every one counts against the budget). */
	requests = 0;
	private inFlight = 0;
	private readonly queue: (() => void)[] = [];

	constructor(
		private readonly graph: GraphClient,
		private readonly clientId: string,
		private readonly budgetKey: string,
		private readonly budget: TraceBudget = processTraceBudget,
		private readonly signal?: AbortSignal,
	) {}

	/**
	 * Every row the filter finds, following @odata.nextLink on Graph's own origin, at most MAX_PAGES
	 * pages.
	 */
	async list(filter: string, deadline: number, top = PAGE_SIZE): Promise<TraceRow[]> {
		const rows: TraceRow[] = [];
		let url: string | undefined = listUrl(this.graph.graphEndpoint, filter, top);
		for (let page = 0; url && page < MAX_PAGES; page++) {
			const body = await this.get(url, 'list message traces', deadline);
			const value = Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : [];
			rows.push(...value.map(rowOf));
			const next = text(body['@odata.nextLink']);
			// The token goes to Graph only: a next link elsewhere is not followed.
			url =
				next && new URL(next).origin === new URL(this.graph.graphEndpoint).origin
					? next
					: undefined;
		}
		return rows;
	}

	async details(row: TraceRow, deadline: number): Promise<TraceEvent[]> {
		const url = detailsUrl(this.graph.graphEndpoint, row.id, row.recipientAddress);
		const body = await this.get(url, 'message trace details', deadline);
		const value = Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : [];
		return value.map(eventOf);
	}

	/**
	 * One GET through the tenant's budget; 429 pauses the budget for its Retry-After and is repeated.
	 */
	private async get(
		url: string,
		operation: string,
		deadline: number,
	): Promise<Record<string, unknown>> {
		for (let attempt = 1; ; attempt++) {
			await this.budget.acquire(this.budgetKey, deadline, this.signal);
			this.requests++;
			const request = { operation, method: 'GET' as const, url, authenticated: true };
			const sent = await this.limited(() => this.graph.request({ ...request, replay: 'always' }));
			if (sent.ok) return parse(sent.value);
			const waitMs = this.retryWait(sent.error, attempt);
			if (waitMs === undefined) throw translate(sent.error, this.clientId);
			// A Retry-After beyond the deadline: fail now rather than wait in vain.
			if (Date.now() + waitMs > deadline) throw new TraceBudgetError(Date.now() + waitMs, true);
			if ((sent.error as GraphApiError).status === 429)
				this.budget.pause(this.budgetKey, Date.now() + waitMs);
			else await sleep(waitMs, this.signal);
		}
	}

	/** At most MAX_IN_FLIGHT at once; a finished request hands its slot to the next in line. */
	private async limited<T>(send: () => Promise<T>) {
		if (this.inFlight < MAX_IN_FLIGHT) this.inFlight++;
		else await new Promise<void>((go) => this.queue.push(go));
		try {
			return await outcomeOf(send);
		} finally {
			const next = this.queue.shift();
			if (next) next();
			else this.inFlight--;
		}
	}

	private retryWait(error: unknown, attempt: number): number | undefined {
		if (!(error instanceof GraphApiError) || attempt >= MAX_ATTEMPTS) return undefined;
		if (error.status === 429) return error.retryAfterMs ?? DEFAULT_PAUSE_MS;
		if (error.status === 503) return error.retryAfterMs ?? 1_000 * 2 ** attempt;
		return undefined;
	}
}

function parse(response: GraphResponse): Record<string, unknown> {
	try {
		const body = JSON.parse(response.body.toString('utf8')) as unknown;
		if (body && typeof body === 'object') return body as Record<string, unknown>;
	} catch {
		// fall through
	}
	throw new Error(
		'Microsoft Graph answered the message trace request with something that is not JSON.',
	);
}

/**
 * Microsoft's refusals in words. 401 naming the missing service principal: the Transport Data
 * Platform prerequisite (the text is quoted in office365itpros.com/2026/01/27/message-trace-api);
 * 403: the permission.
 */
function translate(error: unknown, clientId: string): unknown {
	if (!(error instanceof GraphApiError)) return error;
	if (error.status === 401 && /service principal/i.test(error.graphMessage))
		return servicePrincipalMissing(error.graphMessage);
	if (error.status === 403) return permissionMissing(clientId, error.graphMessage);
	return error;
}

/**
 * The Graph client's retry policy for trace requests: no retries inside the client, since every
 * repeat must go through the tenant's trace budget, and a maxDelayMs of 0 hands Microsoft's
 * Retry-After to it instead of waiting.
 */
export function traceClientRetry(timeoutMs: number): RetryPolicy {
	return { maxRetries: 0, maxTotalMs: timeoutMs, baseDelayMs: 1_000, maxDelayMs: 0, minDelayMs: 0 };
}
