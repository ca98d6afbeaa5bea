import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { INodeParameters } from 'n8n-workflow';

import { runSendMail, type TestItem } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Standard headers and multipart bodies exist only in MIME: the node sends such messages as base64
 * MIME, and the simulator parses them with a real MIME parser (mailparser), as a recipient's mail
 * client would.
 */

const t = useTenant();

const ANSWERED = '<CAF=abc123@mail.example.com>';

async function send(
	options: Record<string, unknown>,
	extra: Record<string, unknown> = {},
	items: TestItem[] = [{}],
) {
	return await runSendMail({
		credentials: t.credentials(),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Threaded',
			bodyContent: '<p>Hello <b>Ada</b></p>',
			...extra,
			options,
		} as INodeParameters,
		onError: 'continueRegularOutput',
	});
}

test('In-Reply-To given: the message carries In-Reply-To and References (defaulting to it), through MIME sendMail', async () => {
	const result = await send({ inReplyTo: 'CAF=abc123@mail.example.com' });
	expect(result.items[0].json.status).toBe('sent');
	expect(t.sim.outbox).toHaveLength(1);
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('sendMail');
	expect(delivered.mime?.inReplyTo).toBe(ANSWERED);
	expect(delivered.mime?.references).toEqual([ANSWERED]);
	expect(delivered.message.subject).toBe('Threaded');
	expect(delivered.message.toRecipients).toEqual([
		{ emailAddress: { address: 'ada@example.com' } },
	]);
	expect(result.items[0].json.internetMessageId).toBe(delivered.internetMessageId);
});

test('References given: sent as written, oldest first', async () => {
	await send({
		inReplyTo: ANSWERED,
		references: '<root@example.org>, <mid@example.org> ' + ANSWERED,
	});
	expect(t.sim.outbox[0].mime?.references).toEqual([
		'<root@example.org>',
		'<mid@example.org>',
		ANSWERED,
	]);
});

test('HTML and Text arrives as one multipart/alternative message with both versions', async () => {
	const result = await send(
		{},
		{ bodyContentType: 'htmlAndText', textContent: 'Hello Ada (plain text)' },
	);
	expect(result.items[0].json.status).toBe('sent');
	const mime = t.sim.outbox[0].mime;
	expect(mime?.contentType).toBe('multipart/alternative');
	expect(mime?.alternative).toBe(true);
	expect(mime?.html).toBe('<p>Hello <b>Ada</b></p>');
	expect(mime?.text?.trim()).toBe('Hello Ada (plain text)');
	expect(result.items[0].json.internetMessageId).toBe(t.sim.outbox[0].internetMessageId);
});

test('List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) arrive', async () => {
	await send({
		listUnsubscribe: 'https://contoso.com/unsubscribe?u=1, mailto:unsubscribe@contoso.com',
		listUnsubscribeOneClick: true,
	});
	const mime = t.sim.outbox[0].mime;
	expect(mime?.listUnsubscribe).toBe(
		'<https://contoso.com/unsubscribe?u=1>, <mailto:unsubscribe@contoso.com>',
	);
	expect(mime?.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');
});

test('a MIME message with a 5 MB attachment is delivered: draft from MIME, upload session, send', async () => {
	const bytes = randomBytes(5 * 1024 * 1024);
	const result = await send(
		{ attachments: 'big', inReplyTo: ANSWERED },
		{ bodyContentType: 'htmlAndText', textContent: 'plain' },
		[
			{
				binary: { big: { data: bytes, fileName: 'big.bin', mimeType: 'application/octet-stream' } },
			},
		],
	);
	const out = result.items[0].json;
	expect(out.status).toBe('sent');
	expect(out.attachments).toEqual([
		{
			name: 'big.bin',
			size: bytes.length,
			contentType: 'application/octet-stream',
			inline: false,
			via: 'uploadSession',
		},
	]);
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('draft');
	expect(delivered.mime?.inReplyTo).toBe(ANSWERED);
	expect(delivered.attachments[0].sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
	expect(typeof out.id).toBe('string');
	expect(typeof out.conversationId).toBe('string');
	expect(t.sim.counters.draftsCreated).toBe(1);
});

test('small attachments that together pass 4 MB of MIME go onto a MIME draft one request each', async () => {
	const files = ['a', 'b', 'c'].map((name, i) => [
		name,
		{ data: Buffer.alloc(1536 * 1024, i + 1), fileName: `${name}.bin` },
	]);
	const result = await send(
		{ attachments: 'a, b, c' },
		{ bodyContentType: 'htmlAndText', textContent: 'plain' },
		[{ binary: Object.fromEntries(files) as TestItem['binary'] }],
	);
	const out = result.items[0].json;
	expect(out.status).toBe('sent');
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('draft');
	expect(delivered.mime?.alternative).toBe(true);
	expect(delivered.attachments.map((a) => [a.name, a.size, a.via])).toEqual([
		['a.bin', 1536 * 1024, 'request'],
		['b.bin', 1536 * 1024, 'request'],
		['c.bin', 1536 * 1024, 'request'],
	]);
	expect(out.internetMessageId).toBe(delivered.internetMessageId);
});

test('Save to Sent Items off with MIME: the draft is created from MIME and patched with PidTagDeleteAfterSubmit', async () => {
	const result = await send({ inReplyTo: ANSWERED, saveToSentItems: false, categories: 'Tickets' });
	expect(result.items[0].json.status).toBe('sent');
	const delivered = t.sim.outbox[0];
	expect(delivered.via).toBe('draft');
	expect(delivered.saveToSentItems).toBe(false);
	expect(delivered.message.categories).toEqual(['Tickets']);
	expect(delivered.mime?.inReplyTo).toBe(ANSWERED);
	expect(result.items[0].json.internetMessageId).toBe(delivered.internetMessageId);
});

describe('bad values are item errors naming the field, before any request', () => {
	const cases: Array<[string, Record<string, unknown>, string]> = [
		[
			'CR/LF in List-Unsubscribe',
			{ listUnsubscribe: 'https://a.example/u\r\nBcc: x@evil.example' },
			'List-Unsubscribe',
		],
		[
			'one-click without https',
			{ listUnsubscribe: 'mailto:u@a.example', listUnsubscribeOneClick: true },
			'List-Unsubscribe',
		],
		['one-click without any link', { listUnsubscribeOneClick: true }, 'List-Unsubscribe One-Click'],
		['an http: unsubscribe link', { listUnsubscribe: 'http://a.example/u' }, 'List-Unsubscribe'],
		['malformed In-Reply-To', { inReplyTo: 'not a message id' }, 'In-Reply-To'],
		['CR/LF in In-Reply-To', { inReplyTo: '<a@b.example>\r\nBcc: x@evil.example' }, 'In-Reply-To'],
		['malformed References', { references: '<ok@a.example> <broken' }, 'References'],
	];
	for (const [name, options, field] of cases) {
		test(name, async () => {
			const result = await runSendMail({
				credentials: t.credentials(),
				// The first item carries the bad values, the second none: only the first may fail.
				items: [{ json: options as TestItem['json'] }, { json: {} }],
				parameters: {
					toRecipients: 'ada@example.com',
					subject: 'x',
					bodyContent: 'y',
					options: Object.fromEntries(
						Object.keys(options).map((key) => [key, `={{ $json.${key} ?? "" }}`]),
					),
				},
				onError: 'continueRegularOutput',
			});
			const [bad, good] = result.items.map((i) => i.json);
			expect(bad.status).toBe('failed');
			expect(bad.field).toBe(field);
			expect(String(bad.error)).toContain(field);
			expect(good.status).toBe('sent');
			expect(t.sim.outbox).toHaveLength(1);
		});
	}
});

describe('Dry Run shows the exact MIME requests', () => {
	test('MIME sendMail: text/plain body, base64 of the message with the headers and both bodies', async () => {
		const result = await send(
			{ dryRun: true, inReplyTo: ANSWERED, listUnsubscribe: 'https://contoso.com/u' },
			{ bodyContentType: 'htmlAndText', textContent: 'plain' },
		);
		const out = result.items[0].json as {
			requests: Array<Record<string, unknown>>;
			mimeExcerpt?: string;
		};
		expect(out.requests).toHaveLength(1);
		const [request] = out.requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe(
			`${t.sim.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}/sendMail`,
		);
		expect(request.headers).toEqual({ 'Content-Type': 'text/plain' });
		expect(request.body).toMatch(/^[A-Za-z0-9+/]+=*$/);
		const parsed = await simpleParser(Buffer.from(String(request.body), 'base64'));
		expect(parsed.inReplyTo).toBe(ANSWERED);
		const unsubscribe = parsed.headerLines.find((h) => h.key === 'list-unsubscribe');
		expect(unsubscribe?.line).toBe('List-Unsubscribe: <https://contoso.com/u>');
		expect(parsed.html).toBe('<p>Hello <b>Ada</b></p>');
		expect(parsed.text?.trim()).toBe('plain');
		expect(out.mimeExcerpt).toContain(`In-Reply-To: ${ANSWERED}`);
		expect(parsed.messageId).toMatch(new RegExp(`@${t.domain.replace(/\./g, '\\.')}>$`));
		expect(t.sim.counters.graphRequests).toBe(0);
	});

	test('MIME draft: create from MIME (immutable ids), PATCH, upload session, send', async () => {
		const result = await send(
			{ dryRun: true, inReplyTo: ANSWERED, saveToSentItems: false, attachments: 'big' },
			{},
			[{ binary: { big: { data: Buffer.alloc(4 * 1024 * 1024, 1), fileName: 'big.bin' } } }],
		);
		const out = result.items[0].json as { requests: Array<Record<string, unknown>> };
		const messages = `${t.sim.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}/messages`;
		const steps = out.requests.map((r) => `${String(r.method)} ${String(r.url)}`);
		expect([...new Set(steps)]).toEqual([
			`POST ${messages}`,
			`PATCH ${messages}/{draft-id}`,
			`POST ${messages}/{draft-id}/attachments/createUploadSession`,
			'PUT {uploadUrl from createUploadSession, pre-authenticated: no Authorization header}',
			`POST ${messages}/{draft-id}/send`,
		]);
		expect(out.requests[0].headers).toEqual({
			Prefer: 'IdType="ImmutableId"',
			'Content-Type': 'text/plain',
		});
		const draft = await simpleParser(Buffer.from(String(out.requests[0].body), 'base64'));
		expect(draft.inReplyTo).toBe(ANSWERED);
		expect(draft.attachments).toHaveLength(0);
		expect(out.requests[1].body).toEqual({
			singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }],
		});
		expect(t.sim.counters.graphRequests).toBe(0);
	});
});

describe('MIME messages as drafts and scheduled sends', () => {
	test('Create Draft with In-Reply-To: the draft is created from MIME and kept, not sent', async () => {
		const result = await send({ inReplyTo: ANSWERED }, { operation: 'createDraft' });
		const out = result.items[0].json;
		expect(out.status).toBe('draft');
		expect(t.sim.outbox).toHaveLength(0);
		expect(t.sim.counters.draftsCreated).toBe(1);
		expect(out.internetMessageId).toMatch(/^<[0-9a-z]+\.[\w-]{22}@/);
	});

	test('Send At with HTML and Text: the MIME draft gets the deferred send time by PATCH (Dry Run)', async () => {
		const sendAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const result = await send(
			{ dryRun: true, sendAt },
			{ bodyContentType: 'htmlAndText', textContent: 'plain' },
		);
		const out = result.items[0].json as { requests: Array<Record<string, unknown>> };
		expect(out.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'POST']);
		expect(out.requests[0].headers).toMatchObject({ 'Content-Type': 'text/plain' });
		expect(out.requests[1].body).toEqual({
			singleValueExtendedProperties: [
				{ id: 'SystemTime 0x3FEF', value: sendAt },
				{ id: 'SystemTime 0x000F', value: sendAt },
			],
		});
		expect(String(out.requests[2].url)).toMatch(/\/messages\/\{draft-id\}\/send$/);
	});
});
