import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { tapRequestBodies, type BodyTap } from '../harness/bodyTap';
import { runSendMail, type RunResult, type TestItem } from '../harness/engine';
import { MiB, scratchDir, sha256, writeRandomFile } from '../harness/files';
import { credentialsOf } from '../harness/credentialsOf';
import { useTenant } from '../harness/world';

/**
 * Every message shape the node offers, checked against the exact Graph request body the simulator
 * received (raw bytes, parsed) and the message it put in its outbox.
 */

let tap: BodyTap;
let files: ReturnType<typeof scratchDir>;
/** A mailbox that may send as billing@ (Send As), for From Address. */
let shared: string;
let billing: string;

const t = useTenant({
	setup: () => {
		shared = `shared@${t.domain}`;
		billing = `billing@${t.domain}`;
		t.sim.addUser({
			tenantId: t.tenantId,
			id: randomUUID(),
			userPrincipalName: shared,
			sendAs: [billing],
		});
		tap = tapRequestBodies(t.sim);
		files = scratchDir();
		// n8n's binary store of this file: a copy of every attachment it sent.
		t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));
		t.onCleanup(() => files.remove());
		t.onCleanup(() => tap.stop());
	},
	eachTest: () => tap.clear(),
});

type Json = Record<string, unknown>;
const R = (address: string, name?: string) => ({
	emailAddress: name === undefined ? { address } : { address, name },
});
const BASE_PARAMS = {
	toRecipients: 'ada@example.com',
	subject: 'Shape',
	bodyContent: '<p>Body</p>',
};
const BASE_MESSAGE = {
	subject: 'Shape',
	body: { contentType: 'HTML', content: '<p>Body</p>' },
	toRecipients: [R('ada@example.com')],
};
const msg = (overrides: Json = {}): Json => ({ ...BASE_MESSAGE, ...overrides });

const TXT = Buffer.from('plain text attachment\n'.repeat(10));
const CSV = Buffer.from('id;amount\n1;9.99\n2;19.99\n');
const PNG = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from('not really a png, but bytes are bytes'),
]);
const fileAttachment = (
	name: string,
	contentType: string,
	bytes: Buffer,
	inline?: string,
): Json => ({
	'@odata.type': '#microsoft.graph.fileAttachment',
	name,
	contentType,
	contentBytes: bytes.toString('base64'),
	...(inline ? { isInline: true, contentId: inline } : {}),
});
const THREE_BINARIES = {
	data: { data: TXT, fileName: 'notes.txt', mimeType: 'text/plain' },
	invoice: { data: CSV, fileName: 'invoice.csv', mimeType: 'text/csv' },
	logo: { data: PNG, fileName: 'logo.png', mimeType: 'image/png' },
};

interface Expected {
	/** The full JSON body of POST …/sendMail. */
	body: Json;
	/** Outbox mailbox (UPN); default t.sender. */
	mailbox?: () => string;
}

interface ShapeCase {
	name: string;
	items?: TestItem[];
	parameters?: INodeParameters;
	options?: INodeParameters;
	credentials?: Json;
	/** One entry per input item, in input order. */
	expect: Expected[];
	/** Extra checks on the node's output items. */
	output?: (items: INodeExecutionData[]) => void;
}

const one = (message: Json, extra: Json = {}): Expected[] => [{ body: { message, ...extra } }];

const CASES: ShapeCase[] = [
	// ---- recipient forms --------------------------------------------------------------------------
	{ name: 'plain address', parameters: { toRecipients: 'ada@example.com' }, expect: one(msg()) },
	{
		name: 'Name <address>',
		parameters: { toRecipients: 'Ada Lovelace <ada@example.com>' },
		expect: one(msg({ toRecipients: [R('ada@example.com', 'Ada Lovelace')] })),
		output: (items) =>
			expect(items[0].json.toRecipients).toEqual(['Ada Lovelace <ada@example.com>']),
	},
	{
		name: '"Last, First" <address> keeps the comma inside the quotes',
		parameters: { toRecipients: '"Lovelace, Ada" <ada@example.com>, bob@example.com' },
		expect: one(
			msg({ toRecipients: [R('ada@example.com', 'Lovelace, Ada'), R('bob@example.com')] }),
		),
		output: (items) =>
			expect(items[0].json.toRecipients).toEqual([
				'"Lovelace, Ada" <ada@example.com>',
				'bob@example.com',
			]),
	},
	{
		name: 'semicolon-separated (Outlook style), with a quoted semicolon in a name',
		parameters: {
			toRecipients: 'ada@example.com; "Team; Ops" <ops@example.com> ;bob@example.com;',
		},
		expect: one(
			msg({
				toRecipients: [
					R('ada@example.com'),
					R('ops@example.com', 'Team; Ops'),
					R('bob@example.com'),
				],
			}),
		),
	},
	{
		name: 'newline-separated (LF and CRLF)',
		parameters: { toRecipients: 'ada@example.com\nbob@example.com\r\ncarol@example.com\n' },
		expect: one(
			msg({ toRecipients: [R('ada@example.com'), R('bob@example.com'), R('carol@example.com')] }),
		),
	},
	{
		name: 'array of strings from an expression',
		parameters: {
			toRecipients:
				'={{ ["ada@example.com", "Bob Builder <bob@example.com>", "c1@example.com; c2@example.com"] }}',
		},
		expect: one(
			msg({
				toRecipients: [
					R('ada@example.com'),
					R('bob@example.com', 'Bob Builder'),
					R('c1@example.com'),
					R('c2@example.com'),
				],
			}),
		),
	},
	{
		name: 'array of {address, name} objects from item JSON',
		items: [
			{
				json: {
					people: [
						{ address: 'ada@example.com', name: 'Ada' },
						{ address: 'bob@example.com' },
						{ email: 'eve@example.com', name: 'Eve' },
					],
				},
			},
		],
		parameters: { toRecipients: '={{ $json.people }}' },
		expect: one(
			msg({
				toRecipients: [
					R('ada@example.com', 'Ada'),
					R('bob@example.com'),
					R('eve@example.com', 'Eve'),
				],
			}),
		),
	},
	{
		name: 'Graph-shaped {emailAddress: {…}} recipients pass through',
		items: [
			{
				json: {
					to: [
						{ emailAddress: { address: 'ada@example.com', name: 'Ada L.' } },
						{ emailAddress: { address: 'bob@example.com' } },
					],
				},
			},
		],
		parameters: { toRecipients: '={{ $json.to }}' },
		expect: one(msg({ toRecipients: [R('ada@example.com', 'Ada L.'), R('bob@example.com')] })),
	},
	{
		name: 'a single object recipient',
		items: [{ json: { to: { address: 'ada@example.com', name: 'Ada' } } }],
		parameters: { toRecipients: '={{ $json.to }}' },
		expect: one(msg({ toRecipients: [R('ada@example.com', 'Ada')] })),
	},
	{
		name: 'duplicates across To, CC and BCC are removed (first place wins, case-insensitive)',
		parameters: { toRecipients: 'ada@example.com, Bob <bob@example.com>, ADA@example.com' },
		options: {
			ccRecipients: 'bob@EXAMPLE.com; carol@example.com',
			bccRecipients: 'Carol@example.com, dave@example.com, ada@example.com',
		},
		expect: one(
			msg({
				toRecipients: [R('ada@example.com'), R('bob@example.com', 'Bob')],
				ccRecipients: [R('carol@example.com')],
				bccRecipients: [R('dave@example.com')],
			}),
		),
		output: (items) => {
			expect(items[0].json.ccRecipients).toEqual(['carol@example.com']);
			expect(items[0].json.bccRecipients).toEqual(['dave@example.com']);
		},
	},
	{
		name: 'unicode display names (quoted, unquoted, CJK, emoji)',
		parameters: {
			toRecipients:
				'"Zoë Saldaña" <zoe@example.com>, Jörg Müller <joerg@example.com>, 山田 太郎 <taro@example.jp>, "🚀 Launch, Team" <launch@example.com>',
		},
		expect: one(
			msg({
				toRecipients: [
					R('zoe@example.com', 'Zoë Saldaña'),
					R('joerg@example.com', 'Jörg Müller'),
					R('taro@example.jp', '山田 太郎'),
					R('launch@example.com', '🚀 Launch, Team'),
				],
			}),
		),
	},
	{
		name: 'an IDN domain already in A-label (punycode) form',
		parameters: { toRecipients: 'Bücher <info@xn--bcher-kva.de>' },
		expect: one(msg({ toRecipients: [R('info@xn--bcher-kva.de', 'Bücher')] })),
	},
	// ---- body -------------------------------------------------------------------------------------
	{
		name: 'text body',
		parameters: { bodyContentType: 'text', bodyContent: 'Line 1\nLine 2 <not html> & more' },
		expect: one(
			msg({ body: { contentType: 'Text', content: 'Line 1\nLine 2 <not html> & more' } }),
		),
	},
	{
		name: 'explicit html body keeps markup verbatim',
		parameters: {
			bodyContentType: 'html',
			bodyContent: '<html><body><h1>Hi &amp; bye</h1><p style="color:red">x</p></body></html>',
		},
		expect: one(
			msg({
				body: {
					contentType: 'HTML',
					content: '<html><body><h1>Hi &amp; bye</h1><p style="color:red">x</p></body></html>',
				},
			}),
		),
	},
	{
		name: 'unicode subject and body',
		parameters: { subject: 'Grüße 👋 — 注文 #42', bodyContent: '<p>Ça va? ✓ 日本語</p>' },
		expect: one(
			msg({
				subject: 'Grüße 👋 — 注文 #42',
				body: { contentType: 'HTML', content: '<p>Ça va? ✓ 日本語</p>' },
			}),
		),
	},
	{
		name: 'empty subject with a body',
		parameters: { subject: '' },
		expect: one(msg({ subject: '' })),
	},
	{
		name: 'empty body with a subject',
		parameters: { bodyContent: '' },
		expect: one(msg({ body: { contentType: 'HTML', content: '' } })),
	},
	{
		name: 'a number from an expression becomes text',
		parameters: { subject: '={{ 6 * 7 }}', bodyContent: '={{ 1.5 }}', bodyContentType: 'text' },
		expect: one(msg({ subject: '42', body: { contentType: 'Text', content: '1.5' } })),
	},
	{
		name: 'subject and body expressions are evaluated per item',
		items: [
			{ json: { id: 7, name: 'Ada' } },
			{ json: { id: 8, name: 'Bob' } },
			{ json: { id: 9, name: 'Émile' } },
		],
		parameters: {
			subject: '={{ "Order #" + $json.id }}',
			bodyContent: '={{ "<p>Hello " + $json.name + "</p>" }}',
		},
		expect: [7, 8, 9].map((id, i) => ({
			body: {
				message: msg({
					subject: `Order #${id}`,
					body: { contentType: 'HTML', content: `<p>Hello ${['Ada', 'Bob', 'Émile'][i]}</p>` },
				}),
			},
		})),
	},
	// ---- options ----------------------------------------------------------------------------------
	{
		name: 'cc and bcc',
		options: { ccRecipients: 'Carol <carol@example.com>', bccRecipients: 'audit@example.com' },
		expect: one(
			msg({
				ccRecipients: [R('carol@example.com', 'Carol')],
				bccRecipients: [R('audit@example.com')],
			}),
		),
	},
	{
		// To is a required parameter in the UI, so an empty To comes from an expression.
		name: 'bcc only (To empty)',
		parameters: { toRecipients: '={{ "" }}' },
		options: { bccRecipients: 'hidden@example.com' },
		expect: one(msg({ toRecipients: [], bccRecipients: [R('hidden@example.com')] })),
	},
	{
		name: 'reply-to',
		options: { replyTo: 'Support <support@example.com>; help@example.com' },
		expect: one(msg({ replyTo: [R('support@example.com', 'Support'), R('help@example.com')] })),
	},
	{
		name: 'importance high',
		options: { importance: 'high' },
		expect: one(msg({ importance: 'high' })),
	},
	{
		name: 'importance low',
		options: { importance: 'low' },
		expect: one(msg({ importance: 'low' })),
	},
	{
		name: 'read and delivery receipts requested',
		options: { isReadReceiptRequested: true, isDeliveryReceiptRequested: true },
		expect: one(msg({ isReadReceiptRequested: true, isDeliveryReceiptRequested: true })),
	},
	{
		name: 'receipts explicitly off',
		options: { isReadReceiptRequested: false, isDeliveryReceiptRequested: false },
		expect: one(msg({ isReadReceiptRequested: false, isDeliveryReceiptRequested: false })),
	},
	{
		name: 'categories: trimmed, empty entries and repeats dropped',
		options: { categories: ' Invoices, Automated,,Invoices , Grün ' },
		expect: one(msg({ categories: ['Invoices', 'Automated', 'Grün'] })),
	},
	{
		name: 'custom x- headers (five, the maximum)',
		options: {
			headers: {
				header: [
					{ name: 'X-Ticket-Id', value: 'T-42' },
					{ name: 'x-lower-case', value: 'v' },
					{ name: 'X-Unicode-Value', value: 'Grüße ✓' },
					{ name: 'X-Number', value: '={{ 12 }}' },
					{ name: ' X-Trimmed ', value: 'a: b; c' },
				],
			},
		},
		expect: one(
			msg({
				internetMessageHeaders: [
					{ name: 'X-Ticket-Id', value: 'T-42' },
					{ name: 'x-lower-case', value: 'v' },
					{ name: 'X-Unicode-Value', value: 'Grüße ✓' },
					{ name: 'X-Number', value: '12' },
					{ name: 'X-Trimmed', value: 'a: b; c' },
				],
			}),
		),
	},
	{
		name: 'saveToSentItems false is sent as the boolean false',
		options: { saveToSentItems: false },
		expect: one(msg(), { saveToSentItems: false }),
	},
	{
		name: 'saveToSentItems true is left out (Graph default)',
		options: { saveToSentItems: true },
		expect: one(msg()),
	},
	{
		name: 'From Address and From Name (Send As)',
		parameters: { sender: '={{ $json.mailbox }}' },
		items: [{ json: {} }],
		options: { fromAddress: '={{ "billing@" + $json.domain }}', fromName: 'Contoso Billing' },
		expect: [{ body: { message: msg({ from: R('', 'Contoso Billing') }) }, mailbox: () => shared }],
	},
	{
		name: 'From Address with its own display name',
		parameters: { sender: '={{ $json.mailbox }}' },
		items: [{ json: {} }],
		options: { fromAddress: '={{ "Billing Dept <billing@" + $json.domain + ">" }}' },
		expect: [{ body: { message: msg({ from: R('', 'Billing Dept') }) }, mailbox: () => shared }],
	},
	{
		name: 'From Name alone sets the name on the sender mailbox',
		options: { fromName: 'Automated Reports' },
		expect: [{ body: { message: msg({ from: R('', 'Automated Reports') }) } }],
	},
	// ---- attachments ------------------------------------------------------------------------------
	{
		name: 'attachments by property name (two of three)',
		items: [{ binary: THREE_BINARIES }],
		options: { attachments: 'invoice, data' },
		expect: one(
			msg({
				attachments: [
					fileAttachment('invoice.csv', 'text/csv', CSV),
					fileAttachment('notes.txt', 'text/plain', TXT),
				],
			}),
		),
		output: (items) =>
			expect(items[0].json.attachments).toEqual([
				{
					name: 'invoice.csv',
					size: CSV.length,
					contentType: 'text/csv',
					inline: false,
					via: 'request',
				},
				{
					name: 'notes.txt',
					size: TXT.length,
					contentType: 'text/plain',
					inline: false,
					via: 'request',
				},
			]),
	},
	{
		name: 'attachments * takes every binary property',
		items: [{ binary: THREE_BINARIES }],
		options: { attachments: '*' },
		expect: one(
			msg({
				attachments: [
					fileAttachment('notes.txt', 'text/plain', TXT),
					fileAttachment('invoice.csv', 'text/csv', CSV),
					fileAttachment('logo.png', 'image/png', PNG),
				],
			}),
		),
	},
	{
		name: 'an inline image: isInline, contentId = property name, HTML refers to cid:',
		items: [{ binary: { logo: THREE_BINARIES.logo } }],
		parameters: { bodyContent: '<p><img src="cid:logo" alt="Logo"></p>' },
		options: { inlineImages: 'logo' },
		expect: one(
			msg({
				body: { contentType: 'HTML', content: '<p><img src="cid:logo" alt="Logo"></p>' },
				attachments: [fileAttachment('logo.png', 'image/png', PNG, 'logo')],
			}),
		),
		output: (items) =>
			expect(items[0].json.attachments).toEqual([
				{
					name: 'logo.png',
					size: PNG.length,
					contentType: 'image/png',
					inline: true,
					via: 'request',
				},
			]),
	},
	{
		name: 'attachments * with an inline image: the image is attached once, inline',
		items: [{ binary: THREE_BINARIES }],
		parameters: { bodyContent: '<img src="cid:logo">' },
		options: { attachments: '*', inlineImages: 'logo' },
		expect: one(
			msg({
				body: { contentType: 'HTML', content: '<img src="cid:logo">' },
				attachments: [
					fileAttachment('notes.txt', 'text/plain', TXT),
					fileAttachment('invoice.csv', 'text/csv', CSV),
					fileAttachment('logo.png', 'image/png', PNG, 'logo'),
				],
			}),
		),
	},
	{
		name: 'every option at once',
		items: [{ json: { ref: 'A-1' }, binary: THREE_BINARIES }],
		parameters: {
			toRecipients: '"Lovelace, Ada" <ada@example.com>',
			subject: '={{ "Ref " + $json.ref }}',
			bodyContentType: 'html',
			bodyContent: '<p>See attached</p><img src="cid:logo">',
		},
		options: {
			ccRecipients: 'carol@example.com',
			bccRecipients: 'audit@example.com',
			replyTo: 'support@example.com',
			importance: 'high',
			isReadReceiptRequested: true,
			isDeliveryReceiptRequested: false,
			categories: 'Billing',
			headers: { header: [{ name: 'X-Ref', value: '={{ $json.ref }}' }] },
			saveToSentItems: false,
			fromName: 'Billing Robot',
			attachments: 'data',
			inlineImages: 'logo',
		},
		expect: one(
			{
				subject: 'Ref A-1',
				body: { contentType: 'HTML', content: '<p>See attached</p><img src="cid:logo">' },
				toRecipients: [R('ada@example.com', 'Lovelace, Ada')],
				ccRecipients: [R('carol@example.com')],
				bccRecipients: [R('audit@example.com')],
				replyTo: [R('support@example.com')],
				from: R('', 'Billing Robot'),
				importance: 'high',
				isReadReceiptRequested: true,
				isDeliveryReceiptRequested: false,
				categories: ['Billing'],
				internetMessageHeaders: [{ name: 'X-Ref', value: 'A-1' }],
				attachments: [
					fileAttachment('notes.txt', 'text/plain', TXT),
					fileAttachment('logo.png', 'image/png', PNG, 'logo'),
				],
			},
			{ saveToSentItems: false },
		),
	},
];

/** Fills in addresses only known at run time (the tenant's domain). */
function resolveAddresses(body: Json, mailbox: string): Json {
	const message = body.message as Json;
	const from = message.from as { emailAddress: { address: string; name?: string } } | undefined;
	if (!from || from.emailAddress.address !== '') return body;
	const fromAddress = mailbox === shared ? billing : t.sender;
	return { ...body, message: { ...message, from: R(fromAddress, from.emailAddress.name) } };
}

/**
 * The node stamps each JSON sendMail with its Message-ID (PidTagInternetMessageId, String 0x1035).
 */
function stamped(message: Json, id: unknown): Json {
	expect(id).toMatch(/^<[0-9a-z]+\.[\w-]{22}@[^>]+>$/);
	const props = (message.singleValueExtendedProperties as Json[] | undefined) ?? [];
	return {
		...message,
		singleValueExtendedProperties: [...props, { id: 'String 0x1035', value: id }],
	};
}

/** The Message-ID a Dry Run request or a sendMail body carries. */
function stampOf(body: unknown): unknown {
	const props = ((body as Json).message as Json).singleValueExtendedProperties as Json[];
	return props.find((p) => p.id === 'String 0x1035')?.value;
}

function withoutContentBytes(message: Json): Json {
	const copy = JSON.parse(JSON.stringify(message)) as Json;
	for (const a of (copy.attachments as Json[] | undefined) ?? []) delete a.contentBytes;
	return copy;
}

async function run(c: ShapeCase): Promise<RunResult> {
	const items = (c.items ?? [{}]).map((item) => ({
		...item,
		json: { mailbox: shared, domain: t.domain, ...(item.json ?? {}) },
	}));
	return await runSendMail({
		credentials: credentialsOf(t, c.credentials),
		items,
		parameters: { ...BASE_PARAMS, ...(c.parameters ?? {}), options: { ...(c.options ?? {}) } },
	});
}

test(`the shape table has at least 30 cases (${CASES.length})`, () => {
	expect(CASES.length).toBeGreaterThanOrEqual(30);
});

test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
	const result = await run(c);
	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(c.expect.length);
	expect(t.sim.outbox).toHaveLength(c.expect.length);
	expect(t.sim.counters.sendMailCalls).toBe(c.expect.length);
	expect(t.sim.counters.draftsCreated).toBe(0);

	for (const [i, expected] of c.expect.entries()) {
		const out = result.items[i];
		expect(out.pairedItem).toEqual({ item: i });
		expect(out.json.status).toBe('sent');
		const mailbox = expected.mailbox?.() ?? t.sender;
		const resolved = resolveAddresses(expected.body, mailbox);
		const body: Json = {
			...resolved,
			message: stamped(resolved.message as Json, out.json.internetMessageId),
		};

		// What went over the wire: the raw JSON body of this item's sendMail request.
		const wire = tap.requests.filter((r) => r.clientRequestId === out.json.clientRequestId);
		expect(wire).toHaveLength(1);
		expect(wire[0].method).toBe('POST');
		expect(wire[0].path).toBe(`/v1.0/users/${encodeURIComponent(mailbox)}/sendMail`);
		expect(wire[0].json).toStrictEqual(body);
		const recorded = t.sim.requests.find((r) => r.clientRequestId === out.json.clientRequestId)!;
		expect(recorded.bodyBytes).toBe(wire[0].body.length);
		expect(recorded.status).toBe(202);

		// What the simulator accepted and delivered.
		const delivered = t.sim.outbox.find((m) => m.clientRequestId === out.json.clientRequestId)!;
		expect(delivered).toBeDefined();
		expect(delivered.mailbox).toBe(mailbox);
		expect(delivered.via).toBe('sendMail');
		expect(delivered.internetMessageId).toBe(out.json.internetMessageId);
		expect(delivered.message).toStrictEqual(withoutContentBytes(body.message as Json));
		expect(delivered.saveToSentItems).toBe(body.saveToSentItems !== false);
		expect(delivered.internetMessageHeaders).toEqual(
			(body.message as Json).internetMessageHeaders ?? [],
		);
		const sentAttachments = ((body.message as Json).attachments as Json[] | undefined) ?? [];
		expect(
			delivered.attachments.map((a) => ({
				name: a.name,
				contentType: a.contentType,
				isInline: a.isInline,
				contentId: a.contentId,
				via: a.via,
				sha256: a.sha256,
			})),
		).toEqual(
			sentAttachments.map((a) => ({
				name: a.name,
				contentType: a.contentType,
				isInline: a.isInline === true,
				contentId: a.contentId,
				via: 'request',
				sha256: sha256(Buffer.from(a.contentBytes as string, 'base64')),
			})),
		);
		expect(out.json.requestId).toBe(delivered.requestId);
		expect(out.json.subject).toBe((body.message as Json).subject);
	}
	c.output?.(result.items);
});

test('IDN (U-label) and UTF-8 (RFC 6532) addresses are sent unchanged and delivered', async () => {
	// Exchange Online accepts internationalized recipient addresses (EAI); so does the simulator.
	const result = await run({
		name: 'idn',
		parameters: { toRecipients: 'Bücher <info@bücher.de>, jörg@example.de, 测试@例子.中国' },
		expect: [],
	});
	const wire = tap.requests.filter((r) => r.path.endsWith('/sendMail'));
	expect(wire).toHaveLength(1);
	const message = msg({
		toRecipients: [R('info@bücher.de', 'Bücher'), R('jörg@example.de'), R('测试@例子.中国')],
	});
	expect(wire[0].json).toStrictEqual({
		message: stamped(message, result.items[0].json.internetMessageId),
	});
	expect(wire[0].body.toString('utf8')).toContain('"address":"测试@例子.中国"');
	expect(t.sim.counters.sendMailCalls).toBe(1);
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json.status).toBe('sent');
	expect(t.sim.outbox.map((m) => m.message.toRecipients)).toEqual([message.toRecipients]);
});

// ---- per-item sender and Allowed Senders --------------------------------------------------------

test('items with different senders go out from different mailboxes (UPN, other UPN, object ID)', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [
			{ json: { from: t.sender } },
			{ json: { from: t.other } },
			{ json: { from: t.senderId } },
			{ json: { from: '' } },
		],
		parameters: {
			...BASE_PARAMS,
			sender: '={{ $json.from }}',
			subject: '={{ "from " + $json.from }}',
		},
	});
	expect(result.errorMessage).toBeUndefined();
	const expectedMailbox = [t.sender, t.other, t.sender, t.sender];
	const expectedSegment = [t.sender, t.other, t.senderId, t.sender];
	expect(t.sim.outbox).toHaveLength(4);
	for (const [i, out] of result.items.entries()) {
		expect(out.json.status).toBe('sent');
		expect(out.json.sender).toBe(expectedSegment[i]);
		const delivered = t.sim.outbox.find((m) => m.clientRequestId === out.json.clientRequestId)!;
		expect(delivered.mailbox).toBe(expectedMailbox[i]);
		expect(delivered.message.subject).toBe(`from ${[t.sender, t.other, t.senderId, ''][i]}`);
		const wire = tap.requests.find((r) => r.clientRequestId === out.json.clientRequestId)!;
		expect(wire.path).toBe(`/v1.0/users/${encodeURIComponent(expectedSegment[i])}/sendMail`);
	}
});

test('Allowed Senders in the credential refuses a sender outside the list before any request', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t, { allowedSenders: `${t.sender}` }),
		items: [{ json: { from: t.other } }],
		parameters: { ...BASE_PARAMS, sender: '={{ $json.from }}' },
	});
	expect(result.errorMessage).toMatch(/^Item 0 › Sender: /);
	expect(result.errorMessage).toContain(t.other);
	expect(result.errorMessage).toContain('Allowed Senders');
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.counters.tokenRequests).toBe(0);
	expect(t.sim.outbox).toHaveLength(0);
});

test('Allowed Senders: allowed items are sent, the refused one fails alone (Continue On Fail)', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t, { allowedSenders: `${t.sender}\n${t.senderId}` }),
		items: [
			{ json: { from: t.sender } },
			{ json: { from: t.other } },
			{ json: { from: t.senderId } },
		],
		parameters: { ...BASE_PARAMS, sender: '={{ $json.from }}', subject: '={{ $json.from }}' },
		onError: 'continueRegularOutput',
	});
	expect(result.items.map((i) => i.json.status)).toEqual(['sent', 'failed', 'sent']);
	expect(result.items[1].json.error).toMatch(/^Item 1 › Sender: .*Allowed Senders/);
	expect(t.sim.outbox.map((m) => m.message.subject).sort()).toEqual([t.sender, t.senderId].sort());
	expect(
		t.sim.requests.filter((r) => r.kind === 'graph' && r.mailbox?.toLowerCase() === t.other),
	).toHaveLength(0);
});

test('Allowed Senders with a *@domain rule allows every mailbox of that domain', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t, { allowedSenders: `*@${t.domain}` }),
		items: [{ json: { from: t.other } }],
		parameters: { ...BASE_PARAMS, sender: '={{ $json.from }}' },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox.map((m) => m.mailbox)).toEqual([t.other]);
});

// ---- dry run ------------------------------------------------------------------------------------

const DRY_PARAMS = {
	toRecipients: '"Lovelace, Ada" <ada@example.com>; bob@example.com',
	subject: 'Dry',
	bodyContent: '<p>Dry <img src="cid:logo"></p>',
	options: {
		ccRecipients: 'carol@example.com',
		importance: 'low',
		saveToSentItems: false,
		attachments: 'data',
		inlineImages: 'logo',
		headers: { header: [{ name: 'X-Dry', value: '1' }] },
	},
};
const DRY_MESSAGE = {
	subject: 'Dry',
	body: { contentType: 'HTML', content: '<p>Dry <img src="cid:logo"></p>' },
	toRecipients: [R('ada@example.com', 'Lovelace, Ada'), R('bob@example.com')],
	ccRecipients: [R('carol@example.com')],
	importance: 'low',
	internetMessageHeaders: [{ name: 'X-Dry', value: '1' }],
};

test('dry run: status preview, the exact sendMail request, and nothing reaches the simulator', async () => {
	const items = [{ binary: { data: THREE_BINARIES.data, logo: THREE_BINARIES.logo } }];
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { ...DRY_PARAMS, options: { ...DRY_PARAMS.options, dryRun: true } },
	});
	expect(result.errorMessage).toBeUndefined();
	const out = result.items[0].json;
	expect(out.status).toBe('preview');
	const expectedRequest = {
		method: 'POST',
		url: `${t.sim.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}/sendMail`,
		headers: { 'Content-Type': 'application/json' },
		body: {
			message: {
				...stamped(DRY_MESSAGE, stampOf((out.request as Json)?.body)),
				attachments: [
					fileAttachment('notes.txt', 'text/plain', TXT),
					fileAttachment('logo.png', 'image/png', PNG, 'logo'),
				],
			},
			saveToSentItems: false,
		},
	};
	expect(out.request).toStrictEqual(expectedRequest);
	expect(out.requests).toStrictEqual([expectedRequest]);
	expect(JSON.stringify(out)).not.toMatch(/Bearer|Authorization/i);
	// Nothing at all: no token request, no Graph call.
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.counters.tokenRequests).toBe(0);
	expect(t.sim.counters.graphRequests).toBe(0);
	expect(t.sim.outbox).toHaveLength(0);

	// The preview is what a real run sends, byte for byte (as parsed JSON).
	const real = await runSendMail({ credentials: credentialsOf(t), items, parameters: DRY_PARAMS });
	expect(real.items[0].json.status).toBe('sent');
	const wire = tap.requests.find((r) => r.clientRequestId === real.items[0].json.clientRequestId)!;
	// Only the Message-ID differs: every message, previewed or sent, gets a new one.
	const realId = real.items[0].json.internetMessageId;
	expect(realId).not.toBe(stampOf(expectedRequest.body));
	expect(stampOf(wire.json)).toBe(realId);
	const unstamped = (body: unknown) =>
		JSON.stringify(body)
			.split(String(stampOf(body)))
			.join('{id}');
	expect(unstamped(wire.json)).toBe(unstamped(expectedRequest.body));
});

test('dry run of a large message lists every request of the draft + upload session path, and sends nothing', async () => {
	const size = Math.round(3.5 * MiB);
	const path = join(files.dir, 'big.bin');
	await writeRandomFile(path, size);
	const items: TestItem[] = [
		{
			binary: {
				big: { file: path, fileName: 'big.bin', mimeType: 'application/octet-stream' },
				data: THREE_BINARIES.data,
			},
		},
	];
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Big',
			bodyContent: 'x',
			bodyContentType: 'text',
			options: { attachments: 'data, big', saveToSentItems: false, dryRun: true },
		},
	});
	expect(result.errorMessage).toBeUndefined();
	const out = result.items[0].json;
	expect(out.status).toBe('preview');
	expect(out.request).toBeUndefined();
	const base = `${t.sim.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}/messages`;
	const json = { 'Content-Type': 'application/json' };
	const chunk = 12 * 320 * 1024;
	const chunks = [];
	for (let start = 0; start < size; start += chunk) {
		const end = Math.min(start + chunk, size) - 1;
		chunks.push({
			method: 'PUT',
			url: '{uploadUrl from createUploadSession, pre-authenticated: no Authorization header}',
			headers: {
				'Content-Type': 'application/octet-stream',
				'Content-Range': `bytes ${start}-${end}/${size}`,
			},
			body: `<bytes ${start}-${end} of binary property "big">`,
		});
	}
	expect(out.requests).toStrictEqual([
		{
			method: 'POST',
			url: base,
			// Immutable ids, so the draft's id still names the message after it is sent.
			headers: { ...json, Prefer: 'IdType="ImmutableId"' },
			body: {
				subject: 'Big',
				body: { contentType: 'Text', content: 'x' },
				toRecipients: [R('ada@example.com')],
				singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }],
				// Writable while the message is a draft; the node names the Message-ID here.
				internetMessageId:
					(out.requests as Json[])[0] &&
					((out.requests as Json[])[0].body as Json).internetMessageId,
			},
		},
		{
			method: 'POST',
			url: `${base}/{draft-id}/attachments`,
			headers: json,
			body: fileAttachment('notes.txt', 'text/plain', TXT),
		},
		{
			method: 'POST',
			url: `${base}/{draft-id}/attachments/createUploadSession`,
			headers: json,
			body: {
				AttachmentItem: {
					attachmentType: 'file',
					name: 'big.bin',
					size,
					contentType: 'application/octet-stream',
				},
			},
		},
		...chunks,
		{ method: 'POST', url: `${base}/{draft-id}/send`, headers: {} },
	]);
	expect(out.attachments).toEqual([
		{
			name: 'notes.txt',
			size: TXT.length,
			contentType: 'text/plain',
			inline: false,
			via: 'request',
		},
		{
			name: 'big.bin',
			size,
			contentType: 'application/octet-stream',
			inline: false,
			via: 'uploadSession',
		},
	]);
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.counters.tokenRequests).toBe(0);
	expect(t.sim.outbox).toHaveLength(0);
});
