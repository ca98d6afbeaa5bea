// @ts-check
'use strict';
/** Logging */

const T0 = Date.now();
function stamp() {
	const d = new Date();
	const hh = String(d.getHours()).padStart(2, '0');
	const mm = String(d.getMinutes()).padStart(2, '0');
	const ss = String(d.getSeconds()).padStart(2, '0');
	return `${hh}:${mm}:${ss} +${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s`;
}
function log(...parts) {
	process.stdout.write(`[${stamp()}] ${parts.join(' ')}\n`);
}
function elapsed(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
/** @type {(ms: number) => Promise<void>} */
const sleep = require('node:timers/promises').setTimeout;

/**
 * Runs fn, logging a heartbeat every `everyMs` so a slow step (an npm install) is visibly alive.
 */
async function withHeartbeat(label, fn, everyMs = 30000) {
	const started = Date.now();
	const t = setInterval(() => log(`  … still ${label} (${elapsed(started)})`), everyMs);
	try {
		return await fn();
	} finally {
		clearInterval(t);
	}
}

module.exports = { log, elapsed, sleep, withHeartbeat };
