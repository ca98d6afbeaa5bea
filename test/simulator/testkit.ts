/**
 * Helpers for the simulator's own tests: raw HTTPS calls (no product code), tokens and client
 * assertions.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import { startSimulator, type M365Simulator } from './simulator';
import { DEMO, loadDemoScenario } from './scenarios';
import type { SimulatorOptions } from './types';

export interface RawResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;

	json: any;
}

export interface RawRequest {
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Give up after this many ms (rejects with 'timeout'). */
	timeoutMs?: number;
}

/** One HTTPS request trusting the simulator's CA explicitly (TLS verification stays on). */
export function call(sim: M365Simulator, url: string, req: RawRequest = {}): Promise<RawResponse> {
	const target = new URL(url.startsWith('http') ? url : `${sim.url}${url}`);
	return new Promise<RawResponse>((resolve, reject) => {
		const headers: Record<string, string> = { ...(req.headers ?? {}) };
		if (req.body !== undefined && headers['Content-Length'] === undefined)
			headers['Content-Length'] = String(Buffer.byteLength(req.body));
		const r = https.request(
			target,
			{ method: req.method ?? 'GET', headers, ca: sim.caCertPem, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = text === '' ? undefined : JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		r.on('error', reject);
		if (req.timeoutMs !== undefined) {
			r.setTimeout(req.timeoutMs, () => r.destroy(new Error('timeout')));
		}
		r.end(req.body);
	});
}

export function form(values: Record<string, string>): RawRequest {
	return {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
		body: new URLSearchParams(values).toString(),
	};
}

export function tokenUrl(sim: M365Simulator, tenant: string = DEMO.tenantId): string {
	return `${sim.url}/${tenant}/oauth2/v2.0/token`;
}

export async function getToken(
	sim: M365Simulator,
	opts: { tenant?: string; clientId?: string; secret?: string } = {},
): Promise<string> {
	const res = await call(
		sim,
		tokenUrl(sim, opts.tenant),
		form({
			client_id: opts.clientId ?? DEMO.clientId,
			client_secret: opts.secret ?? DEMO.secretValue,
			scope: `${sim.graphEndpoint}/.default`,
			grant_type: 'client_credentials',
		}),
	);
	if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
	return (res.json as { access_token: string }).access_token;
}

export function decodePayload(jwt: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<
		string,
		unknown
	>;
}

export function graph(
	sim: M365Simulator,
	token: string | undefined,
	method: string,
	path: string,
	body?: unknown,
	extraHeaders: Record<string, string> = {},
): Promise<RawResponse> {
	const headers: Record<string, string> = { ...extraHeaders };
	if (token !== undefined) headers.Authorization = `Bearer ${token}`;
	let payload: string | undefined;
	if (body !== undefined) {
		headers['Content-Type'] ??= 'application/json';
		payload = typeof body === 'string' ? body : JSON.stringify(body);
	}
	return call(sim, `/v1.0${path}`, { method, headers, body: payload });
}

export function simpleMessage(to = 'someone@example.com'): Record<string, unknown> {
	return {
		subject: 'Hello',
		body: { contentType: 'Text', content: 'Hi there' },
		toRecipients: [{ emailAddress: { address: to, name: 'Some One' } }],
	};
}

/**
 * A client assertion built by hand with node:crypto, like msal-node's
 * (https://learn.microsoft.com/entra/identity-platform/certificate-credentials).
 */
export function makeAssertion(opts: {
	keyPem: string;
	certPem: string;
	clientId: string;
	aud: string;
	alg?: 'PS256' | 'RS256';
	iss?: string;
	exp?: number;
	nbf?: number;
	passphrase?: string;
}): string {
	const alg = opts.alg ?? 'PS256';
	const der = new crypto.X509Certificate(opts.certPem).raw;
	const header: Record<string, string> =
		alg === 'PS256'
			? { alg, typ: 'JWT', 'x5t#S256': crypto.createHash('sha256').update(der).digest('base64url') }
			: { alg, typ: 'JWT', x5t: crypto.createHash('sha1').update(der).digest('base64url') };
	const now = Math.floor(Date.now() / 1000);
	const payload = {
		aud: opts.aud,
		exp: opts.exp ?? now + 600,
		iss: opts.iss ?? opts.clientId,
		sub: opts.clientId,
		nbf: opts.nbf ?? now,
		jti: crypto.randomUUID(),
		iat: now,
	};
	const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
	const key = crypto.createPrivateKey({ key: opts.keyPem, passphrase: opts.passphrase });
	const signature =
		alg === 'PS256'
			? crypto.sign('sha256', Buffer.from(input), {
					key,
					padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
					saltLength: 32,
				})
			: crypto.sign('sha256', Buffer.from(input), key);
	return `${input}.${signature.toString('base64url')}`;
}

/**
 * A handle that reads through to an object created later (in beforeAll); methods are bound to it.
 */
export function lateBound<T extends object>(current: () => T, what: string): T {
	return new Proxy({} as T, {
		get(_target, key) {
			const live = current();
			if (live === undefined) throw new Error(`${what} is used before beforeAll started it`);
			const value: unknown = Reflect.get(live, key, live);
			return typeof value === 'function'
				? (value as (...a: unknown[]) => unknown).bind(live)
				: value;
		},
		has: (_target, key) => key in current(),
	});
}

export interface SimulatorWorldOptions extends SimulatorOptions {
	/**
	 * 'demo' (default) loads the demo directory before each test; 'none' leaves the directory alone.
	 */
	scenario?: 'demo' | 'none';
}

/**
 * A bare simulator for the simulator's own tests. With the demo scenario, every test starts from
 * resetAll() + the demo directory, then `beforeEachTest` (e.g. fetch a token) and a reset() so
 * counters start at zero.
 */
export function useSimulator(
	options: SimulatorWorldOptions = {},
	beforeEachTest?: (sim: M365Simulator) => void | Promise<void>,
): M365Simulator {
	const { scenario = 'demo', ...simOptions } = options;
	let sim: M365Simulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator(simOptions);
	});
	beforeEach(async () => {
		if (!sim) return;
		if (scenario === 'demo') {
			sim.resetAll();
			loadDemoScenario(sim);
		}
		await beforeEachTest?.(sim);
		sim.reset();
	});
	afterAll(async () => {
		await sim?.close();
	});
	return lateBound(() => sim as M365Simulator, 'The simulator');
}
