import {
	startSimulator,
	type M365Simulator,
	DEMO,
	loadDemoScenario,
	getToken,
	graph,
	simpleMessage,
} from '..';

const SENDER = DEMO.sender.userPrincipalName;
const users = `/users/${encodeURIComponent(SENDER)}`;
const TEXT = { 'Content-Type': 'text/plain' };

function mime(extra: string, body = 'Hello'): string {
	const message =
		`From: ${SENDER}\r\nTo: ab@example.com\r\nSubject: Mime\r\nMessage-ID: <m1.x@contoso.example>\r\n` +
		`${extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
	return Buffer.from(message).toString('base64');
}

describe('simulated Graph: MIME messages and message identity', () => {
	let sim: M365Simulator;
	let token: string;

	beforeAll(async () => {
		sim = await startSimulator();
	});
	afterAll(() => sim.close());
	beforeEach(async () => {
		sim.resetAll();
		loadDemoScenario(sim);
		token = await getToken(sim);
		sim.reset();
	});

	it('MIME sendMail: records Message-ID, In-Reply-To, References and List-Unsubscribe as parsed', async () => {
		const headers =
			'In-Reply-To: <a@b.example>\r\nReferences: <r@b.example> <a@b.example>\r\n' +
			'List-Unsubscribe: <https://contoso.example/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n';
		const res = await graph(sim, token, 'POST', `${users}/sendMail`, mime(headers), TEXT);
		expect(res.status).toBe(202);
		const [delivered] = sim.outbox;
		expect(delivered.internetMessageId).toBe('<m1.x@contoso.example>');
		expect(delivered.mime).toMatchObject({
			contentType: 'text/plain',
			alternative: false,
			inReplyTo: '<a@b.example>',
			references: ['<r@b.example>', '<a@b.example>'],
			listUnsubscribe: '<https://contoso.example/u>',
			listUnsubscribePost: 'List-Unsubscribe=One-Click',
		});
	});

	it('JSON sendMail: String 0x1035 names the Message-ID; without it Exchange makes one', async () => {
		const stamped = {
			...simpleMessage(),
			singleValueExtendedProperties: [{ id: 'String 0x1035', value: '<j1@contoso.example>' }],
		};
		await graph(sim, token, 'POST', `${users}/sendMail`, { message: stamped });
		await graph(sim, token, 'POST', `${users}/sendMail`, { message: simpleMessage() });
		expect(sim.outbox[0].internetMessageId).toBe('<j1@contoso.example>');
		expect(sim.outbox[1].internetMessageId).toMatch(
			/^<SIM[0-9A-F]+@SIM[0-9A-F]+\.namprd00\.prod\.outlook\.com>$/,
		);
	});

	it('draft from JSON with internetMessageId: the answer shows it, and the sent message keeps it', async () => {
		const created = await graph(sim, token, 'POST', `${users}/messages`, {
			...simpleMessage(),
			internetMessageId: '<d1@contoso.example>',
		});
		expect(created.status).toBe(201);
		expect(created.json.internetMessageId).toBe('<d1@contoso.example>');
		expect(created.json.conversationId).toEqual(expect.any(String));
		const id = encodeURIComponent(created.json.id);
		expect((await graph(sim, token, 'POST', `${users}/messages/${id}/send`)).status).toBe(202);
		expect(sim.outbox[0].internetMessageId).toBe('<d1@contoso.example>');
	});

	it('draft from MIME, then PATCH: the answer shows the MIME Message-ID; PATCH adds extended properties', async () => {
		const created = await graph(sim, token, 'POST', `${users}/messages`, mime(''), TEXT);
		expect(created.status).toBe(201);
		expect(created.json.internetMessageId).toBe('<m1.x@contoso.example>');
		expect(created.json.subject).toBe('Mime');
		const id = encodeURIComponent(created.json.id);
		const patched = await graph(sim, token, 'PATCH', `${users}/messages/${id}`, {
			categories: ['Tickets'],
			singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }],
		});
		expect(patched.status).toBe(200);
		expect(patched.json.categories).toEqual(['Tickets']);
		const unknown = await graph(sim, token, 'PATCH', `${users}/messages/${id}`, { nope: 1 });
		expect(unknown.status).toBe(400);
		expect(unknown.json.error.code).toBe('RequestBodyRead');
		await graph(sim, token, 'POST', `${users}/messages/${id}/send`);
		expect(sim.outbox[0]).toMatchObject({
			via: 'draft',
			internetMessageId: '<m1.x@contoso.example>',
		});
		expect(sim.outbox[0].message.categories).toEqual(['Tickets']);
	});

	it('bad base64 in a MIME draft is refused like sendMail', async () => {
		const res = await graph(sim, token, 'POST', `${users}/messages`, '%%%', TEXT);
		expect(res.status).toBe(400);
		expect(res.json.error.code).toBe('ErrorMimeContentInvalidBase64String');
	});
});
