import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { Agent as HttpAgent } from 'node:http';

import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/**
 * The package's one HTTP seam (habit: the network is an injected interface returning {status, headers, body}
 * and never throwing on an HTTP status). Used for tokens (as msal-node's networkClient), Graph and uploads.
 *
 * Why our own client instead of n8n's httpRequest helper: exactly-once delivery needs to know whether a
 * request body had left this process when a connection failed ("not sent" can be retried, "sent, no answer"
 * must not be), and uploads need byte-exact control. Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured
 * the same way n8n itself reads them, so n8n's proxy settings apply to every call this package makes.
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
 * A request that got no HTTP answer. `bodySent` tells whether the whole request had been handed to the
 * network: when false the service cannot have acted on it, when true the outcome is unknown.
 */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly bodySent: boolean,
		readonly timedOut: boolean,
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
const proxyAgents = new Map<string, HttpAgent>();

function agentFor(url: string): HttpAgent {
	const proxy = getProxyForUrl(url);
	if (!proxy) return directAgent;
	let agent = proxyAgents.get(proxy);
	if (!agent) {
		agent = new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: 64 });
		proxyAgents.set(proxy, agent);
	}
	return agent;
}

function flattenHeaders(raw: NodeJS.Dict<string | string[]>): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(raw)) {
		if (value !== undefined)
			headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
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
			const body =
				req.body === undefined
					? undefined
					: Buffer.isBuffer(req.body)
						? req.body
						: Buffer.from(req.body, 'utf8');
			const headers: Record<string, string> = { ...(req.headers ?? {}) };
			if (body !== undefined) headers['Content-Length'] = String(body.length);
			else if (req.method !== 'GET' && req.method !== 'DELETE') headers['Content-Length'] = '0';

			let bodySent = false;
			let settled = false;
			let timedOut = false;
			const options: RequestOptions = { method: req.method, headers, agent: agentFor(req.url) };
			const clientRequest = httpsRequest(url, options, (res) => {
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
					finish(() =>
						resolve({
							status: res.statusCode ?? 0,
							headers: flattenHeaders(res.headers),
							body: Buffer.concat(chunks),
						}),
					),
				);
				res.on('error', (error) => fail(error));
			});

			const timer = setTimeout(() => {
				timedOut = true;
				clientRequest.destroy(new Error(`no answer within ${req.timeoutMs} ms`));
			}, req.timeoutMs);
			const onAbort = () => clientRequest.destroy(new Error('cancelled'));
			req.signal?.addEventListener('abort', onAbort, { once: true });

			function finish(action: () => void) {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				req.signal?.removeEventListener('abort', onAbort);
				action();
			}
			function fail(error: Error & { code?: string }) {
				const code = timedOut
					? 'ETIMEDOUT'
					: req.signal?.aborted
						? 'ECANCELLED'
						: (error.code ?? 'ENETWORK');
				finish(() =>
					reject(
						new TransportError(
							`${req.method} ${url.host}: ${error.message}`,
							code,
							bodySent,
							timedOut,
						),
					),
				);
			}

			clientRequest.on('finish', () => {
				bodySent = true;
			});
			clientRequest.on('error', fail);
			if (req.signal?.aborted) {
				clientRequest.destroy(new Error('cancelled'));
				return;
			}
			clientRequest.end(body);
		});
	},
};
