'use strict';
// Case 4, run in its own fresh process (so earlier cases leave no heap behind) against the
// simulator PROCESS (so the simulator's buffers and hashing never show in this process's RSS): one
// large attachment through the node's upload-session path vs a raw chunked-PUT loop, wall time and
// peak RSS growth.
const { randomFillSync } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { sampleRss, peakBetween, maxGapMs, settleGc, MB } = require('./memory');
const { nodeSendFile, clearTokenCache, UPLOAD_CHUNK_BYTES } = require('./node');
const { rawUploadSend } = require('./raw');

function makeFile(dir, name, bytes) {
	const file = path.join(dir, name);
	const fd = fs.openSync(file, 'w');
	const block = Buffer.alloc(MB);
	for (let written = 0; written < bytes; written += block.length) {
		randomFillSync(block);
		fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
	}
	fs.closeSync(fd);
	return file;
}

/**
 * Time the simulator spent on this run's requests (they are sequential, so the sum does not
 * overlap).
 */
async function simulatorMs(sim) {
	const requests = (await sim.requests()).filter(
		(q) => q.kind === 'graph' || q.kind === 'upload' || q.kind === 'token',
	);
	return requests.reduce((sum, q) => sum + ((q.finishedAt ?? q.startedAt) - q.startedAt), 0);
}

async function measured(fn) {
	settleGc();
	await new Promise((r) => setTimeout(r, 50));
	const sampler = sampleRss(10);
	const r = await fn();
	const mem = sampler.stop();
	return { r, mem };
}

async function node(sim, t, file, size, label) {
	await sim.reset();
	clearTokenCache();
	const { r, mem } = await measured(() =>
		nodeSendFile(t, {
			file,
			fileName: path.basename(file),
			mimeType: 'application/octet-stream',
			subject: label,
		}),
	);
	const sendFrom = r.task.startTime - performance.timeOrigin; // epoch ms → performance.now() time
	const sendTo = sendFrom + r.task.executionTime;
	const baseAtSend = mem.samples.filter((s) => s.t <= sendFrom).pop()?.rss ?? mem.baseline;
	const counters = await sim.counters();
	const serverMs = await simulatorMs(sim);
	return {
		wallMs: r.ms,
		sendMailMs: r.task.executionTime,
		serverMs,
		clientMs: r.task.executionTime - serverMs,
		via: r.via,
		chunks: counters.uploadChunks,
		peakGrowthMB: (mem.peak - mem.baseline) / MB,
		sendPeakGrowthMB: (peakBetween(mem.samples, sendFrom, sendTo) - baseAtSend) / MB,
		samples: mem.samples.length,
		maxGapMs: maxGapMs(mem.samples),
		delivered: (await sim.outbox()).filter(
			(m) => m.message?.subject === label && m.attachments?.[0]?.size === size,
		).length,
	};
}

async function raw(sim, t, file, size, label) {
	await sim.reset();
	const { r, mem } = await measured(() =>
		rawUploadSend(t, {
			file,
			name: path.basename(file),
			contentType: 'application/octet-stream',
			subject: label,
			chunkBytes: UPLOAD_CHUNK_BYTES,
		}),
	);
	const serverMs = await simulatorMs(sim);
	return {
		wallMs: r.ms,
		serverMs,
		clientMs: r.ms - serverMs,
		chunks: r.chunks,
		peakGrowthMB: (mem.peak - mem.baseline) / MB,
		samples: mem.samples.length,
		maxGapMs: maxGapMs(mem.samples),
		delivered: (await sim.outbox()).filter(
			(m) => m.message?.subject === label && m.attachments?.[0]?.size === size,
		).length,
	};
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function caseUpload(sim, t, { megabytes, reps, log }) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'o365sm-bench-'));
	try {
		const size = megabytes * MB;
		const small = makeFile(dir, 'warmup.bin', 8 * MB);
		const big = makeFile(dir, `attachment-${megabytes}MB.bin`, size);
		log(`case 4: warm-up with an 8 MB attachment (not measured)`);
		await node(sim, t, small, 8 * MB, 'c4-warmup-node');
		await raw(sim, t, small, 8 * MB, 'c4-warmup-raw');
		const nodeRuns = [];
		const rawRuns = [];
		for (let i = 0; i < reps; i++) {
			const n = await node(sim, t, big, size, `c4-node-${i}`);
			log(
				`  node ${megabytes} MB: Send Mail ${(n.sendMailMs / 1000).toFixed(2)} s (client side ${Math.round(n.clientMs)} ms; workflow ${(n.wallMs / 1000).toFixed(2)} s), peak RSS +${n.peakGrowthMB.toFixed(1)} MB`,
			);
			nodeRuns.push(n);
			const r = await raw(sim, t, big, size, `c4-raw-${i}`);
			log(
				`  raw  ${megabytes} MB: ${(r.wallMs / 1000).toFixed(2)} s (client side ${Math.round(r.clientMs)} ms), peak RSS +${r.peakGrowthMB.toFixed(1)} MB`,
			);
			rawRuns.push(r);
		}
		return {
			megabytes,
			reps,
			chunkBytes: UPLOAD_CHUNK_BYTES,
			node: {
				runs: nodeRuns,
				sendMailMs: median(nodeRuns.map((r) => r.sendMailMs)),
				clientMs: median(nodeRuns.map((r) => r.clientMs)),
				wallMs: median(nodeRuns.map((r) => r.wallMs)),
				firstPeakGrowthMB: nodeRuns[0].peakGrowthMB,
				maxPeakGrowthMB: Math.max(...nodeRuns.map((r) => r.peakGrowthMB)),
				maxSendPeakGrowthMB: Math.max(...nodeRuns.map((r) => r.sendPeakGrowthMB)),
			},
			raw: {
				runs: rawRuns,
				wallMs: median(rawRuns.map((r) => r.wallMs)),
				clientMs: median(rawRuns.map((r) => r.clientMs)),
				firstPeakGrowthMB: rawRuns[0].peakGrowthMB,
				maxPeakGrowthMB: Math.max(...rawRuns.map((r) => r.peakGrowthMB)),
			},
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

module.exports = { caseUpload };
