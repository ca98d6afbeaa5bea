/**
 * Request lifecycle: classify → record → (token: read form) → faults → process → latency → write.
 * Every Graph / upload answer carries `request-id` and echoes `client-request-id`
 * (https://learn.microsoft.com/graph/errors).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestContext, type SimulatorCore } from './context';
import {
	aadErrorBody,
	defaultAadFaultError,
	defaultGraphFaultError,
	graphErrorBody,
} from './errors';
import { defaultFaultStatus, type ActiveFault, type FaultTarget } from './faults';
import { handleGraph } from './graph';
import {
	BodyTooLargeError,
	ClientAbortedError,
	delay,
	jsonResponse,
	type SimResponse,
} from './http';
import {
	handleInstanceDiscovery,
	handleKeys,
	handleOpenIdConfiguration,
	handleToken,
} from './identity';
import { classify, type Host, type Route } from './routes';
import { handleUpload } from './uploads';

export type ControlHandler = (ctx: RequestContext) => Promise<SimResponse>;

const TOKEN_BODY_LIMIT = 1024 * 1024;

export function createRequestListener(
	core: SimulatorCore,
	control: ControlHandler,
	host: Host = 'graph',
): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		const ctx = new RequestContext(core, req, res);
		handle(ctx, control, host).catch((err: unknown) => {
			write(
				ctx,
				jsonResponse(500, {
					error: { code: 'InternalServerError', message: `M365 simulator bug: ${String(err)}` },
				}),
			);
		});
	};
}

async function handle(ctx: RequestContext, control: ControlHandler, host: Host): Promise<void> {
	const { core } = ctx;
	const route = classify(ctx.segments, host);
	if (route.kind === 'control') {
		write(ctx, await control(ctx));
		return;
	}
	ctx.record.kind = route.kind;
	core.state.recordRequest(ctx.record);

	let form = new URLSearchParams();
	if (route.kind === 'token') {
		const parsed = await readForm(ctx);
		if (parsed === undefined) return; // client went away
		form = parsed;
		countTokenRequest(ctx, form);
	}
	countArrival(ctx, route);

	const fault = core.faults.take(faultTarget(ctx, route));
	if (!fault) {
		const response = await processRoute(ctx, route, form);
		if (response) write(ctx, response);
		return;
	}
	core.state.counters.faultsInjected += 1;
	ctx.record.faultId = fault.id;
	await applyFault(ctx, route, form, fault);
}

async function applyFault(
	ctx: RequestContext,
	route: Route,
	form: URLSearchParams,
	fault: ActiveFault,
): Promise<void> {
	const delayMs = fault.spec.delayMs ?? 0;
	switch (fault.action) {
		case 'respond':
			ctx.req.resume();
			await delay(delayMs);
			write(ctx, faultResponse(ctx, route, fault));
			return;
		case 'processThenRespond':
			await processRoute(ctx, route, form);
			await delay(delayMs);
			write(ctx, faultResponse(ctx, route, fault));
			return;
		case 'resetBeforeProcessing':
			await delay(delayMs);
			reset(ctx);
			return;
		case 'processThenReset':
			await processRoute(ctx, route, form);
			await delay(delayMs);
			reset(ctx);
			return;
		case 'hang':
			ctx.req.resume();
			ctx.record.outcome = 'hang';
			return;
		case 'processThenHang':
			await processRoute(ctx, route, form);
			ctx.record.outcome = 'hang';
			return;
	}
}

/** Runs the simulated service, including configured latency. undefined when the client aborted. */
async function processRoute(
	ctx: RequestContext,
	route: Route,
	form: URLSearchParams,
): Promise<SimResponse | undefined> {
	const { settings } = ctx.core;
	try {
		switch (route.kind) {
			case 'token': {
				const response = handleToken(ctx, route.tenant, form);
				await delay(settings.tokenLatencyMs);
				return response;
			}
			case 'metadata':
				if (route.endpoint === 'instance') return handleInstanceDiscovery(ctx);
				if (route.endpoint === 'keys') return handleKeys();
				return handleOpenIdConfiguration(ctx, route.tenant);
			case 'graph': {
				const response = await handleGraph(ctx);
				await ctx.core.gather.hold(ctx.pathname);
				await delay(settings.graphLatencyMs);
				return response;
			}
			case 'upload': {
				const response = await handleUpload(ctx, route);
				await delay(settings.graphLatencyMs);
				return response;
			}
			default:
				return jsonResponse(404, {
					error: { code: 'NotFound', message: `No simulated endpoint at ${ctx.pathname}.` },
				});
		}
	} catch (err) {
		if (err instanceof ClientAbortedError) return undefined;
		throw err;
	}
}

function faultResponse(ctx: RequestContext, route: Route, fault: ActiveFault): SimResponse {
	const spec = fault.spec;
	const status = spec.status ?? defaultFaultStatus(fault.action);
	const headers = { ...(spec.headers ?? {}) };
	const now = ctx.now();
	if (spec.body === null || (spec.body === undefined && status < 400)) return { status, headers };
	if (typeof spec.body === 'string') {
		const type = spec.body.trimStart().startsWith('<')
			? 'text/html; charset=utf-8'
			: 'text/plain; charset=utf-8';
		return { status, headers: { 'Content-Type': type, ...headers }, body: spec.body };
	}
	let body = spec.body;
	if (body === undefined) {
		if (route.kind === 'token') {
			body = aadErrorBody(defaultAadFaultError(status), {
				traceId: ctx.requestId,
				correlationId: ctx.clientRequestId ?? ctx.requestId,
				now,
			});
		} else {
			const e = defaultGraphFaultError(status);
			body = graphErrorBody(e.code, e.message, {
				requestId: ctx.requestId,
				clientRequestId: ctx.clientRequestId,
				now,
			});
		}
	}
	return {
		...jsonResponse(status, body, headers, 'application/json'),
		errorCode: errorCodeOf(body),
	};
}

function errorCodeOf(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const error = (body as { error?: unknown }).error;
	if (typeof error === 'string') return error;
	if (typeof error === 'object' && error !== null) {
		const code = (error as { code?: unknown }).code;
		return typeof code === 'string' ? code : undefined;
	}
	return undefined;
}

function write(ctx: RequestContext, response: SimResponse): void {
	const { res, record } = ctx;
	if (res.headersSent || res.destroyed || res.writableEnded) return;
	const headers: Record<string, string> = { ...response.headers };
	if (record.kind === 'graph' || record.kind === 'upload') {
		headers['request-id'] = ctx.requestId;
		if (ctx.clientRequestId !== undefined) headers['client-request-id'] = ctx.clientRequestId;
	}
	const body = response.body ?? '';
	if (response.status !== 204 && response.status !== 304)
		headers['Content-Length'] = String(Buffer.byteLength(body));
	res.writeHead(response.status, headers);
	res.end(body);
	record.status = response.status;
	record.errorCode = response.errorCode;
	record.outcome = 'responded';
	if (record.kind === 'token' && response.status >= 400) ctx.core.state.counters.tokenErrors += 1;
	ctx.complete();
}

function reset(ctx: RequestContext): void {
	ctx.record.outcome = 'reset';
	if (ctx.record.kind === 'token') ctx.core.state.counters.tokenErrors += 1;
	ctx.req.socket.destroy();
	ctx.complete();
}

async function readForm(ctx: RequestContext): Promise<URLSearchParams | undefined> {
	if (ctx.method !== 'POST') return new URLSearchParams();
	try {
		const body = await ctx.readBody(TOKEN_BODY_LIMIT);
		const type = (ctx.header('content-type') ?? '').toLowerCase();
		// Entra only reads form bodies; anything else looks like missing parameters.
		return type.startsWith('application/x-www-form-urlencoded')
			? new URLSearchParams(body.toString('utf8'))
			: new URLSearchParams();
	} catch (err) {
		if (err instanceof BodyTooLargeError) return new URLSearchParams();
		if (err instanceof ClientAbortedError) return undefined;
		throw err;
	}
}

function countTokenRequest(ctx: RequestContext, form: URLSearchParams): void {
	const counters = ctx.core.state.counters;
	counters.tokenRequests += 1;
	const clientId = form.get('client_id');
	if (clientId) {
		ctx.record.clientId = clientId;
		counters.tokenRequestsByClient[clientId] = (counters.tokenRequestsByClient[clientId] ?? 0) + 1;
	}
}

function countArrival(ctx: RequestContext, route: Route): void {
	const counters = ctx.core.state.counters;
	if (route.kind === 'graph') {
		counters.graphRequests += 1;
		const last = ctx.segments[ctx.segments.length - 1]?.toLowerCase();
		if (ctx.method === 'POST' && last === 'sendmail') counters.sendMailCalls += 1;
	} else if (route.kind === 'upload' && ctx.method === 'PUT') {
		counters.uploadChunks += 1;
	}
}

/**
 * What faults can match on; also labels the request with its mailbox before authentication runs.
 */
function faultTarget(ctx: RequestContext, route: Route): FaultTarget {
	const { state } = ctx.core;
	let hint: string | undefined;
	let user = undefined as ReturnType<typeof state.findUserAnywhere>;
	if (route.kind === 'graph' && ctx.segments[1]?.toLowerCase() === 'users' && ctx.segments[2]) {
		hint = ctx.segments[2];
		user = state.findUserAnywhere(hint);
	} else if (route.kind === 'upload') {
		hint = route.mailbox;
		const session = state.uploads.get(route.sessionId);
		user = session ? state.users.get(session.userId.toLowerCase()) : undefined;
		if (session) ctx.record.clientId = session.clientId;
	}
	if (hint !== undefined) ctx.record.mailbox = user?.userPrincipalName ?? hint;
	const keys = [hint, user?.userPrincipalName, user?.mail, user?.id]
		.filter((k): k is string => k !== undefined)
		.map((k) => k.toLowerCase());
	let decodedPath = ctx.pathname;
	try {
		decodedPath = decodeURIComponent(ctx.pathname);
	} catch {
		// keep the raw path
	}
	return {
		kind: route.kind,
		method: ctx.method,
		rawPath: ctx.pathname,
		decodedPath,
		mailboxKeys: keys,
	};
}
