import { DEMO, getToken, graph, simpleMessage, useSimulator } from '..';

/** The simulator's message trace on the wire: filter, paging, details, statuses, refusals. */
let token: string;
const sim = useSimulator({}, async (s) => {
	s.updateApp(DEMO.clientId, {
		permissions: [...DEMO.permissions, 'ExchangeMessageTrace.Read.All'],
	});
	token = await getToken(s);
});

const TRACES = '/admin/exchange/tracing/messageTraces';
const list = (query: string) => graph(sim, token, 'GET', `${TRACES}?${query}`);
const filter = (f: string, extra = '') => list(`$filter=${encodeURIComponent(f)}${extra}`);

async function sendTo(...to: string[]): Promise<void> {
	const message = {
		...simpleMessage(),
		toRecipients: to.map((address) => ({ emailAddress: { address } })),
	};
	const res = await graph(sim, token, 'POST', `/users/${DEMO.sender.userPrincipalName}/sendMail`, {
		message,
	});
	expect(res.status).toBe(202);
}

type Rows = { value: Record<string, string>[]; '@odata.nextLink'?: string };

it('lists one row per recipient, filtered by eq and the time window, with details holding the NDR text', async () => {
	sim.state.trace.setFate('gone@example.com', 'bounced');
	await sendTo('ada@example.com', 'gone@example.com');
	const messageId = sim.outbox[0].internetMessageId;
	const from = new Date(Date.now() - 60_000).toISOString();
	const rows = (await filter(`messageId eq '${messageId}' and receivedDateTime ge ${from}`))
		.json as Rows;
	expect(rows.value.map((r) => [r.recipientAddress, r.status])).toEqual([
		['ada@example.com', 'delivered'],
		['gone@example.com', 'failed'],
	]);
	expect(rows.value[0]).toMatchObject({ messageId, subject: 'Hello', id: rows.value[1].id });
	const failed = (await filter(`status eq 'failed'`)).json as Rows;
	expect(failed.value).toHaveLength(1);
	const details = await graph(
		sim,
		token,
		'GET',
		`${TRACES}/${failed.value[0].id}/getDetailsByRecipient(recipientAddress='gone@example.com')`,
	);
	const events = (details.json as Rows).value;
	expect(events.map((e) => e.event)).toEqual(['Receive', 'Submit', 'Fail']);
	expect(events[2].description).toContain('5.1.10 RESOLVER.ADR.RecipientNotFound');
});

it('pages with $top and @odata.nextLink carrying the query', async () => {
	await sendTo('a@example.com', 'b@example.com', 'c@example.com');
	const first = (await filter(`senderAddress eq '${DEMO.sender.userPrincipalName}'`, '&$top=2'))
		.json as Rows;
	expect(first.value).toHaveLength(2);
	const next = new URL(first['@odata.nextLink']!);
	expect(next.searchParams.get('$filter')).toContain('senderAddress eq');
	const second = (await graph(sim, token, 'GET', `${TRACES}${next.search}`)).json as Rows;
	expect(second.value).toHaveLength(1);
	expect(second['@odata.nextLink']).toBeUndefined();
});

it('refuses a bad filter, $top out of range and a window over 10 days', async () => {
	expect((await filter(`size eq '1'`)).status).toBe(400);
	expect((await list('$top=5001')).status).toBe(400);
	const old = new Date(Date.now() - 11 * 24 * 3_600_000).toISOString();
	expect((await filter(`receivedDateTime ge ${old}`)).status).toBe(400);
});

it('shows a message after appearAfterMs and its final status after finalAfterMs', async () => {
	sim.state.trace.configure({ appearAfterMs: 3_600_000 });
	await sendTo('ada@example.com');
	expect(((await list('')).json as Rows).value).toHaveLength(0);
	sim.state.trace.configure({ appearAfterMs: 0, finalAfterMs: 3_600_000 });
	expect(((await list('')).json as Rows).value[0].status).toBe('gettingStatus');
});

it('answers 429 with Retry-After past the budget, 403 without the permission, 401 without the prerequisite', async () => {
	sim.state.trace.configure({ budgetRequests: 1 });
	expect((await list('')).status).toBe(200);
	const throttled = await list('');
	expect(throttled.status).toBe(429);
	expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
	sim.state.trace.setAvailability(DEMO.tenantId, 'noServicePrincipal');
	const unauthorized = await list('');
	expect(unauthorized.status).toBe(401);
	expect(JSON.stringify(unauthorized.json)).toContain('8bd644d1-64a1-4d4b-ae52-2e0cbf64e373');
	sim.state.trace.reset();
	sim.updateApp(DEMO.clientId, { permissions: [...DEMO.permissions] });
	const plain = await getToken(sim);
	expect((await graph(sim, plain, 'GET', TRACES)).status).toBe(403);
});
