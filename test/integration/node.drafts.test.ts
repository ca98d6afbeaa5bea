import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';

import type { INodeParameters } from 'n8n-workflow';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type RunSendMailOptions, type TestItem } from '../harness/engine';
import { MiB, sha256 } from '../harness/files';
import { useTenant } from '../harness/world';
import { refuseRecipientsOnce } from '../harness/faults';
import { draftsOf } from '../simulator';

/**
 * Create Draft: the message lands complete in the sender's Drafts folder, and nothing is delivered.
 */

const t = useTenant();
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));

const PARAMS = {
	operation: 'createDraft',
	toRecipients: 'ada@example.com',
	subject: 'Quarterly report',
	bodyContent: '<p>Draft for review</p>',
};
const run = (
	items: TestItem[],
	options: INodeParameters = {},
	extra: Partial<RunSendMailOptions> = {},
) =>
	runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { ...PARAMS, options },
		...extra,
	});

const drafts = () => draftsOf(t.sim.state, t.sender);

test('a small draft with an attachment and an inline image: created, complete, not sent', async () => {
	const pdf = Buffer.from('%PDF-1.4 small report');
	const png = Buffer.from('89504e470d0a1a0a', 'hex');
	const items: TestItem[] = [
		{
			binary: {
				report: { data: pdf, fileName: 'report.pdf', mimeType: 'application/pdf' },
				logo: { data: png, fileName: 'logo.png', mimeType: 'image/png' },
			},
		},
	];
	const result = await run(items, { attachments: 'report', inlineImages: 'logo' });
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox).toHaveLength(0);
	const [draft] = drafts();
	expect(drafts()).toHaveLength(1);
	expect(draft.subject).toBe('Quarterly report');
	expect(draft.attachments).toEqual([
		expect.objectContaining({
			name: 'report.pdf',
			size: pdf.length,
			isInline: false,
			sha256: sha256(pdf),
		}),
		expect.objectContaining({
			name: 'logo.png',
			size: png.length,
			isInline: true,
			sha256: sha256(png),
		}),
	]);
	const json = result.items[0].json;
	expect(json.status).toBe('draft');
	expect(json.id).toBe(draft.id);
	expect(json.webLink).toBe(draft.webLink);
	expect(json.internetMessageId).toBe(draft.internetMessageId);
	expect(typeof json.createdAt).toBe('string');
	expect(json.sentAt).toBeUndefined();
	// No send request was made for the draft.
	expect(t.sim.requests.some((r) => r.path.endsWith('/send'))).toBe(false);
});

test('a draft with a 5 MiB attachment goes through an upload session and stays in Drafts', async () => {
	const big = Buffer.alloc(5 * MiB, 3);
	const result = await run([{ binary: { data: { data: big, fileName: 'big.bin' } } }], {
		attachments: 'data',
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json.attachments).toEqual([
		expect.objectContaining({ name: 'big.bin', size: big.length, via: 'uploadSession' }),
	]);
	expect(t.sim.outbox).toHaveLength(0);
	const [draft] = drafts();
	expect(draft.attachments).toEqual([
		expect.objectContaining({ name: 'big.bin', size: big.length, sha256: sha256(big) }),
	]);
	expect(result.items[0].json).toMatchObject({ status: 'draft', id: draft.id });
	expect(t.sim.requests.filter((r) => r.status === 413)).toHaveLength(0);
});

test('Dry Run shows the draft requests (immutable ids asked for) and sends nothing', async () => {
	const result = await run([{ json: {} }], { dryRun: true });
	expect(result.errorMessage).toBeUndefined();
	const requests = result.items[0].json.requests as {
		method: string;
		url: string;
		headers: Record<string, string>;
	}[];
	expect(requests).toHaveLength(1);
	expect(requests[0].url).toMatch(/\/messages$/);
	expect(requests[0].headers.Prefer).toBe('IdType="ImmutableId"');
	expect(t.sim.counters.graphRequests).toBe(0);
});

test('Retry On Fail: each item is drafted once, however often n8n runs the node', async () => {
	refuseRecipientsOnce(t.sim, {
		kind: 'graph',
		method: 'POST',
		path: '/messages$',
		mailbox: t.other,
	});
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [0, 1, 2].map((i) => ({ json: { i } })),
		parameters: {
			...PARAMS,
			sender: `={{ $json.i === 1 ? "${t.other}" : "${t.sender}" }}`,
			subject: '={{ "Draft " + $json.i }}',
			options: { maxConcurrency: 1 },
		},
		settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.items.map((i) => i.json.status)).toEqual(['draft', 'draft', 'draft']);
	const subjects = draftsOf(t.sim.state)
		.map((d) => d.subject)
		.sort();
	expect(subjects).toEqual(['Draft 0', 'Draft 1', 'Draft 2']);
	expect(result.items[0].json.notes).toEqual([expect.stringMatching(/earlier attempt/)]);
});

test('Retry On Fail after an unclear answer to creating the draft: no second draft is attempted', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', method: 'POST', path: '/messages$' },
		times: 1,
		action: 'respond',
		status: 500,
	});
	const result = await run(
		[{ json: {} }],
		{},
		{ settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 } },
	);
	expect(result.errorMessage).toMatch(/may have created it/);
	const creates = t.sim.requests.filter((r) => r.method === 'POST' && /\/messages$/.test(r.path));
	expect(creates).toHaveLength(1);
});

test('without Mail.ReadWrite the item is refused before any Graph request, naming Operation', async () => {
	t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] });
	try {
		const result = await run([{ json: {} }]);
		expect(result.errorMessage).toMatch(/Operation/);
		expect(result.errorMessage).toMatch(/Mail\.ReadWrite/);
		expect(t.sim.counters.graphRequests).toBe(0);
	} finally {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
	}
});
