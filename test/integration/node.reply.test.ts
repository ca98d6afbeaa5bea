import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type TestItem } from '../harness/engine';
import { MiB, scratchDir, writeRandomFile } from '../harness/files';
import { useTenant } from '../harness/world';
import { threadOf } from '../simulator';

/**
 * Reply and Reply All through n8n's engine against the simulator: threaded (In-Reply-To,
 * References, conversation kept), addressed as Outlook derives it, with small attachments in one
 * reply request and large ones through a reply draft and upload sessions; Dry Run, bad and unknown
 * IDs, Continue On Fail.
 */

const files = scratchDir();
const big = { path: join(files.dir, 'big.bin'), sha256: '' };
const t = useTenant({
	setup: async () => {
		big.sha256 = await writeRandomFile(big.path, 5 * MiB);
	},
});
t.onCleanup(() => {
	rmSync(n8nFolder, { recursive: true, force: true });
	files.remove();
});

/** An item whose binary `file` is the 5 MiB file on disk (too large for one request). */
const bigItem: TestItem = {
	binary: { file: { file: big.path, fileName: 'big.bin', mimeType: 'application/octet-stream' } },
};

const ORIGINAL = '<orig-1@partner.example>';
const EARLIER = '<first@partner.example>';

function seed(subject = 'Invoice 42') {
	return t.sim.seedMessage({
		mailbox: t.sender,
		from: { address: 'ann@partner.example', name: 'Ann Partner' },
		to: [{ address: t.sender }, { address: 'bob@partner.example' }],
		cc: [{ address: 'carol@partner.example' }],
		subject,
		internetMessageId: ORIGINAL,
		references: [EARLIER],
	});
}

function run(
	items: TestItem[],
	parameters: Record<string, unknown>,
	onError?: 'continueRegularOutput',
) {
	return runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { operation: 'reply', bodyContentType: 'text', ...parameters },
		onError,
	});
}

function addresses(list: { emailAddress: { address: string } }[]) {
	return list.map((r) => r.emailAddress.address);
}

describe('Reply operation', () => {
	it('replies to the sender in one request (Mail.Send), threaded, with a small attachment', async () => {
		const id = seed();
		const result = await run(
			[
				{
					binary: {
						file: { data: Buffer.from('hello'), fileName: 'a.txt', mimeType: 'text/plain' },
					},
				},
			],
			{
				messageId: id,
				bodyContent: 'Thanks, paid.',
				options: { attachments: 'file', ccRecipients: 'dan@partner.example' },
			},
		);
		expect(result.errorMessage).toBeUndefined();
		const out = result.items[0].json;
		expect(out).toMatchObject({ status: 'sent', repliedToMessageId: id, replyAll: false });
		// Derived from the original as Outlook derives them (read back after the 202), plus the CC the
		// item added.
		expect(out.toRecipients).toEqual(['Ann Partner <ann@partner.example>']);
		expect(out.ccRecipients).toEqual(['dan@partner.example']);
		expect(out.addedCcRecipients).toEqual(['dan@partner.example']);
		expect(out.subject).toBe('RE: Invoice 42');
		expect(t.sim.outbox).toHaveLength(1);
		const sent = t.sim.outbox[0];
		expect(sent.via).toBe('reply');
		expect(sent.message.subject).toBe('RE: Invoice 42');
		expect(addresses(sent.message.toRecipients)).toEqual(['ann@partner.example']);
		expect(addresses(sent.message.ccRecipients)).toEqual(['dan@partner.example']);
		// Quote Original (default on): the text goes as comment, above the quoted original.
		expect(sent.message.body.content).toMatch(
			/^<html>.*Thanks, paid\..*divRplyFwdMsg.*Original message text/s,
		);
		expect(threadOf(sent.message)).toEqual({
			inReplyTo: ORIGINAL,
			references: `${EARLIER} ${ORIGINAL}`,
			conversationId: expect.any(String),
		});
		expect(sent.attachments.map((a) => [a.name, a.size, a.via])).toEqual([['a.txt', 5, 'request']]);
		const paths = t.sim.requests
			.filter((r) => r.kind === 'graph')
			.map((r) => `${r.method} ${r.path}`);
		const message = `/v1.0/users/${encodeURIComponent(t.sender)}/messages/${encodeURIComponent(id)}`;
		expect(paths).toEqual([`POST ${message}/reply`, `GET ${message}`]);
	});

	it('reply all goes to the sender, To and CC minus the replying mailbox, and honours Reply-To', async () => {
		const id = seed('RE: Invoice 42');
		const result = await run([{}], { messageId: id, replyAll: true, bodyContent: 'All: noted.' });
		expect(result.errorMessage).toBeUndefined();
		const sent = t.sim.outbox[0];
		expect(sent.message.subject).toBe('RE: Invoice 42');
		expect(addresses(sent.message.toRecipients)).toEqual([
			'ann@partner.example',
			'bob@partner.example',
		]);
		expect(addresses(sent.message.ccRecipients)).toEqual(['carol@partner.example']);

		t.sim.reset();
		const withReplyTo = t.sim.seedMessage({
			mailbox: t.sender,
			from: { address: 'noreply@shop.example' },
			replyTo: [{ address: 'support@shop.example' }],
			subject: 'Order',
		});
		const second = await run([{}], { messageId: withReplyTo, bodyContent: 'Question' });
		expect(second.errorMessage).toBeUndefined();
		expect(addresses(t.sim.outbox[0].message.toRecipients)).toEqual(['support@shop.example']);
	});

	it('sends a large attachment through a reply draft and an upload session, and reports the recipients', async () => {
		const id = seed();
		const result = await run([bigItem], {
			messageId: id,
			replyAll: true,
			bodyContent: '<p>Attached</p>',
			bodyContentType: 'html',
			options: { attachments: 'file' },
		});
		expect(result.errorMessage).toBeUndefined();
		const out = result.items[0].json;
		expect(out).toMatchObject({
			status: 'sent',
			replyAll: true,
			subject: 'RE: Invoice 42',
			toRecipients: ['Ann Partner <ann@partner.example>', 'bob@partner.example'],
			ccRecipients: ['carol@partner.example'],
		});
		expect(out.conversationId).toEqual(threadOf(t.sim.outbox[0].message).conversationId);
		expect(out.internetMessageId).toEqual(expect.stringMatching(/^<.+@.+>$/));
		expect(out.attachments).toEqual([
			{
				name: 'big.bin',
				size: 5 * MiB,
				contentType: 'application/octet-stream',
				inline: false,
				via: 'uploadSession',
			},
		]);
		const sent = t.sim.outbox[0];
		expect(sent.via).toBe('draft');
		expect(sent.attachments[0]).toMatchObject({
			size: 5 * MiB,
			via: 'uploadSession',
			sha256: big.sha256,
		});
		expect(threadOf(sent.message)).toMatchObject({ inReplyTo: ORIGINAL });
		const graphCalls = t.sim.requests
			.filter((r) => r.kind === 'graph')
			.map((r) => (r.method === 'PATCH' ? 'PATCH' : r.path.split('/').pop()));
		// The PATCH puts the new content above the quoted original createReplyAll made.
		expect(graphCalls).toEqual(['createReplyAll', 'PATCH', 'createUploadSession', 'send']);
		expect(sent.message.body.content).toMatch(
			/<body><div><p>Attached<\/p><\/div><div>.*divRplyFwdMsg/s,
		);
	});

	it('Dry Run shows the exact requests of both paths and sends nothing', async () => {
		const id = seed();
		const small = await run([{}], { messageId: id, bodyContent: 'x', options: { dryRun: true } });
		const request = small.items[0].json.request as { url: string; body: unknown };
		expect(request.url).toBe(
			`${t.sim.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}/messages/${encodeURIComponent(id)}/reply`,
		);
		// The node names the reply's Message-ID (String 0x1035), unconfirmed: the action answers 202
		// without a body.
		const messageId = { id: 'String 0x1035', value: expect.stringMatching(/^<.+@.+>$/) };
		expect(request.body).toEqual({
			comment: 'x',
			message: { singleValueExtendedProperties: [messageId] },
		});
		const large = await run([bigItem], {
			messageId: id,
			replyAll: true,
			bodyContent: 'x',
			options: { dryRun: true, attachments: 'file' },
		});
		const requests = large.items[0].json.requests as { method: string; url: string }[];
		expect(requests[0].url).toMatch(/\/createReplyAll$/);
		expect(requests[1]).toMatchObject({
			method: 'PATCH',
			url: expect.stringMatching(/\{draft-id\}$/),
		});
		expect(requests[2].url).toMatch(/\/messages\/\{draft-id\}\/attachments\/createUploadSession$/);
		expect(requests.at(-1)?.url).toMatch(/\/messages\/\{draft-id\}\/send$/);
		expect(t.sim.outbox).toHaveLength(0);
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
	});

	it('an unknown or malformed Message ID is a clear item error; Continue On Fail keeps other items going', async () => {
		const id = seed();
		const result = await run(
			[
				{ json: { id: 'AAMkAGunknown000AAA=' } },
				{ json: { id: '<x@partner.example>' } },
				{ json: { id } },
			],
			{ messageId: '={{ $json.id }}', bodyContent: 'ok' },
			'continueRegularOutput',
		);
		const [unknown, internetId, good] = result.items.map((i) => i.json);
		expect(unknown).toMatchObject({ status: 'failed', field: 'Message ID' });
		expect(unknown.error).toMatch(/Item 0 › Message ID: Mailbox .* has no message with ID/);
		expect(internetId).toMatchObject({ status: 'failed', field: 'Message ID' });
		expect(internetId.error).toMatch(/Internet Message-ID.*In-Reply-To/);
		expect(good).toMatchObject({ status: 'sent' });
		expect(t.sim.outbox).toHaveLength(1);
		const stopped = await run([{}], { messageId: 'AAMkAGunknown000AAA=', bodyContent: 'ok' });
		expect(stopped.errorMessage).toMatch(/Message ID: Mailbox .* has no message/);
	});

	it('refuses HTML and Text for a reply before any request', async () => {
		const result = await run([{}], {
			messageId: seed(),
			bodyContentType: 'htmlAndText',
			bodyContent: '<p>x</p>',
		});
		expect(result.errorMessage).toMatch(
			/Body Content Type: HTML and Text needs a MIME message.*use Send with In-Reply-To/,
		);
		expect(t.sim.requests.filter((r) => r.kind === 'graph' || r.kind === 'token')).toHaveLength(0);
	});
});
