import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { createHash } from 'node:crypto';

import { runSendMail } from '../harness/engine';
import { useTenant } from '../harness/world';

const t = useTenant();

test("one item becomes one delivered message with its attachment, through n8n's engine", async () => {
	const bytes = Buffer.from('hello attachment\n'.repeat(64));
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [
			{
				json: { name: 'Ada' },
				binary: { data: { data: bytes, fileName: 'hello.txt', mimeType: 'text/plain' } },
			},
		],
		parameters: {
			toRecipients: '"Lovelace, Ada" <ada@example.com>',
			subject: '={{ "Hi " + $json.name }}',
			bodyContent: '<p>Hello</p>',
			options: { attachments: 'data' },
		},
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const out = result.items[0];
	expect(out.pairedItem).toEqual({ item: 0 });
	expect(out.json).toMatchObject({
		status: 'sent',
		sender: t.sender,
		toRecipients: ['"Lovelace, Ada" <ada@example.com>'],
		subject: 'Hi Ada',
		attachments: [
			{
				name: 'hello.txt',
				size: bytes.length,
				contentType: 'text/plain',
				inline: false,
				via: 'request',
			},
		],
	});
	expect(t.sim.outbox).toHaveLength(1);
	const delivered = t.sim.outbox[0];
	expect(delivered.mailbox.toLowerCase()).toBe(t.sender);
	expect(delivered.message.toRecipients).toEqual([
		{ emailAddress: { address: 'ada@example.com', name: 'Lovelace, Ada' } },
	]);
	expect(delivered.attachments[0].sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
	expect(out.json.clientRequestId).toBe(delivered.clientRequestId);
	expect(out.json.requestId).toBe(delivered.requestId);
});

test('the token is fetched once for many items and for a second execution', async () => {
	const items = Array.from({ length: 12 }, (_, i) => ({ json: { i } }));
	const params = {
		toRecipients: 'bob@example.com',
		subject: '={{ "n" + $json.i }}',
		bodyContent: 'x',
	};
	await runSendMail({ credentials: t.credentials(), items, parameters: params });
	await runSendMail({ credentials: t.credentials(), items, parameters: params });
	expect(t.sim.outbox).toHaveLength(24);
	expect(t.sim.counters.tokenRequests).toBe(1);
});

test('a changed secret is not served from the cache', async () => {
	const params = { toRecipients: 'bob@example.com', subject: 's', bodyContent: 'x' };
	const ok = await runSendMail({ credentials: t.credentials(), items: [{}], parameters: params });
	expect(ok.items[0].json.status).toBe('sent');
	const wrong = await runSendMail({
		credentials: t.credentials({ clientSecret: 'wrong~secret.value' }),
		items: [{}],
		parameters: params,
	});
	expect(wrong.errorMessage).toMatch(/AADSTS7000215/);
	expect(t.sim.counters.tokenRequests).toBe(2);
	expect(t.sim.outbox).toHaveLength(1);
});

test('options an expression leaves empty ask for nothing: one JSON sendMail, sent now, no key and no lookup', async () => {
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [{ json: {} }],
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Empty options',
			bodyContent: '<p>Hello</p>',
			options: {
				idempotencyKey: '',
				confirmMessageId: '',
				sendAt: '',
				references: '',
				listUnsubscribe: '',
				headers: '',
			},
		},
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ status: 'sent', internetMessageIdConfirmed: false });
	expect(result.items[0].json.deduplicated).toBeUndefined();
	const graph = t.sim.requests.filter((r) => r.kind === 'graph');
	expect(graph.map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual(['POST sendMail']);
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.outbox[0].mime).toBeUndefined();
	expect(t.sim.outbox[0].internetMessageId).toBe(result.items[0].json.internetMessageId);
});
