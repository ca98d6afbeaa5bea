/**
 * Control API under /_sim/ (never under a tenant path), for simulators running in another process:
 *   POST /_sim/rpc {"method","args"}
 *   GET /_sim/outbox.json | counters.json | requests.json | info.json
 *   GET /_sim/outbox                   human-readable outbox (HTML, newest first, self-refreshing)
 *   GET /_sim/outbox/attachment?m=&a=  one attachment's bytes (attachments up to 256 KiB keep them)
 *   GET /_sim/drafts.json?mailbox=     drafts of a mailbox, held scheduled sends included
 *                                      (draftsView.ts)
 *   GET /_sim/received.json            received messages seeded with rpc seedMessage (ids for
 *                                      Reply)
 */
import type { RequestContext } from './context';
import { draftsOf } from './draftsView';
import { BodyTooLargeError, jsonResponse, type SimResponse } from './http';
import { attachmentDownload, outboxPage } from './outboxPage';
import type { DeliverMessageConfig, MessageChange } from './inbox';
import type { SeedMessageConfig } from './replies';
import type { SimState } from './state';
import type { TraceAvailability, TraceSettings } from './trace/store';
import type {
	AppConfig,
	AppPatch,
	DeliveredMessage,
	ExchangeBehaviour,
	FaultSpec,
	RecordedRequest,
	RestrictionConfig,
	SimulatorCounters,
	TenantConfig,
	UserConfig,
} from './types';

/** What the control API drives: the in-process M365Simulator. */
export interface ControlTarget {
	readonly url: string;
	readonly caCertFile: string;
	readonly outbox: DeliveredMessage[];
	readonly counters: SimulatorCounters;
	readonly requests: RecordedRequest[];
	readonly state: SimState;
	addTenant(t: TenantConfig): void;
	addApp(a: AppConfig): void;
	updateApp(clientId: string, patch: AppPatch): void;
	addUser(u: UserConfig): void;
	restrictApp(r: RestrictionConfig): void;
	seedMessage(m: SeedMessageConfig): string;
	deliverMessage(m: DeliverMessageConfig): string;
	changeMessage(id: string, change: MessageChange): void;
	expireDeltaTokens(): void;
	injectFault(f: FaultSpec): string;
	clearFaults(): void;
	setGraphLatency(ms: number): void;
	setExchangeBehaviour(b: ExchangeBehaviour): void;
	reset(): void;
	resetAll(): void;
	loadScenario(name: string): void;
}

/** FaultSpec.match.path over JSON: a regex source string, or {source, flags}. */
type WirePath = string | { source: string; flags?: string };

function faultFromWire(value: unknown): FaultSpec {
	const spec = value as FaultSpec & { match?: { path?: WirePath } };
	if (
		typeof spec !== 'object' ||
		spec === null ||
		typeof spec.match !== 'object' ||
		spec.match === null
	) {
		throw new Error('injectFault expects a FaultSpec with a match object');
	}
	const path = spec.match.path as WirePath | undefined;
	if (path !== undefined && typeof path !== 'string') {
		return { ...spec, match: { ...spec.match, path: new RegExp(path.source, path.flags ?? '') } };
	}
	return spec as FaultSpec;
}

function invoke(target: ControlTarget, method: string, args: unknown[]): unknown {
	switch (method) {
		case 'addTenant':
			return target.addTenant(args[0] as TenantConfig);
		case 'addApp':
			return target.addApp(args[0] as AppConfig);
		case 'updateApp':
			return target.updateApp(String(args[0]), args[1] as AppPatch);
		case 'addUser':
			return target.addUser(args[0] as UserConfig);
		case 'restrictApp':
			return target.restrictApp(args[0] as RestrictionConfig);
		case 'seedMessage':
			return target.seedMessage(args[0] as SeedMessageConfig);
		case 'deliverMessage':
			return target.deliverMessage(args[0] as DeliverMessageConfig);
		case 'changeMessage':
			return target.changeMessage(String(args[0]), args[1] as MessageChange);
		case 'expireDeltaTokens':
			return target.expireDeltaTokens();
		case 'injectFault':
			return target.injectFault(faultFromWire(args[0]));
		case 'clearFaults':
			return target.clearFaults();
		case 'setGraphLatency':
			return target.setGraphLatency(Number(args[0]));
		case 'setExchangeBehaviour':
			return target.setExchangeBehaviour((args[0] ?? {}) as ExchangeBehaviour);
		case 'reset':
			return target.reset();
		case 'resetAll':
			return target.resetAll();
		case 'loadScenario':
			return target.loadScenario(String(args[0]));
		// Message trace (trace/store.ts): settings, a recipient's fate, a tenant without trace.
		case 'configureMessageTrace':
			return target.state.trace.configure(args[0] as Partial<TraceSettings>);
		case 'setRecipientFate':
			return target.state.trace.setFate(String(args[0]), String(args[1]));
		case 'setMessageTraceAvailability':
			return target.state.trace.setAvailability(String(args[0]), args[1] as TraceAvailability);
		default:
			throw new Error(`unknown rpc method: ${method}`);
	}
}

/** The outbox as JSON: attachment bytes are left out. */
export function outboxForWire(outbox: DeliveredMessage[]): DeliveredMessage[] {
	return outbox.map((m) => ({
		...m,
		attachments: m.attachments.map((a) => {
			const copy = { ...a };
			delete copy.bytes;
			return copy;
		}),
	}));
}

export async function handleControl(
	ctx: RequestContext,
	target: ControlTarget,
): Promise<SimResponse> {
	const name = ctx.segments.slice(1).join('/');
	const noStore = { 'Cache-Control': 'no-store' };
	if (ctx.method === 'POST' && name === 'rpc') {
		let payload: { method?: unknown; args?: unknown };
		try {
			payload = JSON.parse((await ctx.readBody(1024 * 1024)).toString('utf8')) as typeof payload;
		} catch (err) {
			const message =
				err instanceof BodyTooLargeError
					? 'rpc body too large'
					: 'rpc body must be JSON {"method","args"}';
			return jsonResponse(400, { error: message });
		}
		try {
			const args = Array.isArray(payload.args) ? payload.args : [];
			const result = invoke(target, String(payload.method), args);
			return jsonResponse(200, { result: result ?? null }, noStore);
		} catch (err) {
			return jsonResponse(400, { error: err instanceof Error ? err.message : String(err) });
		}
	}
	if (ctx.method === 'GET') {
		switch (name) {
			case 'outbox.json':
				return jsonResponse(200, outboxForWire(target.outbox), noStore);
			case 'counters.json':
				return jsonResponse(200, target.counters, noStore);
			case 'requests.json':
				return jsonResponse(200, target.requests, noStore);
			case 'info.json':
				return jsonResponse(
					200,
					{ url: target.url, caCertFile: target.caCertFile, controlUrl: `${target.url}/_sim` },
					noStore,
				);
			case 'received.json':
				return jsonResponse(200, [...target.state.seededMessages.values()], noStore);
			case 'drafts.json':
				return jsonResponse(
					200,
					draftsOf(target.state, ctx.query.get('mailbox') ?? undefined),
					noStore,
				);
			case 'outbox':
				return outboxPage(target.outbox, draftsOf(target.state));
			case 'outbox/attachment':
				return attachmentDownload(target.outbox, ctx.query);
		}
	}
	return jsonResponse(404, { error: `no control endpoint ${ctx.method} /_sim/${name}` });
}
