import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { runSendMail, type TestBinary, type TestItem } from '../harness/engine';
import { MiB, scratchDir, writeSparseFile } from '../harness/files';
import { credentialsOf } from '../harness/credentialsOf';
import { useTenant } from '../harness/world';

/**
 * Malformed items are refused before any request, each with an error that names the item and the
 * field, while the valid items of the same execution are delivered.
 */

type Json = Record<string, unknown>;

let files: ReturnType<typeof scratchDir>;
let sparse151: string;

const t = useTenant({
	setup: () => {
		files = scratchDir();
		sparse151 = join(files.dir, 'sparse-151MiB.bin');
		writeSparseFile(sparse151, 151 * MiB);
		t.onCleanup(() => files.remove());
		// n8n's binary store of this file: a copy of every attachment it sent.
		t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));
	},
});

/** Every parameter comes from the item, so one execution can carry every kind of mistake. */
const PARAMETERS = {
	sender: '={{ $json.sender }}',
	toRecipients: '={{ $json.to }}',
	subject: '={{ $json.subject }}',
	bodyContentType: '={{ $json.bodyType }}',
	bodyContent: '={{ $json.body }}',
	options: {
		ccRecipients: '={{ $json.cc }}',
		bccRecipients: '={{ $json.bcc }}',
		replyTo: '={{ $json.replyTo }}',
		importance: '={{ $json.importance }}',
		isReadReceiptRequested: '={{ $json.readReceipt }}',
		isDeliveryReceiptRequested: '={{ $json.deliveryReceipt }}',
		categories: '={{ $json.categories }}',
		// A fixedCollection cannot be one expression in n8n (an expression there is dropped), so the
		// corpus has one header row whose name and value come from the item; the header count is varied
		// in a separate execution.
		headers: {
			header: [{ name: '={{ $json.hName ?? "X-Corpus" }}', value: '={{ $json.hValue ?? "1" }}' }],
		},
		saveToSentItems: '={{ $json.save }}',
		fromAddress: '={{ $json.fromAddress }}',
		fromName: '={{ $json.fromName }}',
		attachments: '={{ $json.attach }}',
		inlineImages: '={{ $json.inline }}',
		dryRun: '={{ $json.dry }}',
	},
};

interface Bad {
	name: string;
	/** Overrides of a valid item's JSON. */
	json?: Json;
	binary?: Record<string, TestBinary>;
	/** The field the error must name (the parameter's display name). */
	field: string;
	/** Something the message must also say. */
	says?: string | RegExp;
}

const addresses = (n: number, prefix = 'r') =>
	Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);
const small = (name = 'a.txt'): TestBinary => ({
	data: Buffer.from('attachment'),
	fileName: name,
	mimeType: 'text/plain',
});

const BAD: Bad[] = [
	// ---- addresses --------------------------------------------------------------------------------
	{ name: 'To: no domain', json: { to: 'bob@' }, field: 'To', says: '"bob@"' },
	{ name: 'To: dot before @', json: { to: 'a.@b.com' }, field: 'To' },
	{ name: 'To: dotless domain', json: { to: 'a@localhost' }, field: 'To', says: 'domain' },
	{
		name: 'To: two addresses without a separator',
		json: { to: 'two@x.com three@y.com' },
		field: 'To',
	},
	{ name: 'To: unclosed angle bracket', json: { to: 'Ann <a@b.com' }, field: 'To' },
	{ name: 'To: double @', json: { to: 'a@@b.com' }, field: 'To' },
	{ name: 'To: a bare word', json: { to: 'plainword' }, field: 'To' },
	{ name: 'To: no local part', json: { to: '@example.com' }, field: 'To' },
	{ name: 'To: empty domain label', json: { to: 'a@b..com' }, field: 'To' },
	{ name: 'To: domain starting with a dot', json: { to: 'a@.example.com' }, field: 'To' },
	{ name: 'To: empty angle brackets', json: { to: 'Name <>' }, field: 'To' },
	{ name: 'To: only separators', json: { to: ' ;, ;' }, field: 'To', says: 'No recipients' },
	{ name: 'To: a number', json: { to: 42 }, field: 'To' },
	{
		name: 'To: list with a number',
		json: { to: ['ok@example.com', 1] },
		field: 'To',
		says: 'Entry 2',
	},
	{ name: 'To: list with null', json: { to: [null] }, field: 'To' },
	{ name: 'To: object without address', json: { to: [{ name: 'no address' }] }, field: 'To' },
	{
		name: 'To: object with a non-text name',
		json: { to: [{ address: 'a@example.com', name: 5 }] },
		field: 'To',
	},
	{
		name: 'To: object name with a line break',
		json: { to: [{ address: 'a@example.com', name: 'Evil\r\nBcc: x@y.com' }] },
		field: 'To',
		says: 'line break',
	},
	{
		name: 'To: Graph-shaped with an empty address',
		json: { to: [{ emailAddress: { address: '' } }] },
		field: 'To',
	},
	{ name: 'To: nested list', json: { to: [['a@example.com']] }, field: 'To' },
	{ name: 'To: empty and no CC/BCC', json: { to: '' }, field: 'To', says: 'No recipients' },
	{ name: 'CC: invalid', json: { cc: 'x@' }, field: 'CC' },
	{ name: 'BCC: invalid', json: { bcc: 'x y@z.com' }, field: 'BCC' },
	{ name: 'Reply To: invalid', json: { replyTo: 'nope' }, field: 'Reply To' },
	{
		name: '501 recipients in To',
		json: { to: addresses(501) },
		field: 'To',
		says: '501 recipients',
	},
	{
		name: '501 recipients across To, CC and BCC',
		json: { to: addresses(200, 't'), cc: addresses(200, 'c'), bcc: addresses(101, 'b') },
		field: 'To',
		says: '501 recipients',
	},
	// ---- headers ----------------------------------------------------------------------------------
	{
		name: 'header name without x-',
		json: { hName: 'In-Reply-To', hValue: '<a@b>' },
		field: 'Custom Headers',
		says: 'x-',
	},
	{
		name: 'header name Received (no x-)',
		json: { hName: 'Received' },
		field: 'Custom Headers',
		says: 'x-',
	},
	{
		name: 'header name with CR/LF',
		json: { hName: 'X-A\r\nBcc', hValue: 'x@y.com' },
		field: 'Custom Headers',
		says: 'line break',
	},
	{
		name: 'header name with LF only',
		json: { hName: 'X-A\nB' },
		field: 'Custom Headers',
		says: 'line break',
	},
	{
		name: 'header value with CR/LF',
		json: { hValue: 'v\r\nBcc: x@y.com' },
		field: 'Custom Headers',
		says: 'line break',
	},
	{
		name: 'header value with CR only',
		json: { hValue: 'v\rw' },
		field: 'Custom Headers',
		says: 'line break',
	},
	{ name: 'header without a name', json: { hName: '' }, field: 'Custom Headers', says: 'no name' },
	{ name: 'header name with a space', json: { hName: 'X-My Header' }, field: 'Custom Headers' },
	{ name: 'header name with a colon', json: { hName: 'X-A:b' }, field: 'Custom Headers' },
	{ name: 'header name with non-ASCII', json: { hName: 'X-Grüße' }, field: 'Custom Headers' },
	{
		name: 'header name from an object expression',
		json: { hName: { a: 1 } },
		field: 'Custom Headers',
	},
	{
		name: 'header with an empty value',
		json: { hValue: '' },
		field: 'Custom Headers',
		says: 'empty value',
	},
	{
		name: 'header value that is an object',
		json: { hValue: { a: 1 } },
		field: 'Custom Headers',
		says: 'text value',
	},
	// ---- subject and body -------------------------------------------------------------------------
	{
		name: 'subject with CR/LF',
		json: { subject: 'Hello\r\nBcc: x@y.com' },
		field: 'Subject',
		says: 'line break',
	},
	{ name: 'subject with LF', json: { subject: 'Hello\nthere' }, field: 'Subject' },
	{ name: 'subject with NUL', json: { subject: 'Hello\u0000' }, field: 'Subject' },
	{
		name: 'subject of 990 characters',
		json: { subject: 's'.repeat(990) },
		field: 'Subject',
		says: '990 characters',
	},
	{
		name: 'unicode subject of 990 characters',
		json: { subject: '€'.repeat(990) },
		field: 'Subject',
		says: '989',
	},
	{ name: 'very long subject (5000)', json: { subject: '日本'.repeat(2500) }, field: 'Subject' },
	{
		name: 'subject from an object expression',
		json: { subject: { a: 1 } },
		field: 'Subject',
		says: 'object',
	},
	{
		name: 'subject from a list expression',
		json: { subject: ['a', 'b'] },
		field: 'Subject',
		says: 'list',
	},
	{
		name: 'subject and body both empty',
		json: { subject: '', body: '' },
		field: 'Body',
		says: 'Both Subject and Body are empty',
	},
	{
		name: 'subject and body both whitespace',
		json: { subject: '  ', body: '\n\t ' },
		field: 'Body',
	},
	{ name: 'body from an object expression', json: { body: { html: '<p>x</p>' } }, field: 'Body' },
	{ name: 'body from a list expression', json: { body: ['<p>x</p>'] }, field: 'Body' },
	{
		name: 'body content type markdown',
		json: { bodyType: 'markdown' },
		field: 'Body Content Type',
		says: 'markdown',
	},
	{ name: 'body content type a number', json: { bodyType: 1 }, field: 'Body Content Type' },
	{
		name: 'body content type HTML in capitals',
		json: { bodyType: 'HTML' },
		field: 'Body Content Type',
	},
	// ---- options ----------------------------------------------------------------------------------
	{
		name: 'importance urgent',
		json: { importance: 'urgent' },
		field: 'Importance',
		says: 'urgent',
	},
	{ name: 'importance a number', json: { importance: 2 }, field: 'Importance' },
	{ name: 'read receipt "yes"', json: { readReceipt: 'yes' }, field: 'Request Read Receipt' },
	{
		name: 'delivery receipt object',
		json: { deliveryReceipt: { a: 1 } },
		field: 'Request Delivery Receipt',
	},
	{ name: 'save to sent items "maybe"', json: { save: 'maybe' }, field: 'Save to Sent Items' },
	{ name: 'categories object', json: { categories: { a: 1 } }, field: 'Categories' },
	{ name: 'categories list with a number', json: { categories: ['A', 1] }, field: 'Categories' },
	{ name: 'category with a line break', json: { categories: 'A\nB, C' }, field: 'Categories' },
	{ name: 'dry run "sometimes"', json: { dry: 'sometimes' }, field: 'Dry Run' },
	// ---- sender and from --------------------------------------------------------------------------
	{ name: 'sender a/b@c', json: { sender: 'a/b@c' }, field: 'Sender', says: 'not a valid mailbox' },
	{ name: 'sender ../x', json: { sender: '../x' }, field: 'Sender' },
	{ name: 'sender %2e', json: { sender: '%2e' }, field: 'Sender' },
	{ name: 'sender %2e%2e@contoso.com', json: { sender: '%2e%2e@contoso.com' }, field: 'Sender' },
	{ name: 'sender with an encoded slash', json: { sender: 'a%2fb@contoso.com' }, field: 'Sender' },
	{ name: 'sender with a query', json: { sender: 'a?b=c@contoso.com' }, field: 'Sender' },
	{ name: 'sender with a fragment', json: { sender: 'a#b@contoso.com/x' }, field: 'Sender' },
	{ name: 'sender with a backslash', json: { sender: 'a\\b@contoso.com' }, field: 'Sender' },
	{ name: 'sender starting with a dot', json: { sender: '.a@contoso.com' }, field: 'Sender' },
	{ name: 'sender with two dots', json: { sender: 'a..b@contoso.com' }, field: 'Sender' },
	{ name: 'sender not a GUID', json: { sender: '1234-not-a-guid' }, field: 'Sender' },
	{
		name: 'sender as display-name form',
		json: { sender: 'Ann <ann@contoso.com>' },
		field: 'Sender',
	},
	{ name: 'sender from an object expression', json: { sender: { a: 1 } }, field: 'Sender' },
	{ name: 'from address invalid', json: { fromAddress: 'nope' }, field: 'From Address' },
	{
		name: 'from address two addresses',
		json: { fromAddress: 'a@example.com, b@example.com' },
		field: 'From Address',
		says: 'exactly one',
	},
	{
		name: 'from name with a line break',
		json: { fromName: 'Billing\r\nBcc: x@y.com' },
		field: 'From Name',
		says: 'line break',
	},
	{
		name: 'from name alone with an object-ID sender',
		json: { sender: '__SENDER_ID__', fromName: 'Billing' },
		field: 'From Name',
		says: 'From Address',
	},
	// ---- attachments ------------------------------------------------------------------------------
	{
		name: 'attachment property that does not exist',
		json: { attach: 'nosuch' },
		binary: { data: small() },
		field: 'Attachments',
		says: 'This item has: data',
	},
	{
		name: 'attachment on an item without binary data',
		json: { attach: 'data' },
		field: 'Attachments',
		says: 'no binary data',
	},
	{
		name: 'empty (0-byte) attachment',
		json: { attach: 'data' },
		binary: { data: { data: Buffer.alloc(0), fileName: 'empty.txt', mimeType: 'text/plain' } },
		field: 'Attachments',
		says: 'empty',
	},
	{
		name: 'attachment over 150 MB (151 MiB sparse file)',
		json: { attach: 'big' },
		binary: {
			big: { file: '__SPARSE__', fileName: 'huge.iso', mimeType: 'application/octet-stream' },
		},
		field: 'Attachments',
		says: '150 MB',
	},
	{
		name: 'attachments given as an object',
		json: { attach: { a: 1 } },
		binary: { data: small() },
		field: 'Attachments',
	},
	{
		name: 'attachment file name with CR/LF',
		json: { attach: 'data' },
		binary: { data: small('a\r\nContent-Type: text/html') },
		field: 'Attachments',
		says: 'control characters',
	},
	{
		name: 'inline image that does not exist',
		json: { inline: 'logo' },
		binary: { data: small() },
		field: 'Inline Images',
		says: 'logo',
	},
	{
		name: '251 attachments',
		json: { attach: '*' },
		binary: Object.fromEntries(
			Array.from({ length: 251 }, (_, i) => [`f${i}`, small(`f${i}.txt`)]),
		),
		field: 'Attachments',
		says: '251 attachments',
	},
];

/** A valid item: its subject is the only thing that tells it apart in the outbox. */
function valid(n: number, extra: Json = {}): TestItem {
	return {
		json: {
			to: 'ok@example.com',
			subject: `VALID-${n}`,
			bodyType: 'html',
			body: '<p>fine</p>',
			...extra,
		},
	};
}

function badItem(bad: Bad, index: number): TestItem {
	const json: Json = {
		to: 'ok@example.com',
		subject: `BAD-${index}`,
		bodyType: 'html',
		body: '<p>bad</p>',
		...(bad.json ?? {}),
	};
	if (json.sender === '__SENDER_ID__') json.sender = t.senderId;
	const binary = bad.binary
		? Object.fromEntries(
				Object.entries(bad.binary).map(([k, b]) => [
					k,
					b.file === '__SPARSE__' ? { ...b, file: sparse151 } : b,
				]),
			)
		: undefined;
	return { json, binary };
}

test('one execution, Continue On Fail: every malformed item fails alone, named by item and field; valid items are delivered', async () => {
	// Valid items are spread through the input, including two boundary cases that must pass.
	const items: TestItem[] = [];
	const expectations: ({ kind: 'bad'; bad: Bad } | { kind: 'valid'; subject: string })[] = [];
	let validCount = 0;
	const addValid = (item: TestItem) => {
		items.push(item);
		expectations.push({ kind: 'valid', subject: item.json!.subject as string });
		validCount++;
	};
	for (const [i, bad] of BAD.entries()) {
		if (i % 8 === 0) addValid(valid(validCount));
		items.push(badItem(bad, items.length));
		expectations.push({ kind: 'bad', bad });
	}
	addValid(
		valid(validCount, {
			to: addresses(300, 't'),
			cc: addresses(100, 'c'),
			bcc: addresses(100, 'b'),
		}),
	); // exactly 500
	// Exactly 989 characters.
	addValid(valid(validCount, { subject: `VALID-${validCount}-`.padEnd(989, 'x') }));
	addValid(
		valid(validCount, {
			hName: 'x-lower',
			hValue: 42,
			importance: 'high',
			readReceipt: 'true',
			save: false,
		}),
	);

	const result = await runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: PARAMETERS,
		onError: 'continueRegularOutput',
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(items.length);

	const validSubjects: string[] = [];
	const problems: string[] = [];
	for (const [index, expected] of expectations.entries()) {
		const out = result.items[index];
		expect(out.pairedItem).toEqual({ item: index });
		if (expected.kind === 'valid') {
			validSubjects.push(expected.subject);
			if (out.json.status !== 'sent')
				problems.push(`item ${index} (valid) was not sent: ${String(out.json.error)}`);
			continue;
		}
		const { bad } = expected;
		const message = String(out.json.error ?? '');
		const check = (ok: boolean, what: string) => {
			if (!ok)
				problems.push(
					`item ${index} (${bad.name}): ${what}; got ${JSON.stringify(out.json).slice(0, 400)}`,
				);
		};
		check(out.json.status === 'failed', 'status is not "failed"');
		check(
			message.startsWith(`Item ${index} › ${bad.field}: `),
			`message does not start with "Item ${index} › ${bad.field}: "`,
		);
		check(out.json.field === bad.field, `field is not "${bad.field}"`);
		check(out.json.itemIndex === index, 'itemIndex is wrong');
		if (bad.says !== undefined) {
			check(
				typeof bad.says === 'string' ? message.includes(bad.says) : bad.says.test(message),
				`message does not say ${String(bad.says)}`,
			);
		}
	}
	expect(problems).toEqual([]);

	// Only the valid items reached Graph: one sendMail each, nothing else.
	expect(t.sim.outbox.map((m) => m.message.subject).sort()).toEqual([...validSubjects].sort());
	expect(t.sim.counters.sendMailCalls).toBe(validCount);
	expect(t.sim.counters.graphRequests).toBe(validCount);
	expect(t.sim.counters.draftsCreated).toBe(0);
	const sentIds = new Set(
		result.items.filter((i) => i.json.status === 'sent').map((i) => i.json.clientRequestId),
	);
	expect(
		t.sim.requests.filter((r) => r.kind === 'graph').every((r) => sentIds.has(r.clientRequestId)),
	).toBe(true);
	expect(t.sim.counters.tokenRequests).toBe(1);
	const fiveHundred = t.sim.outbox.find((m) => m.message.subject === `VALID-${validCount - 3}`)!;
	expect(
		fiveHundred.message.toRecipients.length +
			fiveHundred.message.ccRecipients.length +
			fiveHundred.message.bccRecipients.length,
	).toBe(500);
});

const FIVE = [
	valid(0),
	valid(1),
	badItem({ name: 'bad', json: { to: 'bob@' }, field: 'To' }, 2),
	valid(3),
	valid(4),
];

test('without Continue On Fail, one malformed item among valid ones fails the node before any request', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: FIVE,
		parameters: PARAMETERS,
	});
	expect(result.status).toBe('error');
	expect(result.errorMessage).toMatch(/^Item 2 › To: "bob@" is not a valid e-mail address/);
	expect(result.items).toHaveLength(0);
	expect(t.sim.outbox).toHaveLength(0);
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.counters.tokenRequests).toBe(0);
	expect(t.sim.counters.graphRequests).toBe(0);
});

test('a malformed item in the last position also stops the node before any request', async () => {
	const items = [
		valid(0),
		valid(1),
		badItem({ name: 'bad', json: { hName: 'Received' }, field: 'Custom Headers' }, 2),
	];
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: PARAMETERS,
	});
	expect(result.errorMessage).toMatch(/^Item 2 › Custom Headers: Header "Received" is refused/);
	expect(t.sim.requests).toHaveLength(0);
});

test('with the error output (continueErrorOutput), malformed items go to the error branch and valid items to the success branch', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: FIVE,
		parameters: PARAMETERS,
		onError: 'continueErrorOutput',
	});
	const outputs = result.run.data.resultData.runData['Send Mail'][0].data!
		.main as INodeExecutionData[][];
	expect(outputs[0].map((i) => i.json.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
	expect(outputs[0].map((i) => i.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 3 },
		{ item: 4 },
	]);
	expect(outputs[1]).toHaveLength(1);
	expect(String(outputs[1][0].json.error)).toMatch(/^Item 2 › To: /);
	expect(outputs[1][0].pairedItem).toEqual({ item: 2 });
	expect(t.sim.outbox.map((m) => m.message.subject).sort()).toEqual([
		'VALID-0',
		'VALID-1',
		'VALID-3',
		'VALID-4',
	]);
});

test('a sender the credential does not allow is refused per item, the rest is sent', async () => {
	const items = [
		valid(0),
		valid(1, { sender: t.other }),
		valid(2, { sender: `someone-${randomUUID().slice(0, 4)}@${t.domain}` }),
	];
	const result = await runSendMail({
		credentials: credentialsOf(t, { allowedSenders: `${t.sender}, ${t.other}` }),
		items,
		parameters: PARAMETERS,
		onError: 'continueRegularOutput',
	});
	expect(result.items.map((i) => i.json.status)).toEqual(['sent', 'sent', 'failed']);
	expect(String(result.items[2].json.error)).toMatch(/^Item 2 › Sender: .*Allowed Senders/);
	expect(t.sim.outbox.map((m) => `${m.mailbox} ${m.message.subject}`).sort()).toEqual(
		[`${t.sender} VALID-0`, `${t.other} VALID-1`].sort(),
	);
});

test('six custom headers are refused per item before any request; five are sent', async () => {
	const rows = (n: number) =>
		Array.from({ length: n }, (_, i) => ({ name: `={{ $json.prefix + "${i + 1}" }}`, value: 'v' }));
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [valid(0, { prefix: 'X-H' }), valid(1, { prefix: 'X-H' })],
		parameters: {
			...PARAMETERS,
			subject: '={{ $json.subject }}',
			options: { ...PARAMETERS.options, headers: { header: rows(6) } },
		},
		onError: 'continueRegularOutput',
	});
	expect(result.items.map((i) => i.json.status)).toEqual(['failed', 'failed']);
	expect(String(result.items[0].json.error)).toMatch(
		/^Item 0 › Custom Headers: 6 custom headers given; .* at most 5/,
	);
	expect(String(result.items[1].json.error)).toMatch(/^Item 1 › Custom Headers: /);
	expect(t.sim.requests).toHaveLength(0);

	t.sim.reset();
	const five = await runSendMail({
		credentials: credentialsOf(t),
		items: [valid(0, { prefix: 'X-H' })],
		parameters: { ...PARAMETERS, options: { ...PARAMETERS.options, headers: { header: rows(5) } } },
	});
	expect(five.items[0].json.status).toBe('sent');
	expect(t.sim.outbox[0].internetMessageHeaders.map((h) => h.name)).toEqual([
		'X-H1',
		'X-H2',
		'X-H3',
		'X-H4',
		'X-H5',
	]);
});
