import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import emailAddresses from 'email-addresses';

import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type TestBinary, type TestItem } from '../harness/engine';
import { startTenant, type TestTenant } from '../harness/fixtures';

/**
 * Input an adversary controls (a public Form or Webhook trigger feeding the node) is bounded before
 * any parser runs, every string bound for a MIME header is free of line breaks and controls, and
 * the From address checked against Allowed Senders is the one sent. All through n8n's engine and
 * the simulator.
 */

type Json = Record<string, unknown>;

let t: TestTenant;
/**
 * A mailbox with Send As rights on kate@ and billing@, so a From that passes our check is
 * delivered.
 */
let boss: string;
beforeAll(async () => {
	t = await startTenant();
	boss = `boss@${t.domain}`;
	t.sim.addUser({
		tenantId: t.tenantId,
		id: randomUUID(),
		userPrincipalName: boss,
		sendAs: [`kate@${t.domain}`, `billing@${t.domain}`],
	});
});
afterAll(async () => {
	rmSync(n8nFolder, { recursive: true, force: true });
	await t.sim.close();
});
beforeEach(() => {
	t.sim.reset();
	clearTokenCache();
});

const PARAMETERS = {
	toRecipients: '={{ $json.to }}',
	subject: '={{ $json.subject }}',
	bodyContentType: 'text',
	bodyContent: 'hello',
	options: {
		ccRecipients: '={{ $json.cc }}',
		bccRecipients: '={{ $json.bcc }}',
		replyTo: '={{ $json.replyTo }}',
		categories: '={{ $json.categories }}',
		headers: {
			header: [{ name: '={{ $json.hName ?? "X-Test" }}', value: '={{ $json.hValue ?? "1" }}' }],
		},
		fromAddress: '={{ $json.fromAddress }}',
		fromName: '={{ $json.fromName }}',
		attachments: '={{ $json.attach }}',
		inlineImages: '={{ $json.inline }}',
	},
};

const MB = 1024 * 1024;
const valid = (n: number, extra: Json = {}): TestItem => ({
	json: { to: 'ok@example.com', subject: `VALID-${n}`, ...extra },
});
const bad = (n: number, json: Json, binary?: Record<string, TestBinary>): TestItem => ({
	json: { to: 'ok@example.com', subject: `BAD-${n}`, ...json },
	binary,
});

/**
 * Runs the items, Continue On Fail, and returns the CPU time this process spent, how much the V8
 * heap grew, and every input the full RFC 5322 parser was handed. CPU time, not wall time: a
 * process waiting for one of 2 busy cores is not charged for the wait, so a blocked event loop
 * still shows and a loaded machine does not.
 */
async function timedRun(items: TestItem[], credentials = credentialsOf(t)) {
	const heapBefore = getHeapStatistics().total_heap_size;
	const parser = jest.spyOn(emailAddresses, 'parseOneAddress');
	const cpuBefore = process.cpuUsage();
	try {
		const result = await runSendMail({
			credentials,
			items,
			parameters: PARAMETERS,
			onError: 'continueRegularOutput',
		});
		const cpu = process.cpuUsage(cpuBefore);
		const ms = (cpu.user + cpu.system) / 1000;
		const heapGrowthMB = (getHeapStatistics().total_heap_size - heapBefore) / MB;
		const fullParsed = parser.mock.calls.map(([o]) => (typeof o === 'string' ? o : o.input));
		return { result, ms, heapGrowthMB, fullParsed };
	} finally {
		parser.mockRestore();
	}
}

function expectFailed(
	out: { json: Json } | undefined,
	index: number,
	field: string,
	says?: RegExp | string,
) {
	expect(out?.json.status).toBe('failed');
	const message = String(out?.json.error);
	expect(message.startsWith(`Item ${index} › ${field}: `)).toBe(true);
	// An error quotes at most a short excerpt of the input, never the input itself.
	expect(message.length).toBeLessThan(500);
	if (says) expect(message).toMatch(says);
}

const deep = 100_000;
const HOSTILE: { name: string; json: Json; field: string; says?: RegExp | string }[] = [
	{
		name: '5 MB To string',
		json: { to: 'a'.repeat(5 * MB) },
		field: 'To',
		says: /characters long/,
	},
	{
		name: '5 MB To of real-looking addresses',
		json: { to: Array.from({ length: 250_000 }, (_, i) => `u${i}@x.io`).join(',') },
		field: 'To',
	},
	{
		name: '100,000-deep comment in To',
		json: { to: `${'('.repeat(deep)}a@example.com${')'.repeat(deep)}` },
		field: 'To',
	},
	{
		name: '10,000-deep comment in To (under the length cap)',
		json: { to: `${'('.repeat(10_000)}a@example.com${')'.repeat(10_000)}` },
		field: 'To',
		says: /nested/,
	},
	{ name: '100,000 open comments in CC', json: { cc: '('.repeat(deep) }, field: 'CC' },
	{
		name: '60,000 open comments in CC',
		json: { cc: '('.repeat(60_000) },
		field: 'CC',
		says: /nested/,
	},
	{
		name: 'To list of 200,000 addresses',
		json: { to: Array.from({ length: 200_000 }, (_, i) => `u${i}@x.io`) },
		field: 'To',
		says: /200000 entries/,
	},
	{
		name: 'To object with a 5 MB name',
		json: { to: [{ address: 'a@example.com', name: 'n'.repeat(5 * MB) }] },
		field: 'To',
	},
	{ name: '5 MB BCC', json: { bcc: `${'x'.repeat(5 * MB)}@example.com` }, field: 'BCC' },
	{ name: '5 MB Reply To', json: { replyTo: '"'.repeat(5 * MB) }, field: 'Reply To' },
	{ name: '5 MB From Address', json: { fromAddress: 'f'.repeat(5 * MB) }, field: 'From Address' },
	{ name: '5 MB From Name', json: { fromName: 'N'.repeat(5 * MB) }, field: 'From Name' },
	{
		name: 'one 2,000-character entry in To',
		json: { to: `${'a.'.repeat(1000)}@example.com` },
		field: 'To',
		says: /too long/,
	},
	{
		name: 'many valid entries in an unusual form (long comments)',
		json: {
			to: Array.from({ length: 400 }, (_, i) => `(${'c'.repeat(200)}) u${i}@example.com`).join(','),
		},
		field: 'To',
		says: /unusual forms/,
	},
	{ name: '5 MB categories', json: { categories: 'c,'.repeat(2.5 * MB) }, field: 'Categories' },
	{
		name: '100,000 categories in a list',
		json: { categories: Array.from({ length: deep }, (_, i) => `c${i}`) },
		field: 'Categories',
	},
	{ name: '5 MB header value', json: { hValue: 'v'.repeat(5 * MB) }, field: 'Custom Headers' },
	{ name: '5 MB attachment list', json: { attach: 'a,'.repeat(2.5 * MB) }, field: 'Attachments' },
	{ name: '5 MB subject', json: { subject: 's'.repeat(5 * MB) }, field: 'Subject' },
];

test('hostile sizes and nesting fail their item fast with bounded memory; the other items are delivered', async () => {
	const items: TestItem[] = [valid(0)];
	for (const [i, h] of HOSTILE.entries()) items.push(bad(i + 1, h.json), valid(i + 1));
	const { result, ms, heapGrowthMB } = await timedRun(items);
	if (process.env.HOSTILE_FIGURES)
		console.log(
			`hostile batch: ${items.length} items in ${ms.toFixed(0)} ms CPU, heap +${heapGrowthMB.toFixed(1)} MB`,
		);

	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(items.length);
	for (const [i, h] of HOSTILE.entries())
		expectFailed(result.items[2 * i + 1], 2 * i + 1, h.field, h.says);
	const sent = t.sim.outbox.map((m) => m.message.subject).sort();
	expect(sent).toEqual(Array.from({ length: HOSTILE.length + 1 }, (_, i) => `VALID-${i}`).sort());
	expect(t.sim.outbox.some((m) => String(m.message.subject).startsWith('BAD-'))).toBe(false);
	// Before the caps, one 200 KB To blocked the event loop for ~20 s and 5 MB ran the heap out
	// (several GB).
	expect(ms).toBeLessThan(15_000);
	expect(heapGrowthMB).toBeLessThan(400);
});

test.each([
	['a 5 MB To value', { to: 'a'.repeat(5 * MB) }, 'To'],
	['a 100,000-deep comment', { to: `${'('.repeat(deep)}a@example.com${')'.repeat(deep)}` }, 'To'],
])('%s fails its item in well under a second (no request)', async (_name, json, field) => {
	await timedRun([valid(0)]); // warm: sign-in and code paths, so the timing below is the item's own
	t.sim.reset();
	const { result, ms, heapGrowthMB, fullParsed } = await timedRun([bad(0, json)]);
	if (process.env.HOSTILE_FIGURES)
		console.log(`${_name}: ${ms.toFixed(1)} ms CPU, heap +${heapGrowthMB.toFixed(1)} MB`);
	expectFailed(result.items[0], 0, field);
	expect(t.sim.requests).toHaveLength(0);
	// Refused by its size before any parser ran: no work grows with the input.
	expect(fullParsed).toEqual([]);
	expect(String(result.items[0].json.error)).toMatch(/too long|more than|limit/i);
	expect(ms).toBeLessThan(1000);
	expect(heapGrowthMB).toBeLessThan(200);
});

const png = (): TestBinary => ({
	data: Buffer.from('png'),
	fileName: 'logo.png',
	mimeType: 'image/png',
});

const UNCLEAN: { name: string; json: Json; field: string; binary?: Record<string, TestBinary> }[] =
	[
		{
			name: 'To display name with U+2028',
			json: { to: 'Eve\u2028Bcc: x@y.com <e@example.com>' },
			field: 'To',
		},
		{
			name: 'To display name with NEL U+0085',
			json: { to: '"Eve\u0085" <e@example.com>' },
			field: 'To',
		},
		{
			name: 'To object name with U+2029',
			json: { to: [{ address: 'e@example.com', name: 'E\u2029x' }] },
			field: 'To',
		},
		{ name: 'CC name with a bell (C0)', json: { cc: 'Bell\u0007 <b@example.com>' }, field: 'CC' },
		{
			name: 'Reply To with a C1 control',
			json: { replyTo: 'R\u009b <r@example.com>' },
			field: 'Reply To',
		},
		{
			name: 'From Name with U+2028',
			json: { fromName: 'Billing\u2028X-Evil: 1' },
			field: 'From Name',
		},
		{ name: 'From Name with NUL', json: { fromName: 'Billing\u0000' }, field: 'From Name' },
		{ name: 'subject with U+2029', json: { subject: 'Hi\u2029Bcc: x@y.com' }, field: 'Subject' },
		{ name: 'category with U+0085', json: { categories: 'Red\u0085X' }, field: 'Categories' },
		{ name: 'category with a CR inside', json: { categories: ['Bl\rue'] }, field: 'Categories' },
		{
			name: 'header value with U+2028',
			json: { hValue: 'v\u2028Bcc: x@y.com' },
			field: 'Custom Headers',
		},
		{ name: 'header value with DEL', json: { hValue: 'v\u007f' }, field: 'Custom Headers' },
		{ name: 'header name with U+0085', json: { hName: 'X-A\u0085B' }, field: 'Custom Headers' },
		{
			name: 'attachment content type with CRLF',
			json: { attach: 'data' },
			binary: {
				data: { data: Buffer.from('x'), fileName: 'a.txt', mimeType: 'text/plain\r\nX-Evil: 1' },
			},
			field: 'Attachments',
		},
		{
			name: 'attachment content type that is not type/subtype',
			json: { attach: 'data' },
			binary: { data: { data: Buffer.from('x'), fileName: 'a.txt', mimeType: 'text plain' } },
			field: 'Attachments',
		},
		{
			name: 'attachment file name with U+2028',
			json: { attach: 'data' },
			binary: {
				data: { data: Buffer.from('x'), fileName: 'a\u2028b.txt', mimeType: 'text/plain' },
			},
			field: 'Attachments',
		},
		{
			name: 'attachment file name of 5,000 characters',
			json: { attach: 'data' },
			binary: {
				data: {
					data: Buffer.from('x'),
					fileName: `${'n'.repeat(5000)}.txt`,
					mimeType: 'text/plain',
				},
			},
			field: 'Attachments',
		},
		{
			name: 'inline image content type with U+0085',
			json: { inline: 'logo' },
			binary: { logo: { ...png(), mimeType: 'image/png\u0085x' } },
			field: 'Inline Images',
		},
		{
			name: 'inline image whose content ID (property name) has a line break',
			json: { inline: 'lo\ngo' },
			binary: { 'lo\ngo': png() },
			field: 'Inline Images',
		},
		{
			name: 'inline image whose content ID has an angle bracket',
			json: { inline: 'lo>go' },
			binary: { 'lo>go': png() },
			field: 'Inline Images',
		},
	];

test('every header-bound string with a line break or control character fails its item naming the field; nothing is sent for it', async () => {
	const items: TestItem[] = [];
	for (const [i, u] of UNCLEAN.entries()) items.push(bad(i, u.json, u.binary), valid(i));
	const { result } = await timedRun(items);
	expect(result.items).toHaveLength(items.length);
	const problems: string[] = [];
	for (const [i, u] of UNCLEAN.entries()) {
		const out = result.items[2 * i];
		const message = String(out.json.error);
		if (
			out.json.status !== 'failed' ||
			!message.startsWith(`Item ${2 * i} › ${u.field}: `) ||
			message.length > 500
		)
			problems.push(`${u.name}: ${message.slice(0, 200)}`);
		// The raw control character never reaches the message either.
		if (/[\r\n\u0085\u2028\u2029\u0000\u0007\u009b\u007f]/.test(message))
			problems.push(`${u.name}: raw control in message`);
	}
	expect(problems).toEqual([]);
	expect(t.sim.outbox.map((m) => m.message.subject).sort()).toEqual(
		UNCLEAN.map((_, i) => `VALID-${i}`).sort(),
	);
});

test('From Address: normalised once, then checked, and the checked string is the one sent', async () => {
	const kate = `kate@${t.domain}`;
	const credentials = credentialsOf(t, { senderMailbox: boss, allowedSenders: `${boss}, ${kate}` });
	const items = [
		// Kelvin sign K (U+212A) lower-cases to "k": checked raw, it would pass the rule for kate@ and
		// go out as U+212A. NFC maps it to the letter K, and that ASCII string is what is checked and
		// sent.
		valid(0, { fromAddress: `\u212Aate@${t.domain}` }),
		// A quoted local part: checked as …@domain, it must not go out unquoted as
		// ceo@attacker.com@domain.
		valid(1, { fromAddress: `"ceo@attacker.com"@${t.domain}` }),
		// Fullwidth ｋ (U+FF4B) has no canonical mapping: it stays, and is no ASCII "k" for the rule.
		valid(2, { fromAddress: `\uff4bate@${t.domain}` }),
		valid(3, { fromAddress: `Kate <KATE@${t.domain.toUpperCase()}>` }),
		valid(4, { fromAddress: `"Kate Q" <${kate}>`, fromName: 'Kate Quinn' }),
	];
	const { result } = await timedRun(items, credentials);
	expect(result.items.map((i) => i.json.status)).toEqual([
		'sent',
		'failed',
		'failed',
		'sent',
		'sent',
	]);
	expectFailed(result.items[1], 1, 'From Address', /before the @/);
	expectFailed(result.items[2], 2, 'From Address', /Allowed Senders/);
	const froms = Object.fromEntries(
		t.sim.outbox.map((m) => [m.message.subject, m.message.from?.emailAddress]),
	);
	expect(froms['VALID-0']).toEqual({ address: `Kate@${t.domain}` });
	expect(froms['VALID-3']).toEqual({ address: `KATE@${t.domain.toUpperCase()}`, name: 'Kate' });
	expect(froms['VALID-4']).toEqual({ address: kate, name: 'Kate Quinn' });
});

test('with a domain rule, a From whose local part hides another domain is refused', async () => {
	const credentials = credentialsOf(t, { senderMailbox: boss, allowedSenders: `*@${t.domain}` });
	const items = [
		valid(0, { fromAddress: `"boss@elsewhere.com"@${t.domain}` }),
		valid(1, { fromAddress: `billing@${t.domain}` }),
	];
	const { result } = await timedRun(items, credentials);
	expect(result.items.map((i) => i.json.status)).toEqual(['failed', 'sent']);
	// Refused by our check before any request, not by Exchange afterwards.
	expectFailed(result.items[0], 0, 'From Address', /before the @/);
	expect(t.sim.counters.graphRequests).toBe(1);
	expect(t.sim.outbox.map((m) => m.message.from?.emailAddress?.address)).toEqual([
		`billing@${t.domain}`,
	]);
});
