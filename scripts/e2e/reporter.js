'use strict';
/** PASS/FAIL bookkeeping for the e2e suite. */
const { log, elapsed } = require('../lib/n8n-runtime');

class Reporter {
	constructor() {
		this.passed = 0;
		this.failed = 0;
		this.skipped = 0;
		this.results = [];
	}

	/** Runs one named check. fn may return a short detail string. Returns true on success. */
	async check(name, fn) {
		const t = Date.now();
		try {
			const detail = await fn();
			this.passed++;
			this.results.push({ name, status: 'PASS', ms: Date.now() - t });
			log(`PASS ${name}${detail ? ` — ${detail}` : ''} (${elapsed(t)})`);
			return true;
		} catch (e) {
			this.failed++;
			this.results.push({ name, status: 'FAIL', ms: Date.now() - t, error: e.message });
			log(`FAIL ${name} (${elapsed(t)})\n${indent(e && e.message ? e.message : String(e))}`);
			if (process.env.E2E_VERBOSE === '1' && e && e.stack) log(indent(e.stack));
			return false;
		}
	}

	skip(name, reason) {
		this.skipped++;
		this.results.push({ name, status: 'SKIP', reason });
		log(`SKIP ${name} (${reason})`);
	}

	fail(name, message) {
		this.failed++;
		this.results.push({ name, status: 'FAIL', error: message });
		log(`FAIL ${name}\n${indent(message)}`);
	}

	/** Sequential steps where a failed `req` step makes the following steps SKIP. */
	steps(prefix) {
		const r = this;
		let blockedBy = null;
		const name = (n) => `${prefix} ${n}`;
		return {
			get blocked() {
				return blockedBy;
			},
			async req(n, fn) {
				if (blockedBy) {
					r.skip(name(n), `needs: ${blockedBy}`);
					return false;
				}
				const ok = await r.check(name(n), fn);
				if (!ok) blockedBy = n;
				return ok;
			},
			async opt(n, fn) {
				if (blockedBy) {
					r.skip(name(n), `needs: ${blockedBy}`);
					return false;
				}
				return r.check(name(n), fn);
			},
		};
	}

	/** The failed checks again, one line each, so the end of a long log names them. */
	failureLines() {
		return this.results
			.filter((r) => r.status === 'FAIL')
			.map(
				(r) =>
					`FAILED ${r.name}: ${String(r.error || '')
						.split('\n')[0]
						.slice(0, 300)}`,
			);
	}

	summaryLine() {
		return `${this.passed} passed, ${this.failed} failed`;
	}
}

function indent(s) {
	return String(s)
		.split('\n')
		.map((l) => `    ${l}`)
		.join('\n');
}

/** Assertion helper: throws with a readable message. */
function assert(cond, message) {
	if (!cond) throw new Error(message);
}

module.exports = { Reporter, assert };
