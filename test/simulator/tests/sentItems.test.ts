import { DEMO, getToken, graph, simpleMessage, useSimulator } from '..';

/**
 * Sent Items (after its delay), the extended-property filter, and the Message-ID switch of the
 * simulated Exchange.
 */

const SENDER = DEMO.sender.userPrincipalName;
const user = `/users/${encodeURIComponent(SENDER)}`;
const PROP = 'String {6c378059-4101-4996-9200-31df354e4594} Name marker';

function filterPath(value: string, folder = 'sentitems'): string {
	const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq '${value}')`;
	return `${user}/mailFolders/${folder}/messages?$filter=${encodeURIComponent(filter)}&$top=1`;
}

function marked(value: string, messageId?: string) {
	const props = [{ id: PROP, value }];
	if (messageId) props.push({ id: 'String 0x1035', value: messageId });
	return { ...simpleMessage(), singleValueExtendedProperties: props };
}

describe('Sent Items and the marker filter', () => {
	let token: string;
	const sim = useSimulator({}, async (s) => {
		token = await getToken(s);
	});

	it('finds the sent copy by its marker, with the Message-ID it went out with; another marker finds nothing', async () => {
		await graph(sim, token, 'POST', `${user}/sendMail`, { message: marked('m-1') });
		const found = await graph(sim, token, 'GET', filterPath('m-1'));
		expect(found.status).toBe(200);
		const value = (found.json as { value: Record<string, unknown>[] }).value;
		expect(value).toHaveLength(1);
		expect(value[0].internetMessageId).toBe(sim.outbox[0].internetMessageId);
		expect(value[0].id).toBe(sim.outbox[0].sentItemId);
		const other = await graph(sim, token, 'GET', filterPath('m-2'));
		expect((other.json as { value: unknown[] }).value).toEqual([]);
	});

	it('shows the copy only after the Sent Items delay, and none when saveToSentItems is false', async () => {
		sim.setExchangeBehaviour({ sentItemsDelayMs: 3_600_000 });
		await graph(sim, token, 'POST', `${user}/sendMail`, { message: marked('late') });
		await graph(sim, token, 'POST', `${user}/sendMail`, {
			message: marked('unsaved'),
			saveToSentItems: false,
		});
		expect((await graph(sim, token, 'GET', filterPath('late'))).json).toMatchObject({ value: [] });
		sim.setExchangeBehaviour({ sentItemsDelayMs: 0 });
		sim.outbox[0].sentItemVisibleAt = new Date(Date.now() - 1).toISOString();
		expect((await graph(sim, token, 'GET', filterPath('late'))).json).toMatchObject({
			value: [{ internetMessageId: sim.outbox[0].internetMessageId }],
		});
		expect(sim.outbox[1].sentItemId).toBeUndefined();
		expect((await graph(sim, token, 'GET', filterPath('unsaved'))).json).toMatchObject({
			value: [],
		});
	});

	it.each(['keep', 'overwrite'] as const)(
		'Message-IDs set by the client are %s on sendMail and on drafts',
		async (mode) => {
			sim.setExchangeBehaviour({ messageIds: mode });
			const mine = '<mine-1@contoso.onmicrosoft.com>';
			await graph(sim, token, 'POST', `${user}/sendMail`, { message: marked('s', mine) });
			const draft = await graph(sim, token, 'POST', `${user}/messages`, {
				...simpleMessage(),
				internetMessageId: '<mine-2@contoso.onmicrosoft.com>',
			});
			const draftId = (draft.json as { id: string; internetMessageId: string }).id;
			const answered = (draft.json as { internetMessageId: string }).internetMessageId;
			await graph(sim, token, 'POST', `${user}/messages/${encodeURIComponent(draftId)}/send`);
			if (mode === 'keep') {
				expect(sim.outbox[0].internetMessageId).toBe(mine);
				expect(answered).toBe('<mine-2@contoso.onmicrosoft.com>');
			} else {
				expect(sim.outbox[0].internetMessageId).not.toBe(mine);
				expect(answered).toMatch(/prod\.outlook\.com>$/);
			}
			// Whatever the mode, a draft goes out with the Message-ID Graph answered when it was created.
			expect(sim.outbox[1].internetMessageId).toBe(answered);
			expect(sim.outbox[1].sentItemId).toBe(draftId);
		},
	);

	it('refuses the extended-property filter to an app with only Mail.ReadBasic, and a filter it does not model', async () => {
		sim.updateApp(DEMO.clientId, { permissions: ['Mail.Send', 'Mail.ReadBasic.All'] });
		const basic = await getToken(sim);
		const refused = await graph(sim, basic, 'GET', filterPath('x'));
		expect(refused.status).toBe(403);
		expect(refused.json).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
		sim.updateApp(DEMO.clientId, { permissions: [...DEMO.permissions] });
		const bad = await graph(
			sim,
			token,
			'GET',
			`${user}/mailFolders/sentitems/messages?$filter=${encodeURIComponent("subject eq 'x'")}`,
		);
		expect(bad.status).toBe(400);
	});
});
