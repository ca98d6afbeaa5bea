import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomBytes } from 'node:crypto';

import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Every delivered item names the Message-ID recipients see (internetMessageId), without reading the
 * mailbox: the node makes the ID and sets it on each path; the simulator records what Exchange
 * would have used.
 */

const t = useTenant();

async function sendOne(options: Record<string, unknown>, items: TestItem[] = [{}]) {
	const result = await runSendMail({
		credentials: t.credentials(),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Identity',
			bodyContent: '<p>Hi</p>',
			options: options as Record<string, string>,
		},
	});
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox).toHaveLength(items.length);
	return result.items.map((i) => i.json);
}

function idPattern(): RegExp {
	return new RegExp(`^<[0-9a-z]+\\.[\\w-]{22}@${t.domain.replace(/\./g, '\\.')}>$`);
}

test('JSON sendMail: the output names the Message-ID the node set (String 0x1035) and Exchange recorded', async () => {
	const [out] = await sendOne({});
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('sendMail');
	expect(out.internetMessageId).toMatch(idPattern());
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
	// sendMail answers 202 without a body: no Graph id or conversation to report.
	expect(out.id).toBeUndefined();
	expect(out.conversationId).toBeUndefined();
});

test('two items get two different Message-IDs', async () => {
	const outs = await sendOne({}, [{}, {}]);
	expect(outs[0].internetMessageId).not.toBe(outs[1].internetMessageId);
	expect(outs.map((o) => o.internetMessageId)).toEqual(
		t.sim.outbox.map((d) => d.internetMessageId),
	);
});

test('JSON draft path: internetMessageId set on the draft; id, conversationId and webLink from Graph', async () => {
	const big = randomBytes(3 * 1024 * 1024 + 1);
	const [out] = await sendOne({ attachments: 'big' }, [
		{ binary: { big: { data: big, fileName: 'big.bin' } } },
	]);
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('draft');
	expect(out.internetMessageId).toMatch(idPattern());
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
	expect(out.id).toEqual(expect.any(String));
	expect(out.conversationId).toEqual(expect.any(String));
	expect(out.webLink).toMatch(/^https:\/\/outlook\.office365\.com\/owa\//);
	expect(out.notes).toBeUndefined();
});

test('MIME path: the Message-ID header is the one in the output', async () => {
	const [out] = await sendOne({ inReplyTo: '<x1@example.org>' });
	const delivered = t.sim.outbox[0];
	expect(delivered.mime).toBeDefined();
	expect(out.internetMessageId).toMatch(idPattern());
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
});

test('MIME draft path (Save to Sent Items off): the Message-ID header survives into the sent message', async () => {
	const [out] = await sendOne({ listUnsubscribe: 'https://contoso.com/u', saveToSentItems: false });
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('draft');
	expect(out.internetMessageId).toMatch(idPattern());
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
	expect(out.id).toEqual(expect.any(String));
});

test('a sender given as an object ID without From Address: Exchange names the ID on the draft path', async () => {
	const big = randomBytes(3 * 1024 * 1024 + 1);
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [{ binary: { big: { data: big, fileName: 'big.bin' } } }],
		parameters: {
			sender: t.senderId,
			toRecipients: 'ada@example.com',
			subject: 'By id',
			bodyContent: 'x',
			options: { attachments: 'big' },
		},
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json.internetMessageId).toBe(t.sim.outbox[0].internetMessageId);
});
