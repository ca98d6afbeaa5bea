import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	SimulatorClient,
	startSimulator,
	type M365Simulator,
	DEMO,
	call,
	getToken,
	graph,
	simpleMessage,
} from '..';

describe('simulator control API', () => {
	let sim: M365Simulator;
	let client: SimulatorClient;

	beforeAll(async () => {
		sim = await startSimulator();
		client = new SimulatorClient(`${sim.url}/_sim`, { caCertFile: sim.caCertFile });
	});
	afterAll(() => sim.close());

	it('configures the simulator and reads outbox / counters / requests over HTTPS', async () => {
		await client.resetAll();
		await client.loadScenario('demo');
		await client.addUser({
			tenantId: DEMO.tenantId,
			id: '99999999-9999-4999-8999-999999999999',
			userPrincipalName: 'ops@contoso.onmicrosoft.com',
		});
		const faultId = await client.injectFault({
			match: { path: /\/users\/ops@/i },
			times: 1,
			status: 503,
		});
		expect(faultId).toMatch(/^fault-/);

		const token = await getToken(sim);
		expect(
			(
				await graph(sim, token, 'POST', '/users/ops@contoso.onmicrosoft.com/sendMail', {
					message: simpleMessage(),
				})
			).status,
		).toBe(503);
		const message = {
			...simpleMessage(),
			subject: '<script>alert(1)</script>',
			attachments: [
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'x.txt',
					contentBytes: Buffer.from('x').toString('base64'),
				},
			],
		};
		expect(
			(await graph(sim, token, 'POST', '/users/ops@contoso.onmicrosoft.com/sendMail', { message }))
				.status,
		).toBe(202);

		const outbox = await client.outbox();
		expect(outbox).toHaveLength(1);
		expect(outbox[0]).toMatchObject({
			mailbox: 'ops@contoso.onmicrosoft.com',
			attachments: [{ name: 'x.txt', size: 1 }],
		});
		expect(outbox[0].attachments[0]).not.toHaveProperty('bytes');
		const counters = await client.counters();
		expect(counters).toMatchObject({ sendMailCalls: 2, faultsInjected: 1, tokenRequests: 1 });
		const requests = await client.requests();
		expect(requests.map((r) => r.status)).toEqual([200, 503, 202]);

		const html = await call(sim, '/_sim/outbox');
		expect(html.headers['content-type']).toContain('text/html');
		expect(html.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html.text).not.toContain('<script>');
		expect(html.text).toContain('Some One &lt;someone@example.com&gt;');
	});

	it('outbox page: newest first, bodies (HTML sandboxed), attachments downloadable, reloads itself', async () => {
		await client.resetAll();
		await client.loadScenario('demo');
		const token = await getToken(sim);
		const send = (subject: string, body: object, attachments: object[] = []) =>
			graph(sim, token, 'POST', `/users/${DEMO.sender.userPrincipalName}/sendMail`, {
				message: { ...simpleMessage(), subject, body, attachments },
			});
		const file = Buffer.from('report, line 1\n');
		expect(
			(
				await send('first', { contentType: 'text', content: 'plain <b>text</b>\nverified' }, [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'report ü.csv',
						contentType: 'text/csv',
						contentBytes: file.toString('base64'),
					},
				])
			).status,
		).toBe(202);
		expect(
			(await send('second', { contentType: 'html', content: '<p onclick="x()">Hi "there"</p>' }))
				.status,
		).toBe(202);

		const page = await call(sim, '/_sim/outbox');
		expect(page.text).toMatch(/<meta http-equiv="refresh" content="\d+">/);
		expect(page.text.indexOf('<h2>second</h2>')).toBeLessThan(page.text.indexOf('<h2>first</h2>'));
		expect(page.text).toContain('<pre>plain &lt;b&gt;text&lt;/b&gt;\nverified</pre>');
		expect(page.text).toContain(
			'<iframe sandbox title="message body" srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Hi &quot;there&quot;&lt;/p&gt;">',
		);
		const href = /href="(outbox\/attachment\?[^"]+)"/.exec(page.text)?.[1].replace(/&amp;/g, '&');
		expect(href).toBeDefined();
		const download = await call(sim, `/_sim/${href}`);
		expect(download.status).toBe(200);
		expect(download.headers['content-type']).toBe('application/octet-stream');
		expect(download.headers['content-disposition']).toBe(
			"attachment; filename*=UTF-8''report%20%C3%BC.csv",
		);
		expect(download.text).toBe(file.toString('utf8'));
		expect((await call(sim, '/_sim/outbox/attachment?m=nope&a=0')).status).toBe(404);
	});

	it('reports rpc errors', async () => {
		await expect(
			client.addApp({ tenantId: '00000000-0000-4000-8000-000000000000', clientId: 'x' }),
		).rejects.toThrow(/unknown tenant/);
		await expect(client.loadScenario('nope')).rejects.toThrow(/unknown scenario/);
	});

	it('control requests are neither recorded nor faulted', async () => {
		await client.reset();
		await client.injectFault({ match: {}, status: 500 });
		expect(await client.counters()).toMatchObject({ graphRequests: 0 });
		expect(await client.requests()).toEqual([]);
		await client.clearFaults();
	});

	const cli = path.resolve(__dirname, '../../../.build/test/simulator/cli.js');
	(fs.existsSync(cli) ? it : it.skip)(
		'runs standalone: prints one JSON line and exits 0 on SIGTERM',
		async () => {
			const child = spawn(process.execPath, [cli, '--port', '0', '--scenario', 'demo'], {
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const line = await new Promise<string>((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (d: Buffer) => {
					out += d.toString();
					if (out.includes('\n')) resolve(out.split('\n')[0]);
				});
				child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
			});
			const info = JSON.parse(line) as { url: string; caCertFile: string; controlUrl: string };
			expect(info.controlUrl).toBe(`${info.url}/_sim`);
			const remote = SimulatorClient.fromStartupLine(line);
			await remote.setGraphLatency(1);
			expect(await remote.counters()).toMatchObject({ tokenRequests: 0 });
			const exit = new Promise<number | null>((resolve) =>
				child.once('exit', (code) => resolve(code)),
			);
			child.kill('SIGTERM');
			expect(await exit).toBe(0);
		},
	);
});
