import { startSimulator, type M365Simulator, DEMO, call, getToken, graph, simpleMessage } from '..';

// A 1×1 PNG: the inline image the HTML refers to as cid:logo.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64',
);

describe('outbox page: what a first-hour user looks for', () => {
	let sim: M365Simulator;
	let token: string;
	const user = `/users/${DEMO.sender.userPrincipalName}`;
	beforeAll(async () => {
		sim = await startSimulator();
		sim.loadScenario('demo');
		token = await getToken(sim);
	});
	afterAll(() => sim.close());

	it('shows Reply-To and Importance, and inline cid: images as images', async () => {
		const message = {
			...simpleMessage(),
			subject: 'with logo',
			importance: 'high',
			replyTo: [{ emailAddress: { address: 'help@contoso.com', name: 'Help Desk' } }],
			body: { contentType: 'HTML', content: '<p>Hi</p><img src="cid:logo" alt="logo">' },
			attachments: [
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'logo.png',
					contentType: 'image/png',
					contentId: 'logo',
					isInline: true,
					contentBytes: PNG.toString('base64'),
				},
			],
		};
		expect((await graph(sim, token, 'POST', `${user}/sendMail`, { message })).status).toBe(202);
		const page = (await call(sim, '/_sim/outbox')).text;
		expect(page).toContain('Reply-To: Help Desk &lt;help@contoso.com&gt;');
		expect(page).toContain('Importance: high');
		// In the iframe's srcdoc (escaped once), the cid: reference is now the image itself.
		expect(page).toContain(`src=&quot;data:image/png;base64,${PNG.toString('base64')}&quot;`);
		expect(page).not.toContain('cid:logo');
	});

	it('lists drafts and messages held until their Send At time', async () => {
		const draft = await graph(sim, token, 'POST', `${user}/messages`, {
			...simpleMessage(),
			subject: 'just a draft',
		});
		expect(draft.status).toBe(201);
		const sendAt = new Date(Date.now() + 3600_000).toISOString();
		const held = await graph(sim, token, 'POST', `${user}/messages`, {
			...simpleMessage(),
			subject: 'goes out later',
			singleValueExtendedProperties: [{ id: 'SystemTime 0x3FEF', value: sendAt }],
		});
		expect(held.status).toBe(201);
		const heldId = (JSON.parse(held.text) as { id: string }).id;
		expect((await graph(sim, token, 'POST', `${user}/messages/${heldId}/send`)).status).toBe(202);

		const page = (await call(sim, '/_sim/outbox')).text;
		expect(page).toContain('2 in Drafts folders (1 held until their Send At time)');
		const drafts = page.slice(page.indexOf('<h1 id="drafts">'));
		expect(drafts).toMatch(/<h2>just a draft<\/h2>\n<p class="meta"><strong>draft<\/strong>/);
		expect(drafts).toMatch(
			/<h2>goes out later<\/h2>\n<p class="meta"><strong>held: goes out at (\S+)<\/strong>/,
		);
		const at = /held: goes out at (\S+)</.exec(drafts)?.[1];
		expect(Date.parse(at as string)).toBe(Date.parse(sendAt));
	});
});
