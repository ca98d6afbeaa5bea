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
