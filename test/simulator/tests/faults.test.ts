import {
	startSimulator,
	DEMO,
	loadDemoScenario,
	call,
	form,
	getToken,
	graph,
	simpleMessage,
	tokenUrl,
	useSimulator,
} from '..';

const SEND = `/users/${encodeURIComponent(DEMO.sender.userPrincipalName)}/sendMail`;

describe('simulator faults', () => {
	let token: string;
	const sim = useSimulator({ seed: 42 }, async (s) => {
		token = await getToken(s);
	});

	const send = (
		extra: Record<string, string> = {},
		timeoutMs?: number,
	): Promise<Awaited<ReturnType<typeof call>>> =>
		call(sim, `/v1.0${SEND}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extra },
			body: JSON.stringify({ message: simpleMessage() }),
			timeoutMs,
		});

	it('processThenRespond 504 delivers exactly once and answers 504', async () => {
		const id = sim.injectFault({
			match: { kind: 'graph', path: 'sendMail$' },
			times: 1,
			action: 'processThenRespond',
			status: 504,
		});
		const first = await send({ 'client-request-id': 'c-1' });
		expect(first.status).toBe(504);
		expect(first.json.error.code).toBe('GatewayTimeout');
		expect(first.headers['request-id']).toBeDefined();
		expect(sim.outbox).toHaveLength(1);
		expect(sim.counters.faultsInjected).toBe(1);
		expect(sim.requests.find((r) => r.faultId === id)).toMatchObject({
			status: 504,
			mailbox: DEMO.sender.userPrincipalName,
		});
		expect((await send()).status).toBe(202); // times: 1
		expect(sim.outbox).toHaveLength(2);
	});

	it('respond answers the given status/body/headers without processing', async () => {
		sim.injectFault({
			match: { method: 'POST', path: /sendmail$/i, mailbox: DEMO.sender.userPrincipalName },
			times: 2,
			status: 429,
			headers: { 'Retry-After': '1.5' },
			body: {
				error: {
					code: 'ApplicationThrottled',
					message: 'Application is over its MailboxConcurrency limit.',
				},
			},
		});
		const res = await send();
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('1.5');
		expect(res.json.error.code).toBe('ApplicationThrottled');
		expect((await send()).status).toBe(429);
		expect((await send()).status).toBe(202);
		expect(sim.outbox).toHaveLength(1);
	});

	it('matches by mailbox (UPN, id or path segment)', async () => {
		sim.injectFault({ match: { mailbox: DEMO.alerts.id }, status: 503 });
		expect((await send()).status).toBe(202);
		const alerts = await graph(
			sim,
			token,
			'POST',
			`/users/${DEMO.alerts.userPrincipalName}/sendMail`,
			{ message: simpleMessage() },
		);
		expect(alerts.status).toBe(503);
		expect(alerts.json.error.code).toBe('ServiceNotAvailable');
	});

	it('resetBeforeProcessing destroys the connection and delivers nothing', async () => {
		sim.injectFault({ match: { kind: 'graph' }, times: 1, action: 'resetBeforeProcessing' });
		await expect(send()).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(sim.outbox).toHaveLength(0);
		expect(sim.requests[0].outcome).toBe('reset');
	});

	it('processThenReset delivers, then destroys the connection', async () => {
		sim.injectFault({ match: { kind: 'graph' }, times: 1, action: 'processThenReset' });
		await expect(send()).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(sim.outbox).toHaveLength(1);
	});

	it('hang never answers; processThenHang delivers first', async () => {
		sim.injectFault({ match: { kind: 'graph' }, times: 1, action: 'hang' });
		await expect(send({}, 300)).rejects.toThrow('timeout');
		expect(sim.outbox).toHaveLength(0);
		sim.injectFault({ match: { kind: 'graph' }, times: 1, action: 'processThenHang' });
		await expect(send({}, 300)).rejects.toThrow('timeout');
		expect(sim.outbox).toHaveLength(1);
		await new Promise((r) => setTimeout(r, 50));
		expect(sim.counters.inFlightByMailbox[DEMO.sender.userPrincipalName]).toBe(0);
	});

	it('delays answers with delayMs', async () => {
		sim.injectFault({
			match: { kind: 'graph' },
			times: 1,
			action: 'processThenRespond',
			status: 202,
			delayMs: 250,
			body: null,
		});
		const t = Date.now();
		const res = await send();
		expect(res.status).toBe(202);
		expect(Date.now() - t).toBeGreaterThanOrEqual(240);
	});

	it('token faults answer with an AADSTS body and count as token errors', async () => {
		sim.injectFault({
			match: { kind: 'token' },
			times: 1,
			status: 503,
			headers: { 'Retry-After': '2' },
		});
		const res = await call(
			sim,
			tokenUrl(sim),
			form({
				client_id: DEMO.clientId,
				client_secret: DEMO.secretValue,
				scope: `${sim.url}/.default`,
				grant_type: 'client_credentials',
			}),
		);
		expect(res.status).toBe(503);
		expect(res.json).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90006] });
		expect(sim.counters).toMatchObject({ tokenRequests: 1, tokenErrors: 1, faultsInjected: 1 });
		expect(sim.counters.tokenRequestsByClient[DEMO.clientId]).toBe(1);
	});

	it('draws probabilistic faults from the seeded RNG (reproducible after reset)', async () => {
		const run = async (): Promise<number[]> => {
			sim.injectFault({ match: { kind: 'graph' }, probability: 0.5, status: 500 });
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++) statuses.push((await send()).status);
			return statuses;
		};
		const a = await run();
		sim.reset();
		const b = await run();
		expect(a).toEqual(b);
		expect(a).toContain(500);
		expect(a).toContain(202);
	});

	it('close() ends hanging requests promptly', async () => {
		const own = await startSimulator();
		loadDemoScenario(own);
		own.injectFault({ match: { kind: 'token' }, action: 'hang' });
		const pending = call(own, tokenUrl(own), form({ grant_type: 'client_credentials' }));
		await new Promise((r) => setTimeout(r, 100));
		const t = Date.now();
		await own.close();
		await expect(pending).rejects.toThrow();
		expect(Date.now() - t).toBeLessThan(1000);
	});
});
