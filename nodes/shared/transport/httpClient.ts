import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { Agent as HttpAgent, ClientRequest, IncomingMessage } from 'node:http';

import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

import { BoundedMap } from '../boundedMap';

/**
 * The package's one HTTP seam: an injected interface returning {status, headers, body} that never
 * throws on an HTTP status, so tests can put a real local server behind it. Used for tokens (as
 * msal-node's networkClient), Graph and uploads.
 *
 * Why our own client instead of n8n's httpRequest helper: exactly-once delivery needs to know
 * whether a request body had left this process when a connection failed ("not sent" can be retried,
 * "sent, no answer" must not be), and uploads need byte-exact control. Proxies: every URL is https,
 * so proxy-from-env takes the first set of npm_config_https_proxy, https_proxy / HTTPS_PROXY,
 * npm_config_proxy, all_proxy / ALL_PROXY (lower-case before upper-case), and goes direct to hosts
 * matched by npm_config_no_proxy or no_proxy / NO_PROXY; HTTP_PROXY is never used for https URLs.
 */
export interface HttpRequest {
	method: string;
	url: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export interface HttpClient {
	send(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * A request that got no HTTP answer. `bodySent` tells whether the whole request had been handed to
 * the network: when false the service cannot have acted on it, when true the outcome is unknown.
 */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly bodySent: boolean,
		readonly timedOut: boolean,
		/**
		 * The proxy (scheme, host and port only) when the failure was the proxy's: down, or refusing
		 * the tunnel.
		 */
		readonly proxy?: string,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const directAgent = new Agent({
	keepAlive: true,
	maxSockets: 64,
	maxFreeSockets: 16,
	scheduling: 'lifo',
	timeout: 60_000,
});
// One agent per proxy URL; the proxy comes from the environment, so a handful at most.
const proxyAgents = new BoundedMap<string, HttpAgent>(16);

interface Route {
	agent: HttpAgent;
	/** The proxy as it may be shown: scheme, host and port, never the user name or password. */
	proxy?: string;
}

function routeFor(url: string): Route {
	const proxy = getProxyForUrl(url);
	if (!proxy) return { agent: directAgent };
	let agent = proxyAgents.get(proxy);
	if (!agent) {
		agent = new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: 64 });
		proxyAgents.set(proxy, agent);
	}
	const shown = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
	return { agent, proxy: `${shown.protocol}//${shown.host}` };
}

/**
 * https-proxy-agent hands a refused CONNECT (407, 403, 502…) to the request as if the target had
 * answered it. That answer is the proxy's, not Microsoft's: it becomes a TransportError naming the
 * proxy ("EPROXY407").
 */
function proxyRefusal(req: HttpRequest, route: Route, status: number): TransportError {
	return new TransportError(
		`${req.method} ${new URL(req.url).host}: the proxy ${route.proxy} refused the tunnel (HTTP ${status})`,
		`EPROXY${status}`,
		false,
		false,
		route.proxy,
	);
}

function flattenHeaders(raw: NodeJS.Dict<string | string[]>): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(raw)) {
		if (value !== undefined)
			headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

function bodyOf(req: HttpRequest): Buffer | undefined {
	if (req.body === undefined) return undefined;
	return Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
}

function headersFor(req: HttpRequest, body: Buffer | undefined): Record<string, string> {
	const headers: Record<string, string> = { ...(req.headers ?? {}) };
	if (body !== undefined) headers['Content-Length'] = String(body.length);
	else if (req.method !== 'GET' && req.method !== 'DELETE') headers['Content-Length'] = '0';
	return headers;
}

/** One request on the wire: settles its promise once, with the answer or a TransportError. */
class Exchange {
	private bodySent = false;
	private settled = false;
	private timedOut = false;
	/** Whether the proxy opened the tunnel: until then, a connection failure is the proxy's. */
	private tunnel: 'none' | 'open' | number = 'none';
	private readonly body: Buffer | undefined;
	private readonly route: Route;
	private readonly request: ClientRequest;
	private readonly timer: NodeJS.Timeout;
	private readonly onAbort = () => this.request.destroy(new Error('cancelled'));

	constructor(
		private readonly req: HttpRequest,
		private readonly url: URL,
		private readonly resolve: (response: HttpResponse) => void,
		private readonly reject: (error: Error) => void,
	) {
		this.body = bodyOf(req);
		const headers = headersFor(req, this.body);
		this.route = routeFor(req.url);
		const options: RequestOptions = { method: req.method, headers, agent: this.route.agent };
		this.request = httpsRequest(url, options, (res) => this.onResponse(res));
		this.timer = setTimeout(() => {
			this.timedOut = true;
			this.request.destroy(new Error(`no answer within ${req.timeoutMs} ms`));
		}, req.timeoutMs);
		// The socket keeps the process alive while the request runs; the timer alone must not (a
		// finished test file or n8n shutting down would otherwise wait for it).
		this.timer.unref();
		req.signal?.addEventListener('abort', this.onAbort, { once: true });
	}

	start(): void {
		this.request.on('proxyConnect', (connect: { statusCode?: number }) => {
			this.tunnel = connect.statusCode === 200 ? 'open' : (connect.statusCode ?? 0);
		});
		this.request.on('finish', () => {
			this.bodySent = true;
		});
		this.request.on('error', (error) => this.fail(error));
		if (this.req.signal?.aborted) {
			this.request.destroy(new Error('cancelled'));
			return;
		}
		this.request.end(this.body);
	}

	private onResponse(res: IncomingMessage): void {
		const tunnel = this.tunnel;
		if (typeof tunnel === 'number') {
			res.resume();
			this.finish(() => this.reject(proxyRefusal(this.req, this.route, tunnel)));
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		res.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_RESPONSE_BYTES) {
				res.destroy(new Error('response too large'));
				return;
			}
			chunks.push(chunk);
		});
		res.on('end', () =>
			this.finish(() =>
				this.resolve({
					status: res.statusCode ?? 0,
					headers: flattenHeaders(res.headers),
					body: Buffer.concat(chunks),
				}),
			),
		);
		res.on('error', (error) => this.fail(error));
	}

	private finish(action: () => void): void {
		if (this.settled) return;
		this.settled = true;
		clearTimeout(this.timer);
		this.req.signal?.removeEventListener('abort', this.onAbort);
		action();
	}

	private fail(error: Error & { code?: string }): void {
		const { req, url, route } = this;
		const code = this.timedOut
			? 'ETIMEDOUT'
			: req.signal?.aborted
				? 'ECANCELLED'
				: (error.code ?? 'ENETWORK');
		// A reused keep-alive socket went through a tunnel that had been opened before.
		const proxyFailed =
			route.proxy !== undefined &&
			this.tunnel === 'none' &&
			!this.timedOut &&
			!this.request.reusedSocket;
		const message = proxyFailed
			? `${req.method} ${url.host}: the proxy ${route.proxy} failed: ${error.message}`
			: `${req.method} ${url.host}: ${error.message}`;
		const proxy = proxyFailed ? route.proxy : undefined;
		this.finish(() =>
			this.reject(new TransportError(message, code, this.bodySent, this.timedOut, proxy)),
		);
	}
}

export const nodeHttpClient: HttpClient = {
	send(req: HttpRequest): Promise<HttpResponse> {
		return new Promise<HttpResponse>((resolve, reject) => {
			const url = new URL(req.url);
			if (url.protocol !== 'https:') {
				reject(
					new TransportError(
						`Refusing a non-https URL (${url.protocol}//${url.host}).`,
						'ERR_INSECURE_URL',
						false,
						false,
					),
				);
				return;
			}
			new Exchange(req, url, resolve, reject).start();
		});
	},
};
