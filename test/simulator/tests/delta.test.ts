import {
	startSimulator,
	type M365Simulator,
	loadDemoScenario,
	DEMO,
	getToken,
	graph,
	type RawResponse,
} from '..';

/** The received-mail surface: delta rounds, pages, removals, 410, attachments and isRead. */
describe('simulator: received mail and the delta query', () => {
	let sim: M365Simulator;
	let token: string;
	const mailbox = DEMO.sender.userPrincipalName;
	const deltaPath = `/users/${mailbox}/mailFolders/inbox/messages/delta`;

	beforeAll(async () => {
		sim = await startSimulator();
		loadDemoScenario(sim);
		sim.updateApp(DEMO.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
		token = await getToken(sim);
	});
	beforeEach(() => sim.reset());
	afterAll(() => sim.close());

	const deliver = (subject: string, extra: Record<string, unknown> = {}) =>
		sim.deliverMessage({
			mailbox,
			from: { address: 'ann@partner.example' },
			subject,
			...extra,
		});
	const get = (url: string, prefer?: string): Promise<RawResponse> =>
		graph(
			sim,
			token,
			'GET',
			url.replace(/^.*\/v1\.0/, ''),
			undefined,
			prefer ? { Prefer: prefer } : {},
		);

	/** Follows nextLinks to the end of a round; returns every item and the deltaLink. */
	async function round(url: string, prefer?: string) {
		const items: Record<string, unknown>[] = [];
		let pages = 0;
		let next: string | undefined = url;
		for (;;) {
			const res = await get(next, prefer);
			expect(res.status).toBe(200);
			pages++;
			items.push(...(res.json.value as Record<string, unknown>[]));
			next = res.json['@odata.nextLink'];
			if (!next) return { items, pages, deltaLink: res.json['@odata.deltaLink'] as string };
		}
	}

	it('pages a full sync by Prefer: odata.maxpagesize, then reports only what changed, reads and moves included', async () => {
		const ids = [deliver('one'), deliver('two'), deliver('three')];
		const first = await round(deltaPath, 'odata.maxpagesize=2');
		expect(first.pages).toBe(2);
		expect(first.items.map((m) => m.subject)).toEqual(['one', 'two', 'three']);
		expect(first.deltaLink).toContain('$deltatoken=');

		expect((await round(first.deltaLink)).items).toEqual([]);
		const four = deliver('four');
		sim.changeMessage(ids[0], { isRead: true });
		sim.changeMessage(ids[1], { folder: 'archive' });
		const second = await round(first.deltaLink);
		expect(second.items.map((m) => m.id)).toEqual([four, ids[0], ids[1]]);
		expect(second.items[1]).toMatchObject({ isRead: true });
		expect(second.items[2]).toEqual({
			'@odata.type': '#microsoft.graph.message',
			id: ids[1],
			'@removed': { reason: 'deleted' },
		});
		// Moved back: reported again as a message of the folder.
		sim.changeMessage(ids[1], { folder: 'inbox' });
		expect((await round(second.deltaLink)).items.map((m) => m.subject)).toEqual(['two']);
	});

	it('keeps $filter and $select in the links; unsupported filters and stale tokens are refused', async () => {
		deliver('old', { receivedDateTime: '2020-01-01T00:00:00Z' });
		const since = new Date(Date.now() - 60_000).toISOString();
		const url = `${deltaPath}?$filter=receivedDateTime ge ${since}&$select=subject,internetMessageHeaders`;
		deliver('new', { headers: [{ name: 'X-Test', value: '1' }] });
		const first = await round(url);
		expect(first.items).toEqual([
			expect.objectContaining({
				subject: 'new',
				internetMessageHeaders: [{ name: 'X-Test', value: '1' }],
			}),
		]);
		expect(first.items[0]).not.toHaveProperty('body');
		deliver('newer');
		expect((await round(first.deltaLink)).items.map((m) => m.subject)).toEqual(['newer']);

		const bad = await get(`${deltaPath}?$filter=subject eq 'x'`);
		expect(bad.status).toBe(400);
		sim.expireDeltaTokens();
		const gone = await get(first.deltaLink);
		expect(gone.status).toBe(410);
		expect(gone.json.error.code).toBe('SyncStateNotFound');
	});

	it('lists a folder newest first, downloads attachments by $value and marks as read (Mail.ReadWrite)', async () => {
		const id = deliver('with file', {
			attachments: [
				{
					name: 'a.txt',
					contentType: 'text/plain',
					base64: Buffer.from('hello').toString('base64'),
				},
			],
		});
		deliver('later', { receivedDateTime: new Date(Date.now() + 1000).toISOString() });
		const list = await get(`/users/${mailbox}/mailFolders/Inbox/messages?$top=1`);
		expect(list.json.value.map((m: { subject: string }) => m.subject)).toEqual(['later']);
		const attachments = await get(
			`/users/${mailbox}/messages/${encodeURIComponent(id)}/attachments?$select=id,name,size`,
		);
		expect(attachments.json.value).toEqual([expect.objectContaining({ name: 'a.txt', size: 5 })]);
		expect(attachments.json.value[0]).not.toHaveProperty('contentBytes');
		const aid = encodeURIComponent(attachments.json.value[0].id);
		const raw = await get(
			`/users/${mailbox}/messages/${encodeURIComponent(id)}/attachments/${aid}/$value`,
		);
		expect(raw.text).toBe('hello');
		const patched = await graph(
			sim,
			token,
			'PATCH',
			`/users/${mailbox}/messages/${encodeURIComponent(id)}`,
			{ isRead: true },
		);
		expect(patched.status).toBe(200);
		expect(sim.state.mailStore.messages.get(id)?.isRead).toBe(true);

		sim.updateApp(DEMO.clientId, { permissions: ['Mail.Send'] });
		const sendOnly = await getToken(sim);
		const denied = await graph(sim, sendOnly, 'GET', deltaPath);
		sim.updateApp(DEMO.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
		expect(denied.status).toBe(403);
		expect(denied.json.error.code).toBe('ErrorAccessDenied');
		expect((await get(`/users/${mailbox}/mailFolders/nosuchfolder/messages/delta`)).status).toBe(
			400,
		);
	});
});
