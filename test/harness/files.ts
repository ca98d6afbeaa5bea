import { createHash, randomBytes } from 'node:crypto';
import {
	createReadStream,
	createWriteStream,
	mkdtempSync,
	rmSync,
	truncateSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/** A scratch directory for one test file; remove() deletes it and everything in it. */
export function scratchDir(prefix = 'o365sm-files-'): { dir: string; remove(): void } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes `size` pseudo-random bytes to `path`, 1 MiB at a time (never the whole file in memory),
 * and returns the SHA-256 of what was written.
 */
export async function writeRandomFile(path: string, size: number): Promise<string> {
	const hash = createHash('sha256');
	const out = createWriteStream(path);
	const piece = 1024 * 1024;
	for (let written = 0; written < size; ) {
		const chunk = randomBytes(Math.min(piece, size - written));
		hash.update(chunk);
		written += chunk.length;
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return hash.digest('hex');
}

/** A sparse file of `size` zero bytes (no disk blocks, created instantly). */
export function writeSparseFile(path: string, size: number): void {
	writeFileSync(path, '');
	truncateSync(path, size);
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

export function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export interface MemoryReport {
	samples: number;
	intervalMs: number;
	baseline: { rss: number; arrayBuffers: number; heapUsed: number; external: number };
	peak: { rss: number; arrayBuffers: number; heapUsed: number; external: number };
	/** Peak minus baseline, in bytes. */
	growth: { rss: number; arrayBuffers: number; heapUsed: number; external: number };
}

/**
 * Samples process.memoryUsage() every `intervalMs` while `work` runs. The baseline is taken right
 * before `work` starts; the peak is the highest value of each figure seen while it ran (including
 * one sample at the end).
 */
export async function measureMemory<T>(
	work: () => Promise<T>,
	intervalMs = 20,
): Promise<{ value: T; report: MemoryReport }> {
	const read = () => {
		const m = process.memoryUsage();
		return { rss: m.rss, arrayBuffers: m.arrayBuffers, heapUsed: m.heapUsed, external: m.external };
	};
	const baseline = read();
	const peak = { ...baseline };
	let samples = 0;
	const sample = () => {
		const m = read();
		samples++;
		peak.rss = Math.max(peak.rss, m.rss);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
		peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
		peak.external = Math.max(peak.external, m.external);
	};
	const timer = setInterval(sample, intervalMs);
	let value: T;
	try {
		value = await work();
	} finally {
		clearInterval(timer);
		sample();
	}
	const growth = {
		rss: peak.rss - baseline.rss,
		arrayBuffers: peak.arrayBuffers - baseline.arrayBuffers,
		heapUsed: peak.heapUsed - baseline.heapUsed,
		external: peak.external - baseline.external,
	};
	return { value, report: { samples, intervalMs, baseline, peak, growth } };
}

export const MiB = 1024 * 1024;
