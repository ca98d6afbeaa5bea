import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomBytes } from 'node:crypto';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Reply: the quoted original kept or left out on both paths, and a Message-ID on every path,
 * honestly marked; each test against an Exchange that keeps client-set Message-IDs and one that
 * overwrites them.
 */

const t = useTenant();
const MODES = ['keep', 'overwrite'] as const;
const bigItem = (): TestItem => ({
	binary: { file: { data: randomBytes(3 * 1024 * 1024 + 1), fileName: 'big.bin' } },
});

function seed() {
	return t.sim.seedMessage({
		mailbox: t.sender,
		from: { address: 'ann@partner.example', name: 'Ann Partner' },
		to: [{ address: t.sender }],
		subject: 'Invoice 42',
		body: '<p>Please pay <b>invoice 42</b>.</p>',
	});
}

async function reply(parameters: Record<string, unknown>, items: TestItem[] = [{}]) {
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { operation: 'reply', messageId: seed(), ...parameters },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox).toHaveLength(1);
	return { out: result.items[0].json, sent: t.sim.outbox[0] };
}

describe.each(MODES)('Exchange that %ss client Message-IDs', (mode) => {
	beforeEach(() => t.sim.setExchangeBehaviour({ messageIds: mode, sentItemsDelayMs: 200 }));

	test('one-request reply: a Message-ID is output, confirmed only if read back', async () => {
		const { out, sent } = await reply({ bodyContent: 'Paid.', bodyContentType: 'text' });
		expect(out.internetMessageIdConfirmed).toBe(false);
		expect(out.internetMessageId).toEqual(expect.stringMatching(/^<.+@.+>$/));
		expect(out.internetMessageId === sent.internetMessageId).toBe(mode === 'keep');
	});

	test('one-request reply with Confirm Message-ID: Exchange’s Message-ID, from the sent copy', async () => {
		const { out, sent } = await reply({
			bodyContent: 'Paid.',
			bodyContentType: 'text',
			options: { confirmMessageId: true },
		});
		expect(out.internetMessageIdConfirmed).toBe(true);
		expect(out.internetMessageId).toBe(sent.internetMessageId);
		expect(out.toRecipients).toEqual(['Ann Partner <ann@partner.example>']);
	});

	test('reply draft (large attachment): Message-ID from createReply, confirmed; the quote stays below', async () => {
		const { out, sent } = await reply(
			{ bodyContent: 'See attached.', bodyContentType: 'text', options: { attachments: 'file' } },
			[bigItem()],
		);
		expect(out.internetMessageIdConfirmed).toBe(true);
		expect(out.internetMessageId).toBe(sent.internetMessageId);
		const body = sent.message.body.content as string;
		expect(body.indexOf('See attached.')).toBeLessThan(body.indexOf('divRplyFwdMsg'));
		expect(body).toContain('Please pay <b>invoice 42</b>.');
	});
});

describe('Quote Original', () => {
	test('on (default), one request: the original sender, subject and body are quoted below the new text', async () => {
		const { sent } = await reply({ bodyContent: 'a < b\nsecond line', bodyContentType: 'text' });
		const body = sent.message.body.content as string;
		// A Text reply is escaped into the HTML the quoted original needs, line breaks kept.
		expect(body).toMatch(/a &lt; b<br>second line.*Ann Partner &lt;ann@partner\.example&gt;/s);
		expect(body).toMatch(/<b>Subject:<\/b> Invoice 42.*Please pay <b>invoice 42<\/b>/s);
	});

	test.each([
		['one request', (): TestItem[] => [{ binary: { file: { data: Buffer.from('small') } } }]],
		['reply draft', (): TestItem[] => [bigItem()]],
	])('off, %s: the body is only the new text, as before', async (_path, items) => {
		const { sent } = await reply(
			{ bodyContent: '<p>Only this</p>', options: { quoteOriginal: false, attachments: 'file' } },
			items(),
		);
		expect(sent.message.body.content).toBe('<p>Only this</p>');
	});
});
