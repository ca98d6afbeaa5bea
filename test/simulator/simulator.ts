/**
 * The simulator's two HTTPS servers (Graph and identity platform on one port, the Outlook upload
 * host on another) and the methods tests and the control API use to configure and observe them.
 */
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { loadOrCreateCa } from './ca';
import { serverTlsFor } from './certs';
import type { Settings, SimulatorCore } from './context';
import { handleControl, type ControlTarget } from './control';
import { FaultRegistry } from './faults';
import { Gather, type GatherSpec } from './gather';
import { createRequestListener } from './server';
import { loadScenario } from './scenarios';
import { seedMessage, type SeedMessageConfig } from './replies';
import {
	changeMessage,
	deliverMessage,
	type DeliverMessageConfig,
	type MessageChange,
} from './inbox';
import { SimState } from './state';
import { tokenSigningKey } from './tokens';
import type {
	AppConfig,
	AppPatch,
	DeliveredMessage,
	ExchangeBehaviour,
	FaultSpec,
	RecordedRequest,
	RestrictionConfig,
	SimulatorCounters,
	SimulatorOptions,
	TenantConfig,
	UserConfig,
} from './types';

function hostForUrl(host: string): string {
	if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
	return host.includes(':') ? `[${host}]` : host;
}

export class M365Simulator implements SimulatorCore, ControlTarget {
	readonly state = new SimState();
	readonly settings: Settings;
	readonly faults: FaultRegistry;
	readonly gather = new Gather();
	readonly caCertPem: string;
	readonly caCertFile: string;
	private readonly server: https.Server;
	/** Stands in for outlook.office.com: only upload URLs are served here, on their own port. */
	private readonly outlookServer: https.Server;
	private readonly sockets = new Set<Socket>();
	private readonly initialLatency: { graph: number; token: number };
	private readonly initialExchange: Required<ExchangeBehaviour>;
	private origin = '';
	private outlookOrigin = '';
	private ownOrigins = new Set<string>();
	private closed?: Promise<void>;

	/** Use startSimulator(); the constructor does not listen. */
	constructor(private readonly options: SimulatorOptions = {}) {
		const ca = loadOrCreateCa();
		this.caCertPem = ca.certPem;
		this.caCertFile = ca.certFile;
		this.settings = {
			graphLatencyMs: options.graphLatencyMs ?? 0,
			tokenLatencyMs: options.tokenLatencyMs ?? 0,
			mailboxConcurrencyLimit: options.mailboxConcurrencyLimit ?? 4,
			throttleRetryAfterSeconds: options.throttleRetryAfterSeconds ?? 1,
			uploadBytesPer5MinPerMailbox: options.uploadBytesPer5MinPerMailbox,
			accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3599,
			messageIds: options.messageIds ?? 'keep',
			sentItemsDelayMs: options.sentItemsDelayMs ?? 0,
			maxFilterValues: 1000,
		};
		this.initialLatency = {
			graph: this.settings.graphLatencyMs,
			token: this.settings.tokenLatencyMs,
		};
		this.initialExchange = {
			messageIds: this.settings.messageIds,
			sentItemsDelayMs: this.settings.sentItemsDelayMs,
			maxFilterValues: this.settings.maxFilterValues,
		};
		this.faults = new FaultRegistry(options.seed ?? 1);
		tokenSigningKey(); // generate the per-process key now rather than inside the first request
		const tls = serverTlsFor(ca);
		const control = (ctx: Parameters<typeof handleControl>[0]) => handleControl(ctx, this);
		this.server = https.createServer(
			{ key: tls.keyPem, cert: tls.certPem },
			createRequestListener(this, control),
		);
		this.outlookServer = https.createServer(
			{ key: tls.keyPem, cert: tls.certPem },
			createRequestListener(this, control, 'outlook'),
		);
		for (const server of [this.server, this.outlookServer]) {
			server.on('connection', (socket: Socket) => {
				this.sockets.add(socket);
				socket.once('close', () => this.sockets.delete(socket));
			});
		}
	}

	/** Binds the server; resolves once listening. */
	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		const port = await listenOn(this.server, this.options.port ?? 0, host);
		const uploadPort = await listenOn(this.outlookServer, this.options.uploadPort ?? 0, host);
		const publicHost = this.options.publicHost ?? hostForUrl(host);
		this.origin = `https://${publicHost}:${port}`;
		this.outlookOrigin = `https://${publicHost}:${uploadPort}`;
		this.ownOrigins = new Set([
			this.origin,
			`https://127.0.0.1:${port}`,
			`https://localhost:${port}`,
			`https://[::1]:${port}`,
		]);
	}

	/** e.g. https://127.0.0.1:43123 (no trailing slash). */
	get url(): string {
		return this.origin;
	}

	/** Origin of upload URLs (the simulator's outlook.office.com), e.g. https://127.0.0.1:43124. */
	get uploadOrigin(): string {
		return this.outlookOrigin;
	}

	/** Authority host for the credential's "custom" cloud (= url). */
	get authorityHost(): string {
		return this.origin;
	}

	/**
	 * Graph endpoint for the credential's "custom" cloud (= url); Graph lives under
	 * `${url}/v1.0/...`.
	 */
	get graphEndpoint(): string {
		return this.origin;
	}

	get outbox(): DeliveredMessage[] {
		return this.state.outbox;
	}

	get counters(): SimulatorCounters {
		return this.state.counters;
	}

	get requests(): RecordedRequest[] {
		return this.state.requests;
	}

	isOwnOrigin(origin: string): boolean {
		return this.ownOrigins.has(origin.toLowerCase().replace(/\/+$/, ''));
	}

	addTenant(t: TenantConfig): void {
		this.state.addTenant(t);
	}

	addApp(a: AppConfig): void {
		this.state.addApp(a);
	}

	updateApp(clientId: string, patch: AppPatch): void {
		this.state.updateApp(clientId, patch);
	}

	addUser(u: UserConfig): void {
		this.state.addUser(u);
	}

	/**
	 * Scopes an app to some mailboxes (Application Access Policy or RBAC for Applications); replaces
	 * a previous one.
	 */
	restrictApp(r: RestrictionConfig): void {
		this.state.restrictApp(r);
	}

	/** Puts a received message into a mailbox, for the reply actions; returns its Graph id. */
	seedMessage(m: SeedMessageConfig): string {
		return seedMessage(this.state, m);
	}

	/** Delivers a received message into a mailbox folder (inbox by default); returns its Graph id. */
	deliverMessage(m: DeliverMessageConfig): string {
		return deliverMessage(this.state, m);
	}

	/** What a user does in Outlook to a received message: read, flag, move or delete it. */
	changeMessage(id: string, change: MessageChange): void {
		changeMessage(this.state, id, change);
	}

	/**
	 * Every delta sync token issued so far is refused from now on with 410 (a sync state Exchange
	 * dropped).
	 */
	expireDeltaTokens(): void {
		this.state.mailStore.epoch += 1;
	}

	setGraphLatency(ms: number): void {
		this.settings.graphLatencyMs = Math.max(0, ms);
	}

	/**
	 * Switches how Exchange treats client-set Message-IDs and how long Sent Items lags; reset()
	 * restores both.
	 */
	setExchangeBehaviour(b: ExchangeBehaviour): void {
		if (b.messageIds !== undefined) {
			if (b.messageIds !== 'keep' && b.messageIds !== 'overwrite')
				throw new Error(`messageIds must be keep or overwrite: ${String(b.messageIds)}`);
			this.settings.messageIds = b.messageIds;
		}
		if (b.sentItemsDelayMs !== undefined)
			this.settings.sentItemsDelayMs = Math.max(0, Number(b.sentItemsDelayMs) || 0);
		if (b.maxFilterValues !== undefined)
			this.settings.maxFilterValues = Math.max(1, Number(b.maxFilterValues) || 1);
	}

	injectFault(f: FaultSpec): string {
		return this.faults.add(f);
	}

	/**
	 * Holds the first `count` Graph requests matching `path` in flight until all have arrived (see
	 * gather.ts).
	 */
	gatherRequests(spec: GatherSpec): void {
		this.gather.add(spec);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	/** Loads a named scenario ('demo' or 'empty') into the directory. */
	loadScenario(name: string): void {
		loadScenario(this, name);
	}

	/**
	 * Clears outbox, counters, requests, faults, drafts and upload sessions, and restores the
	 * start-up latencies.
	 */
	reset(): void {
		this.state.resetObservations();
		this.faults.reset();
		this.gather.clear();
		this.settings.graphLatencyMs = this.initialLatency.graph;
		this.settings.tokenLatencyMs = this.initialLatency.token;
		Object.assign(this.settings, this.initialExchange);
	}

	/** reset() + forget tenants, apps, users and restrictions. */
	resetAll(): void {
		this.reset();
		this.state.resetDirectory();
	}

	/** Stops listening and destroys every socket, including hanging requests. */
	close(): Promise<void> {
		this.closed ??= Promise.all(
			[this.server, this.outlookServer].map(
				(server) =>
					new Promise<void>((resolve) => {
						if (!server.listening) {
							resolve();
							return;
						}
						server.close(() => resolve());
						for (const socket of this.sockets) socket.destroy();
						server.closeAllConnections();
					}),
			),
		).then(() => undefined);
		return this.closed;
	}
}

function listenOn(server: https.Server, port: number, host: string): Promise<number> {
	return new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<M365Simulator> {
	const sim = new M365Simulator(options);
	await sim.listen();
	return sim;
}
