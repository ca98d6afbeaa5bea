import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '../../test-artifacts');

/**
 * Records a figure a test measured (concurrency reached, retries seen, memory) in
 * test-artifacts/measurements.log instead of printing it, so `npm test` output stays quiet. Tests
 * still assert on the figures themselves.
 */
export function recordMeasurement(line: string): void {
	mkdirSync(DIR, { recursive: true });
	appendFileSync(join(DIR, 'measurements.log'), `${new Date().toISOString()} ${line}\n`);
}
