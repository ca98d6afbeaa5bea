import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { recordMeasurement } from '../harness/report';
import { runSendMail, type RunResult } from '../harness/engine';
import { measureMemory, MiB, scratchDir, writeRandomFile, writeSparseFile } from '../harness/files';
import { credentialsOf } from '../harness/credentialsOf';
import { startTenant, type TestTenant } from '../harness/fixtures';
import { useTenant } from '../harness/world';
import { getToken, graph } from '../simulator';

/**
 * Attachments from n8n's filesystem binary store, from 1 KB to 150 MB, delivered byte for byte,
 * with the right path (one sendMail, or draft + upload session) and bounded memory.
 */

const KB = 1024;
const CHUNK = 12 * 320 * 1024;
const SIZES = {
	'1 KB': 1 * KB,
	'2.9 MB': Math.round(2.9 * MiB),
	'3.5 MB': Math.round(3.5 * MiB),
	'40 MB': 40 * MiB,
	'150 MB': 150 * MiB,
} as const;
type SizeName = keyof typeof SIZES;

let files: ReturnType<typeof scratchDir>;
const made = new Map<SizeName, { path: string; sha256: string }>();

async function fileOf(name: SizeName): Promise<{ path: string; sha256: string }> {
	let entry = made.get(name);
	if (!entry) {
		const path = join(files.dir, `${name.replace(/\W+/g, '_')}.bin`);
		entry = { path, sha256: await writeRandomFile(path, SIZES[name]) };
		made.set(name, entry);
	}
	return entry;
}

const t = useTenant({
	setup: () => {
		files = scratchDir();
		t.onCleanup(() => files.remove());
		// n8n's binary store of this file: a copy of every attachment it sent.
		t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));
	},
});

function params(extra: Record<string, unknown> = {}) {
	return {
		toRecipients: 'ada@example.com',
		subject: 'Files',
		bodyContent: 'see attached',
		bodyContentType: 'text',
		options: { attachments: 'file', ...extra },
	};
}

async function sendFile(name: SizeName, tenant: TestTenant = t): Promise<RunResult> {
	const { path } = await fileOf(name);
	return await runSendMail({
		credentials: credentialsOf(tenant),
		items: [
			{
				binary: {
					file: { file: path, fileName: `${name}.bin`, mimeType: 'application/octet-stream' },
				},
			},
		],
		parameters: params(),
	});
}

function uploadPuts() {
	return t.sim.requests.filter((r) => r.kind === 'upload' && r.method === 'PUT');
}

function expectDelivered(
	result: RunResult,
	name: SizeName,
	sha: string,
	via: 'request' | 'uploadSession',
) {
	const size = SIZES[name];
	expect(result.errorMessage).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const out = result.items[0].json;
	expect(out.status).toBe('sent');
	expect(out.attachments).toEqual([
		{ name: `${name}.bin`, size, contentType: 'application/octet-stream', inline: false, via },
	]);
	expect(t.sim.outbox).toHaveLength(1);
	const delivered = t.sim.outbox[0];
	expect(delivered.attachments).toHaveLength(1);
	expect(delivered.attachments[0]).toMatchObject({
		name: `${name}.bin`,
		size,
		via,
		isInline: false,
	});
	expect(delivered.attachments[0].sha256).toBe(sha);
	expect(out.clientRequestId).toBe(delivered.clientRequestId);
	return delivered;
}

function expectOneRequestPath() {
	expect(t.sim.counters.sendMailCalls).toBe(1);
	expect(t.sim.counters.draftsCreated).toBe(0);
	expect(uploadPuts()).toHaveLength(0);
	expect(t.sim.outbox[0].via).toBe('sendMail');
}

function expectUploadSessionPath(size: number) {
	expect(t.sim.counters.sendMailCalls).toBe(0);
	expect(t.sim.counters.draftsCreated).toBe(1);
	expect(t.sim.outbox[0].via).toBe('draft');
	const graphCalls = t.sim.requests
		.filter((r) => r.kind === 'graph')
		.map((r) => `${r.method} ${r.path.replace(/messages\/[^/]+/, 'messages/{id}')} ${r.status}`);
	const user = `/v1.0/users/${encodeURIComponent(t.sender)}`;
	expect(graphCalls).toEqual([
		`POST ${user}/messages 201`,
		`POST ${user}/messages/{id}/attachments/createUploadSession 201`,
		`POST ${user}/messages/{id}/send 202`,
	]);
	const puts = uploadPuts();
	expect(puts).toHaveLength(Math.ceil(size / CHUNK));
	for (const put of puts) {
		expect(put.bodyBytes).toBeLessThanOrEqual(4 * MiB);
		expect(put.hasAuthorization).toBe(false);
	}
	expect(puts.slice(0, -1).map((p) => p.status)).toEqual(puts.slice(0, -1).map(() => 200));
	expect(puts[puts.length - 1].status).toBe(201);
	expect(puts.reduce((sum, p) => sum + p.bodyBytes, 0)).toBe(size);
	// The draft was sent, none is left in the mailbox.
	expect(t.sim.state.drafts.size).toBe(0);
	expect(t.sim.state.uploads.size).toBe(0);
	expect(t.sim.counters.draftsDeleted).toBe(0);
}

test('1 KB goes in the sendMail request, byte-identical', async () => {
	const { sha256 } = await fileOf('1 KB');
	const result = await sendFile('1 KB');
	expectDelivered(result, '1 KB', sha256, 'request');
	expectOneRequestPath();
});

// Runs second, right after a small warm-up send, so that its baseline is not inflated by the 40 MB
// test.
test('150 MB (exactly 150 MiB) is delivered byte-identical with bounded memory', async () => {
	const { sha256 } = await fileOf('150 MB');
	const { value: result, report } = await measureMemory(() => sendFile('150 MB'), 20);
	expectDelivered(result, '150 MB', sha256, 'uploadSession');
	expectUploadSessionPath(SIZES['150 MB']);

	const mb = (n: number) => Math.round((n / MiB) * 10) / 10;
	const summary = {
		file: '150 MiB attachment, filesystem binary mode, whole run (source node copy into the binary store + send)',
		samples: report.samples,
		intervalMs: report.intervalMs,
		baselineRssMB: mb(report.baseline.rss),
		peakRssMB: mb(report.peak.rss),
		peakRssGrowthMB: mb(report.growth.rss),
		baselineArrayBuffersMB: mb(report.baseline.arrayBuffers),
		peakArrayBuffersMB: mb(report.peak.arrayBuffers),
		peakArrayBuffersGrowthMB: mb(report.growth.arrayBuffers),
		peakHeapUsedGrowthMB: mb(report.growth.heapUsed),
		boundMB: 96,
		note: 'RSS is a high-water mark: in a jest worker reused from other test files the baseline is already high and RSS growth reads low; arrayBuffers (live Buffer memory) is bounded too.',
	};
	recordMeasurement(
		`MEMORY 150MB: peak RSS growth ${summary.peakRssGrowthMB} MB, peak arrayBuffers growth ${summary.peakArrayBuffersGrowthMB} MB (${report.samples} samples)`,
	);
	mkdirSync(join(__dirname, '../../test-artifacts'), { recursive: true });
	writeFileSync(
		join(__dirname, '../../test-artifacts/memory-150mb.json'),
		`${JSON.stringify(summary, null, 2)}\n`,
	);
	// Whole-file buffering would need >= 150 MB (and base64 another 200 MB); streaming needs a few
	// chunks.
	expect(report.samples).toBeGreaterThan(5);
	expect(report.growth.rss).toBeLessThan(96 * MiB);
	expect(report.growth.arrayBuffers).toBeLessThan(96 * MiB);
});

test('2.9 MB still goes in one sendMail request (under 3 MB, request under 4 MB)', async () => {
	const { sha256 } = await fileOf('2.9 MB');
	const result = await sendFile('2.9 MB');
	expectDelivered(result, '2.9 MB', sha256, 'request');
	expectOneRequestPath();
	expect(t.sim.requests.find((r) => r.path.endsWith('/sendMail'))!.bodyBytes).toBeLessThan(
		4 * 1024 * 1024,
	);
});

test('3.5 MB goes through a draft and an upload session', async () => {
	const { sha256 } = await fileOf('3.5 MB');
	const result = await sendFile('3.5 MB');
	expectDelivered(result, '3.5 MB', sha256, 'uploadSession');
	expectUploadSessionPath(SIZES['3.5 MB']);
});

test('40 MB goes through an upload session in chunks of at most 4 MiB', async () => {
	const { sha256 } = await fileOf('40 MB');
	const result = await sendFile('40 MB');
	expectDelivered(result, '40 MB', sha256, 'uploadSession');
	expectUploadSessionPath(SIZES['40 MB']);
});

test('without Mail.ReadWrite a 3.5 MB attachment fails before any Graph request, naming the permission', async () => {
	const sendOnly = await startTenant({}, ['Mail.Send']);
	try {
		const { path } = await fileOf('3.5 MB');
		const result = await runSendMail({
			credentials: credentialsOf(sendOnly),
			items: [
				{
					binary: {
						file: { file: path, fileName: 'big.bin', mimeType: 'application/octet-stream' },
					},
				},
			],
			parameters: params(),
		});
		expect(result.errorMessage).toMatch(/^Item 0 › Attachments: /);
		expect(result.errorMessage).toContain('Mail.ReadWrite');
		expect(sendOnly.sim.counters.graphRequests).toBe(0);
		expect(
			sendOnly.sim.requests.filter((r) => r.kind === 'graph' || r.kind === 'upload'),
		).toHaveLength(0);
		expect(sendOnly.sim.outbox).toHaveLength(0);
		// A small attachment with the same credential still goes out: Mail.Send is enough for one
		// request.
		const small = await sendFile('1 KB', sendOnly);
		expect(small.items[0].json.status).toBe('sent');
		expect(sendOnly.sim.outbox).toHaveLength(1);
	} finally {
		await sendOnly.sim.close();
	}
});

test('an attachment over 150 MB (151 MiB sparse file) is refused before any request', async () => {
	const path = join(files.dir, 'too-big.bin');
	writeSparseFile(path, 151 * MiB);
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [
			{
				binary: {
					file: { file: path, fileName: 'too-big.bin', mimeType: 'application/octet-stream' },
				},
			},
		],
		parameters: params(),
	});
	expect(result.errorMessage).toMatch(
		/^Item 0 › Attachments: "too-big\.bin" is 151\.0 MB; .*150 MB/,
	);
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.outbox).toHaveLength(0);
});

test('a failed chunk half way through deletes the draft and delivers nothing', async () => {
	const { path } = await fileOf('40 MB');
	// Each upload PUT takes at least 25 ms, so the fault can be armed after the third chunk.
	t.sim.setGraphLatency(25);
	const run = runSendMail({
		credentials: credentialsOf(t),
		items: [
			{
				binary: { file: { file: path, fileName: 'big.bin', mimeType: 'application/octet-stream' } },
			},
		],
		parameters: params(),
		onError: 'continueRegularOutput',
	});
	let armed = false;
	while (!armed) {
		if (t.sim.counters.uploadChunks >= 3) {
			t.sim.injectFault({ match: { kind: 'upload', method: 'PUT' }, status: 400, times: 1 });
			armed = true;
		} else {
			await new Promise((resolve) => setTimeout(resolve, 2));
		}
	}
	const result = await run;
	const puts = uploadPuts();
	const failedAt = puts.findIndex((p) => p.status === 400);
	expect(failedAt).toBeGreaterThanOrEqual(3);
	expect(failedAt).toBeLessThan(Math.ceil(SIZES['40 MB'] / CHUNK) - 1);
	expect(puts).toHaveLength(failedAt + 1); // no chunk after the failure
	expect(result.items).toHaveLength(1);
	expect(result.items[0].json.status).toBe('failed');
	expect(result.items[0].json.error).toMatch(/^Item 0: /);
	expect(result.items[0].json.error).toMatch(/upload/i);
	expect(t.sim.outbox).toHaveLength(0);
	expect(t.sim.counters.draftsCreated).toBe(1);
	expect(t.sim.counters.draftsDeleted).toBe(1);
	expect(t.sim.state.drafts.size).toBe(0);
	expect(t.sim.requests.filter((r) => r.path.endsWith('/send'))).toHaveLength(0);

	// And Graph agrees: the draft is gone.
	const draftDelete = t.sim.requests.find((r) => r.kind === 'graph' && r.method === 'DELETE')!;
	expect(draftDelete.status).toBe(204);
	const token = await getToken(t.sim, {
		tenant: t.tenantId,
		clientId: t.clientId,
		secret: t.secret,
	});
	const draftPath = draftDelete.path.replace(/^\/v1\.0/, '');
	const get = await graph(t.sim, token, 'GET', draftPath);
	expect(get.status).toBe(404);
});
