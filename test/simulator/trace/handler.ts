/**
 * Message trace in Microsoft Graph v1.0:
 *   GET /v1.0/admin/exchange/tracing/messageTraces?$filter=…&$top=…
 *       (messagetracingroot-list-messagetraces)
 *   GET /v1.0/admin/exchange/tracing/messageTraces/{id}/getDetailsByRecipient(recipientAddress='…')
 *       (exchangemessagetrace-getdetailsbyrecipient)
 * Checks in this order (the order is the simulator's choice): cloud and the Transport Data Platform
 * prerequisite, the ExchangeMessageTrace.Read.All permission, the budget of 100 requests per 5
 * minutes per tenant, the query.
 */
import type { RequestContext } from '../context';
import { GraphError } from '../errors';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from '../http';
import { methodNotAllowed, segmentNotFound } from '../mailRoutes';
import type { AppToken } from '../tokens';
import { matches, parseFilter, type Clause } from './filter';
import { eventsOf, traceRowsOf, type TraceRow } from './rows';

export const TRACE_ROLE = 'ExchangeMessageTrace.Read.All';
const PREFIX = ['admin', 'exchange', 'tracing', 'messagetraces'];
const DAY_MS = 24 * 60 * 60_000;
/**
 * "The default page size for this API is 1000 …; $top … within the range of 1 and 5000"
 * (list-messagetraces).
 */
const DEFAULT_TOP = 1000;
const MAX_TOP = 5000;

function checkAccess(ctx: RequestContext, token: AppToken): void {
	const availability = ctx.core.state.trace.availabilityOf(token.tenantId);
	// Global service only (the national cloud table of list-messagetraces); what a national Graph
	// answers is not documented: the simulator answers as for any unknown segment (assumption).
	if (availability === 'nationalCloud') throw segmentNotFound('exchange');
	// Quoted from office365itpros.com/2026/01/27/message-trace-api (the tenant lacks the service
	// principal of Microsoft's Transport Data Platform app).
	if (availability === 'noServicePrincipal')
		throw new GraphError(
			401,
			'Unauthorized',
			'Service principal-less Authentication failed: the service principal for App ID 8bd644d1-64a1-4d4b-ae52-2e0cbf64e373 was not found. Please create a service principal for this app in your tenant. Provisioning may take several hours to complete.',
		);
	// Permission: ExchangeMessageTrace.Read.All (both pages); the 403 wording is the simulator's
	// (assumption).
	if (!token.roles.includes(TRACE_ROLE))
		throw new GraphError(
			403,
			'Forbidden',
			`Missing role permissions on the request. API requires one of '${TRACE_ROLE}'. Roles on the request '${token.roles.join(',')}'.`,
		);
	// "This API has a throttling limit of 100 requests per 5 minutes" (getDetailsByRecipient);
	// Graph's 429 carries Retry-After (https://learn.microsoft.com/graph/throttling); the body is the
	// generic one.
	const retryAfter = ctx.core.state.trace.admit(token.tenantId);
	if (retryAfter !== undefined) {
		ctx.core.state.counters.throttled++;
		throw new GraphError(
			429,
			'TooManyRequests',
			'Too many requests. Please retry after the time in the Retry-After header.',
			{
				headers: { 'Retry-After': String(retryAfter) },
			},
		);
	}
}

export function handleMessageTrace(ctx: RequestContext, token: AppToken): SimResponse {
	const rest = ctx.segments.slice(1);
	for (let i = 0; i < PREFIX.length; i++)
		if ((rest[i] ?? '').toLowerCase() !== PREFIX[i]) throw segmentNotFound(rest[i] ?? '');
	if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method, 'messageTraces', false);
	checkAccess(ctx, token);
	const tail = rest.slice(PREFIX.length);
	if (tail.length === 0) return listPage(ctx, token);
	if (tail.length === 2) return details(ctx, token, tail[0], tail[1]);
	throw segmentNotFound(tail[tail.length - 1]);
}

/**
 * Without a receivedDateTime range the last 48 hours are searched; a range over 10 days is refused
 * (assumption: Get-MessageTraceV2's rules).
 */
function window(clauses: Clause[]): void {
	const ge = clauses.find((c) => c.field === 'receivedDateTime' && c.op === 'ge');
	const le = clauses.find((c) => c.field === 'receivedDateTime' && c.op === 'le');
	const from = (ge?.value as number | undefined) ?? Date.now() - 2 * DAY_MS;
	const to = (le?.value as number | undefined) ?? Date.now();
	if (to - from > 10 * DAY_MS)
		throw new GraphError(
			400,
			'BadRequest',
			'The time range between the start and end date cannot exceed 10 days.',
		);
	if (!ge) clauses.push({ field: 'receivedDateTime', op: 'ge', value: from });
}

function listPage(ctx: RequestContext, token: AppToken): SimResponse {
	const filter = ctx.query.get('$filter');
	const clauses = filter ? parseFilter(filter) : [];
	window(clauses);
	const topText = ctx.query.get('$top');
	const top = topText === null ? DEFAULT_TOP : Number(topText);
	if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
		throw new GraphError(
			400,
			'BadRequest',
			`Invalid $top value ${topText}: it must be between 1 and ${MAX_TOP}.`,
		);
	const skip = Number(ctx.query.get('$skiptoken') ?? '0') || 0;
	const rows = traceRowsOf(ctx.core.state, token.tenantId)
		.filter((r) => matches(r.view, clauses))
		.sort((a, b) => b.sentAt - a.sentAt);
	const page = rows.slice(skip, skip + top);
	const base = `${ctx.core.url}/v1.0/admin/exchange/tracing/messageTraces`;
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.core.url}/v1.0/$metadata#admin/exchange/tracing/messageTraces`,
		value: page.map((r) => r.view),
	};
	// "apply the entire URL returned in @odata.nextLink … This URL includes any query parameters"
	// (list-messagetraces).
	if (skip + top < rows.length) {
		const next = new URLSearchParams(ctx.query);
		next.set('$skiptoken', String(skip + top));
		body['@odata.nextLink'] = `${base}?${next.toString()}`;
	}
	return jsonResponse(200, body, {}, GRAPH_JSON_CONTENT_TYPE);
}

function details(ctx: RequestContext, token: AppToken, id: string, call: string): SimResponse {
	const m = /^getDetailsByRecipient\(recipientAddress='((?:[^']|'')*)'\)$/i.exec(call);
	if (!m) throw segmentNotFound(call);
	const recipient = m[1].replace(/''/g, "'").toLowerCase();
	const row: TraceRow | undefined = traceRowsOf(ctx.core.state, token.tenantId).find(
		(r) => r.view.id === id && r.view.recipientAddress.toLowerCase() === recipient,
	);
	// An unknown trace id or recipient: an empty collection (assumption; not documented).
	return jsonResponse(
		200,
		{
			'@odata.context': `${ctx.core.url}/v1.0/$metadata#Collection(microsoft.graph.exchangeMessageTraceDetail)`,
			value: row ? eventsOf(row) : [],
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}
