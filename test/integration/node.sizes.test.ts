import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type TestItem } from '../harness/engine';
import { MiB, scratchDir, writeSparseFile } from '../harness/files';
import { useTenant } from '../harness/world';

/**
 * No request over Graph's 4 MiB cap, and what no request could carry is refused before any request.
 */

const t = useTenant();
const files = scratchDir();
t.onCleanup(() => {
	rmSync(n8nFolder, { recursive: true, force: true });
	files.remove();
});

const PARAMS = { toRecipients: 'ada@example.com', subject: 'Size', bodyContent: 'x' };
const run = (items: TestItem[], options: INodeParameters, bodyContent = 'x') =>
	runSendMail({
		credentials: credentialsOf(t),
		items,
		parameters: { ...PARAMS, bodyContent, options },
	});

test('an attachment just under 3 MiB (4 MiB once base64) goes through an upload session, not a 413', async () => {
	const size = 3 * MiB - 1;
	const items: TestItem[] = [
		{ binary: { data: { data: Buffer.alloc(size, 7), fileName: 'edge.bin' } } },
	];
	const preview = await run(items, { attachments: 'data', dryRun: true });
	expect(preview.errorMessage).toBeUndefined();
	const requests = preview.items[0].json.requests as { url: string }[];
	expect(requests.some((r) => r.url.endsWith('/createUploadSession'))).toBe(true);
	expect(requests.some((r) => r.url.endsWith('/attachments'))).toBe(false);

	const result = await run(items, { attachments: 'data' });
	expect(result.errorMessage).toBeUndefined();
	expect(result.items[0].json.attachments).toEqual([
		expect.objectContaining({ name: 'edge.bin', size, via: 'uploadSession' }),
	]);
	expect(t.sim.requests.filter((r) => r.status === 413)).toHaveLength(0);
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.outbox[0].attachments.map((a) => a.size)).toEqual([size]);
});

test('a Body too large for any request is refused before any request, and Dry Run says the same', async () => {
	const body = 'x'.repeat(4 * MiB);
	for (const dryRun of [false, true]) {
		const result = await run([{}], { dryRun, bodyContentType: 'text' }, body);
		expect(result.errorMessage).toMatch(/^Item 0 › Body: .*4 MB per request/);
	}
	expect(t.sim.counters.tokenRequests).toBe(0);
	expect(t.sim.counters.graphRequests).toBe(0);
});

test('attachments adding up to more than 150 MB are refused before uploading', async () => {
	const a = join(files.dir, 'a.bin');
	const b = join(files.dir, 'b.bin');
	writeSparseFile(a, 76 * MiB);
	writeSparseFile(b, 76 * MiB);
	const result = await run([{ binary: { a: { file: a }, b: { file: b } } }], {
		attachments: 'a, b',
	});
	expect(result.errorMessage).toMatch(/^Item 0 › Attachments: .*152\.0 MB.*150 MB per message/);
	expect(t.sim.counters.graphRequests).toBe(0);
});

test('a 413 says Graph refused a request over 4 MB, not MaxSendSize', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', path: 'sendMail$' },
		action: 'respond',
		status: 413,
		body: {
			error: {
				code: 'RequestEntityTooLarge',
				message: 'The maximum request length supported is 4MB.',
			},
		},
	});
	const result = await run([{}], {});
	expect(result.errorMessage).toMatch(/^Item 0: .*HTTP 413.*at most 4 MB/);
	expect(result.errorMessage).not.toMatch(/MaxSendSize 150MB|Set-Mailbox/);
	expect(t.sim.outbox).toHaveLength(0);
});
