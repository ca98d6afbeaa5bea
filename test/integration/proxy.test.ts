import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { runSendMail } from '../harness/engine';
import { useTenant } from '../harness/world';

/** A minimal HTTP CONNECT proxy that records the tunnels it opens. */
function startConnectProxy(): Promise<{
	server: Server;
	url: string;
	tunnels: string[];
	close(): Promise<void>;
}> {
	const tunnels: string[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (req, client: Socket, head) => {
		tunnels.push(req.url ?? '');
		const [host, port] = (req.url ?? '').split(':');
		const upstream = connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('error', () => s.destroy());
			s.on('close', () => sockets.delete(s));
		}
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({
				server,
				url: `http://127.0.0.1:${port}`,
				tunnels,
				close: () =>
					new Promise<void>((done) => {
						for (const s of sockets) s.destroy();
						server.close(() => done());
					}),
			});
		}),
	);
}

const t = useTenant();

test("token and Graph requests go through HTTPS_PROXY, as n8n's own proxy settings do", async () => {
	const proxy = await startConnectProxy();
	const saved = { https: process.env.HTTPS_PROXY, no: process.env.NO_PROXY };
	process.env.HTTPS_PROXY = proxy.url;
	delete process.env.NO_PROXY;
	clearTokenCache();
	try {
		const result = await runSendMail({
			credentials: t.credentials(),
			items: [{}],
			parameters: { toRecipients: 'bob@example.com', subject: 'via proxy', bodyContent: 'x' },
		});
		expect(result.errorMessage).toBeUndefined();
		expect(t.sim.outbox.map((m) => m.message.subject)).toContain('via proxy');
		const simHost = new URL(t.sim.url).host;
		expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
		expect(proxy.tunnels.every((h) => h === simHost)).toBe(true);
		// The token POST went through the tunnel too: the simulator saw one, and no direct connection
		// was needed.
		expect(t.sim.counters.tokenRequests).toBe(1);
	} finally {
		if (saved.https === undefined) delete process.env.HTTPS_PROXY;
		else process.env.HTTPS_PROXY = saved.https;
		if (saved.no !== undefined) process.env.NO_PROXY = saved.no;
		await proxy.close();
	}
});

test('NO_PROXY bypasses the proxy', async () => {
	const proxy = await startConnectProxy();
	process.env.HTTPS_PROXY = proxy.url;
	process.env.NO_PROXY = new URL(t.sim.url).hostname;
	clearTokenCache();
	try {
		const result = await runSendMail({
			credentials: t.credentials(),
			items: [{}],
			parameters: { toRecipients: 'bob@example.com', subject: 'direct', bodyContent: 'x' },
		});
		expect(result.errorMessage).toBeUndefined();
		expect(proxy.tunnels).toEqual([]);
	} finally {
		delete process.env.HTTPS_PROXY;
		delete process.env.NO_PROXY;
		await proxy.close();
	}
});
