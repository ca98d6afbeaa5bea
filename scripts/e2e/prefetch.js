#!/usr/bin/env node
'use strict';
/**
 * Installs what the e2e legs need (Node.js runtimes, n8n, Verdaccio) into the e2e cache ahead of
 * the suite, one install after the other in leg order, so that CI can overlap these downloads with
 * npm ci and npm test.
 *
 *   node scripts/e2e/prefetch.js [--leg <id>]...     (default: the legs the suite runs; E2E_LEGS, E2E_OPTIONAL)
 *
 * The suite takes the same lock per install folder: a leg whose n8n is still being installed here
 * waits for it, and a leg whose install failed here installs it again itself. Prints one line per
 * install with its time and exits 1 when any install failed (the others are still tried).
 */
const rt = require('../lib/n8n-runtime');
const { selectLegs, csv } = require('./legSelection');
const { ensureVerdaccio } = require('./registry');

async function main() {
	const ids = csv(process.env.E2E_LEGS);
	const argv = process.argv.slice(2);
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--leg') ids.push(...csv(argv[++i]));
		else throw new Error(`unknown argument ${argv[i]} (see the header of ${__filename})`);
	}
	const legs = selectLegs(ids, process.env.E2E_OPTIONAL === '1');
	const cacheRoot = rt.defaultCacheRoot();
	rt.installExitHandlers();
	rt.log(`prefetch into ${cacheRoot}: ${legs.map((l) => l.id).join(', ')}`);
	const jobs = [];
	for (const leg of legs) {
		jobs.push({
			what: `n8n ${leg.n8nVersion} for ${leg.id}`,
			run: async () => {
				const runtime = await rt.ensureNodeRuntime(leg.node, { cacheRoot });
				await rt.ensureN8n(leg, runtime, { cacheRoot });
			},
		});
		// Verdaccio (the local registry of the editor's install button) right after the first leg that
		// uses it.
		const f = leg.features || {};
		if ((f.editorInstall || f.installRoutes) && !jobs.some((j) => j.what === 'Verdaccio'))
			jobs.push({ what: 'Verdaccio', run: () => ensureVerdaccio(cacheRoot) });
	}
	let failed = 0;
	for (const job of jobs) {
		const t = Date.now();
		try {
			await job.run();
			rt.log(`prefetch: ${job.what} ready (${rt.elapsed(t)})`);
		} catch (e) {
			failed++;
			rt.log(
				`prefetch FAILED: ${job.what} (${rt.elapsed(t)}); the leg will install it itself\n${e.message}`,
			);
		}
	}
	await rt.stopAll();
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		process.stderr.write(`${e.stack || e.message}\n`);
		process.exit(1);
	},
);
