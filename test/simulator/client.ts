/**
 * Drives a simulator in another process over its /_sim control API (HTTPS, trusting the test CA).
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { DraftView } from './draftsView';
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
import type { DeliverMessageConfig, MessageChange } from './inbox';
import type { SeedMessageConfig } from './replies';

export interface SimulatorClientOptions {
	/** CA certificate PEM to trust; default: the process trust store (NODE_EXTRA_CA_CERTS). */
	caCertPem?: string;
	/** Same, read from a file (the `caCertFile` the CLI prints). */
	caCertFile?: string;
}

export class SimulatorClient {
	/** Simulator origin, e.g. https://127.0.0.1:43123. */
	readonly url: string;
	readonly controlUrl: string;
	private readonly ca?: string;

	/** `url` may be the simulator url or its controlUrl (`…/_sim`). */
	constructor(url: string, options: SimulatorClientOptions = {}) {
		this.url = url.replace(/\/+$/, '').replace(/\/_sim$/, '');
		this.controlUrl = `${this.url}/_sim`;
		this.ca =
			options.caCertPem ??
			(options.caCertFile ? fs.readFileSync(options.caCertFile, 'utf8') : undefined);
	}

	/** From the JSON line `cli.js` prints: {"url","caCertFile","controlUrl"}. */
	static fromStartupLine(line: string): SimulatorClient {
		const info = JSON.parse(line) as { url: string; caCertFile?: string };
		return new SimulatorClient(info.url, { caCertFile: info.caCertFile });
	}

	addTenant(t: TenantConfig): Promise<void> {
		return this.call('addTenant', [t]);
	}

	addApp(a: AppConfig): Promise<void> {
		return this.call('addApp', [a]);
	}

	updateApp(clientId: string, patch: AppPatch): Promise<void> {
		return this.call('updateApp', [clientId, patch]);
	}

	addUser(u: UserConfig): Promise<void> {
		return this.call('addUser', [u]);
	}

	restrictApp(r: RestrictionConfig): Promise<void> {
		return this.call('restrictApp', [r]);
	}

	/** Seeds a received message into a mailbox (replies.ts); resolves to its Graph id. */
	seedMessage(m: SeedMessageConfig): Promise<string> {
		return this.call('seedMessage', [m]);
	}

	/** Delivers a received message into a mailbox folder (inbox.ts); resolves to its Graph id. */
	deliverMessage(m: DeliverMessageConfig): Promise<string> {
		return this.call('deliverMessage', [m]);
	}

	/** Reads, flags, moves or deletes a received message as a user would in Outlook. */
	changeMessage(id: string, change: MessageChange): Promise<void> {
		return this.call('changeMessage', [id, change]);
	}

	/** Every delta sync token issued so far is answered 410 from now on. */
	expireDeltaTokens(): Promise<void> {
		return this.call('expireDeltaTokens', []);
	}

	/** RegExp paths travel as {source, flags}. Resolves to the fault id. */
	injectFault(f: FaultSpec): Promise<string> {
		const path = f.match.path;
		const wire =
			path instanceof RegExp
				? { ...f, match: { ...f.match, path: { source: path.source, flags: path.flags } } }
				: f;
		return this.call('injectFault', [wire]);
	}

	clearFaults(): Promise<void> {
		return this.call('clearFaults', []);
	}

	setExchangeBehaviour(b: ExchangeBehaviour): Promise<void> {
		return this.call('setExchangeBehaviour', [b]);
	}

	setGraphLatency(ms: number): Promise<void> {
		return this.call('setGraphLatency', [ms]);
	}

	reset(): Promise<void> {
		return this.call('reset', []);
	}

	resetAll(): Promise<void> {
		return this.call('resetAll', []);
	}

	/** 'demo' or 'empty'. */
	loadScenario(name: string): Promise<void> {
		return this.call('loadScenario', [name]);
	}

	/** Delivered messages (attachment bytes are not sent over the wire). */
	outbox(): Promise<DeliveredMessage[]> {
		return this.get('outbox.json');
	}

	/**
	 * Drafts of a mailbox (all mailboxes without one), with held scheduled sends and when they go
	 * out.
	 */
	drafts(mailbox?: string): Promise<DraftView[]> {
		const query = mailbox ? `?mailbox=${encodeURIComponent(mailbox)}` : '';
		return this.get(`drafts.json${query}`);
	}

	counters(): Promise<SimulatorCounters> {
		return this.get('counters.json');
	}

	requests(): Promise<RecordedRequest[]> {
		return this.get('requests.json');
	}

	/** Any control method by name, e.g. `rpc('updateApp', clientId, { adminConsent: false })`. */
	rpc<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
		return this.call<T>(method, args);
	}

	/** GET a control document by path: `/_sim/outbox.json` or `outbox.json`. */
	getJson<T = unknown>(path: string): Promise<T> {
		return this.get<T>(path.replace(/^\/?(_sim\/)?/, ''));
	}

	private async call<T>(method: string, args: unknown[]): Promise<T> {
		const reply = await this.send<{ result?: T; error?: string }>(
			'POST',
			'rpc',
			JSON.stringify({ method, args }),
		);
		return reply.result as T;
	}

	private get<T>(name: string): Promise<T> {
		return this.send<T>('GET', name);
	}

	private send<T>(method: string, name: string, body?: string): Promise<T> {
		const target = new URL(`${this.controlUrl}/${name}`);
		return new Promise<T>((resolve, reject) => {
			const req = https.request(
				target,
				{
					method,
					agent: false,
					ca: this.ca,
					headers:
						body === undefined
							? {}
							: {
									'Content-Type': 'application/json',
									'Content-Length': String(Buffer.byteLength(body)),
								},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let parsed: unknown;
						try {
							parsed = text === '' ? undefined : JSON.parse(text);
						} catch {
							reject(
								new Error(
									`simulator control ${method} ${name}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
								),
							);
							return;
						}
						if ((res.statusCode ?? 500) >= 400) {
							const message = (parsed as { error?: unknown } | undefined)?.error;
							reject(
								new Error(
									`simulator control ${method} ${name}: HTTP ${res.statusCode}: ${typeof message === 'string' ? message : text}`,
								),
							);
							return;
						}
						resolve(parsed as T);
					});
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(body);
		});
	}
}
