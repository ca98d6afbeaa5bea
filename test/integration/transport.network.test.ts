import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

import type { INodeParameters } from 'n8n-workflow';

import { outcomeOf } from '../../nodes/shared/outcome';
import { GraphClient } from '../../nodes/shared/transport/graphClient';
import { NetworkError } from '../../nodes/shared/transport/graphErrors';
import { nodeHttpClient } from '../../nodes/shared/transport/httpClient';
import { sayNetworkCodes } from '../../nodes/shared/transport/networkWords';
import type { TestTenant } from '../harness/fixtures';
import { oneMail } from '../harness/oneMail';
import { useTenant } from '../harness/world';

/** Sign-in timeouts on every run, and failures of proxies and gateways said in words. */

/**
 * Tokens that expire within msal-node's renewal margin: every run asks the token endpoint again.
 */
const shortLived = useTenant({ simulator: { accessTokenLifetimeSeconds: 60 } });
const longLived = useTenant();
let t: TestTenant = shortLived;
beforeEach(() => {
	t = shortLived;
	delete process.env.HTTPS_PROXY;
	delete process.env.https_proxy;
	delete process.env.NO_PROXY;
	delete process.env.no_proxy;
});
afterEach(() => {
	delete process.env.HTTPS_PROXY;
});

/** One mail from the tenant the test is on. */
const mail = (subject: string, options?: INodeParameters) => oneMail(t, subject, options);

/** A proxy that answers every CONNECT with `status` and a JSON body, the way some gateways do. */
function startRefusingProxy(status: number): Promise<{ url: string; close(): Promise<void> }> {
	const sockets = new Set<Socket>();
	const server: Server = createServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (_req, client: Socket) => {
		sockets.add(client);
		const body = JSON.stringify({ error: { code: 'ProxyAuth', message: 'Login required' } });
		client.end(
			`HTTP/1.1 ${status} Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
		);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({
				url: `http://127.0.0.1:${port}`,
				close: () =>
					new Promise<void>((done) => {
						for (const s of sockets) s.destroy();
						server.close(() => done());
					}),
			});
		}),
	);
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

test('Request Timeout applies to sign-in on a later run too, not only when the credential was first used', async () => {
	expect((await mail('first')).items[0].json.status).toBe('sent');
	t.sim.injectFault({ match: { kind: 'token' }, action: 'hang', times: 1 });
	const started = Date.now();
	const second = await mail('second', { requestTimeout: 2 });
	const elapsed = Date.now() - started;
	expect(second.items[0].json.status).toBe('sent');
	// One hung token request cut off after 2 s (a lower bound: a busy machine only makes it later),
	// then a retry.
	expect(elapsed).toBeGreaterThanOrEqual(1900);
	const hung = t.sim.requests.filter((r) => r.kind === 'token' && r.outcome === 'hang');
	expect(hung).toHaveLength(1);
	// Cut off by this run's 2 s, not by the 120 s default of the run that created the cached msal
	// application. The line between the two is drawn at 60 s, far from both, so a loaded machine
	// cannot move a verdict.
	expect(hung[0].finishedAt! - hung[0].startedAt).toBeLessThan(60_000);
	expect(elapsed).toBeLessThan(60_000);
});

test('a proxy that is down is named as the proxy, at sign-in', async () => {
	process.env.HTTPS_PROXY = `http://127.0.0.1:${await deadPort()}`;
	const result = await mail('proxy down');
	const error = String(result.items[0].json.error);
	expect(result.items[0].json.status).toBe('failed');
	expect(error).toContain(`through the proxy ${process.env.HTTPS_PROXY}`);
	expect(error).toContain('connection refused');
	expect(error).not.toMatch(/ECONNREFUSED/);
	expect(t.sim.counters.tokenRequests).toBe(0);
});

test('a proxy that is down is named as the proxy, on a Graph request (retried, then reported)', async () => {
	const proxy = `http://127.0.0.1:${await deadPort()}`;
	process.env.HTTPS_PROXY = proxy;
	const graph = new GraphClient(
		t.sim.graphEndpoint,
		{ getToken: async () => 'not.a.token' },
		nodeHttpClient,
		{
			timeoutMs: 2000,
			retry: { maxRetries: 2, maxTotalMs: 5000, baseDelayMs: 20, maxDelayMs: 100 },
		},
	);
	const outcome = await outcomeOf(() =>
		graph.request({
			operation: 'sendMail',
			method: 'POST',
			url: graph.userUrl(t.sender, 'sendMail'),
			json: {},
			authenticated: true,
			replay: 'notIfSent',
			delivers: true,
		}),
	);
	expect(outcome.ok).toBe(false);
	const error = (outcome as { error: NetworkError }).error;
	expect(error).toBeInstanceOf(NetworkError);
	expect(error.host).toBe(`the proxy ${proxy}`);
	expect(error.code).toBe('ECONNREFUSED');
	expect(sayNetworkCodes(error.message)).toBe(
		`sendMail: cannot reach the proxy ${proxy} (connection refused)`,
	);
	expect(t.sim.requests).toHaveLength(0);
});

test('a proxy answering 407 with a JSON body: readable text naming the proxy, not retried', async () => {
	const proxy = await startRefusingProxy(407);
	process.env.HTTPS_PROXY = proxy.url;
	try {
		const result = await mail('proxy 407');
		const error = String(result.items[0].json.error);
		expect(result.items[0].json.status).toBe('failed');
		expect(error).toContain(`through the proxy ${proxy.url}`);
		expect(error).toContain('the proxy requires authentication, HTTP 407');
		expect(error).toContain('http://user:password@host:port');
		expect(error).not.toMatch(/ProxyAuth|Login required|EPROXY/);
		expect(t.sim.counters.tokenRequests).toBe(0);
	} finally {
		await proxy.close();
	}
});

test('a proxy answering 407 on a Graph request: readable text naming the proxy', async () => {
	t = longLived;
	expect((await mail('direct')).items[0].json.status).toBe('sent');
	t.sim.reset();
	const proxy = await startRefusingProxy(407);
	process.env.HTTPS_PROXY = proxy.url;
	try {
		const result = await mail('proxy 407');
		const error = String(result.items[0].json.error);
		expect(error).toContain(`cannot reach the proxy ${proxy.url}`);
		expect(error).toContain('the proxy requires authentication, HTTP 407');
		expect(t.sim.outbox).toHaveLength(0);
	} finally {
		await proxy.close();
	}
});

test('Graph answers 503 without a body, again and again: the error says what the status means', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', path: /\/sendMail$/ },
		status: 503,
		body: null,
		headers: { 'Retry-After': '0.05' },
	});
	const result = await mail('bare 503');
	const error = String(result.items[0].json.error);
	expect(result.items[0].json.status).toBe('failed');
	expect(error).toContain('Service Unavailable (no error details in the answer)');
	expect(error).not.toMatch(/: \./);
});
