#!/usr/bin/env node
'use strict';
/**
 * End-to-end suite: proves the package in REAL n8n (see docs/E2E.md).
 *
 *   node scripts/e2e/run.js [--leg <id>]... [--optional] [--skip browser,queue,custom,cli,publicapi,migrate,checksetup,sendandwait,reply,deliverystatus,editorinstall,routes,mailtrigger] [--no-build] [--keep]
 *                           [--verbose] [--list]
 *
 * Without --leg every leg that is not marked optional runs (--list shows them); --optional adds the
 * optional ones (none at the moment), --leg <id> runs exactly the named legs (optional ones
 * included). Environment: E2E_LEGS (comma list of leg ids), E2E_OPTIONAL=1 (like --optional),
 * E2E_SKIP (like --skip), E2E_NO_BUILD=1, E2E_KEEP_TEMP=1, E2E_VERBOSE=1 (echo every child's
 * output), N8N_E2E_CACHE (n8n and Node.js install cache; default <repo>/.cache/n8n),
 * E2E_TIMEOUT_MIN (whole-suite watchdog, default 45). Prints PASS/FAIL per check and finally
 * exactly one line "N passed, N failed"; exits 1 on any failure.
 */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const LEGS = require('./legs');
const { selectLegs, csv } = require('./legSelection');
const { Reporter } = require('./reporter');
const { runCommunitySection } = require('./community');
const { runCustomExtensionsSection } = require('./custom');
const { runQueueSection } = require('./queue');
const { runMigrateSection, MIGRATE_LEGS } = require('./migrate');
const { runCheckSetupSection } = require('./checkSetup');
const { runSendAndWaitSection } = require('./sendAndWait');
const { runDeliveryStatusSection } = require('./deliveryStatus');
const { runReplySection } = require('./reply');
const { runEditorInstallSection } = require('./editorInstall');
const { runInstallRoutesSection } = require('./installRoutes');
const { runMailTriggerSection } = require('./mailTrigger');

function parseArgs(argv) {
	const o = { legs: [], skip: new Set(), build: true, keep: false, list: false, optional: false };
	if (process.env.E2E_LEGS) o.legs.push(...csv(process.env.E2E_LEGS));
	for (const s of csv(process.env.E2E_SKIP)) o.skip.add(s);
	if (process.env.E2E_NO_BUILD === '1') o.build = false;
	if (process.env.E2E_KEEP_TEMP === '1') o.keep = true;
	if (process.env.E2E_OPTIONAL === '1') o.optional = true;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => (a.includes('=') ? a.split('=').slice(1).join('=') : argv[++i]);
		if (a === '--optional') o.optional = true;
		else if (a.startsWith('--leg')) o.legs.push(...csv(val()));
		else if (a.startsWith('--skip')) for (const s of csv(val())) o.skip.add(s);
		else if (a === '--no-build') o.build = false;
		else if (a === '--keep') o.keep = true;
		else if (a === '--verbose') process.env.E2E_VERBOSE = '1';
		else if (a === '--list') o.list = true;
		else if (a === '--help' || a === '-h') {
			process.stdout.write(`${rt.usageOf(__filename)}\n`);
			process.exit(0);
		} else throw new Error(`unknown argument ${a} (see --help)`);
	}
	return o;
}

/**
 * One leg: install, simulator, then its sections. A leg's `skip` list leaves out sections that
 * other legs already cover (see legs.js); --skip / E2E_SKIP apply on top.
 */
async function runLeg(leg, { R, ctx: suiteCtx, cacheRoot }) {
	const ctx = { ...suiteCtx, skip: new Set([...suiteCtx.skip, ...(leg.skip || [])]) };
	const steps = R.steps(`[${leg.id}]`);
	let runtime;
	let install;
	let sim;
	let shared;
	try {
		await steps.req(
			`n8n ${leg.n8nVersion} installed (cache ${path.relative(rt.REPO_DIR, cacheRoot) || cacheRoot})`,
			async () => {
				runtime = await rt.ensureNodeRuntime(leg.node, { cacheRoot });
				install = await rt.ensureN8n(leg, runtime, { cacheRoot });
				return `Node ${runtime.version}, ${install.dir}`;
			},
		);
		await steps.req('simulator started (scenario demo)', async () => {
			sim = await rt.startSimulator({
				scenario: 'demo',
				logFile: path.join(ctx.logsDir, `${leg.id}-simulator.log`),
			});
			return sim.url;
		});
		if (steps.blocked) return;
		const f = leg.features || {};
		const on = { R, leg, runtime, install, sim, ctx };
		// Send and Wait and Reply run in the community section's n8n (same install, owner, package):
		// one n8n start and package install less per leg. Check Setup and migrate keep their own (DNS
		// hook; export --all).
		const withSaw = !ctx.skip.has('sendandwait');
		const withReply = !ctx.skip.has('reply');
		shared = await runCommunitySection({
			...on,
			browser: Boolean(f.browser),
			publicApi: Boolean(f.publicApi),
			handOver: withSaw || withReply,
		});
		if (withReply) await runReplySection({ R, leg, sim, shared });
		if (withSaw) await runSendAndWaitSection({ ...on, shared });
		if (shared) await shared.n8n.stop();
		shared = undefined;
		if (f.customExtensions && !ctx.skip.has('custom')) await runCustomExtensionsSection(on);
		if (f.queue && !ctx.skip.has('queue')) await runQueueSection(on);
		if (MIGRATE_LEGS.has(leg.id) && !ctx.skip.has('migrate')) await runMigrateSection(on);
		await runCheckSetupSection(on);
		await runDeliveryStatusSection(on);
		if (f.editorInstall) await runEditorInstallSection({ ...on, cacheRoot });
		if (f.installRoutes) await runInstallRoutesSection({ ...on, cacheRoot });
		await runMailTriggerSection(on);
	} catch (e) {
		R.fail(`[${leg.id}] unexpected error`, e.stack || e.message);
	} finally {
		if (shared) await shared.n8n.stop();
		if (sim) await sim.stop();
	}
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.list) {
		for (const l of LEGS) {
			const node = l.node ? l.node.npmPackage || l.node.binDir : `${process.version} (this one)`;
			process.stdout.write(
				`${l.id}\tn8n ${l.n8nVersion}\tnode ${node}\t${l.optional ? 'optional' : 'default'}\t${JSON.stringify(l.features || {})}\n`,
			);
		}
		return 0;
	}
	const legs = selectLegs(opts.legs, opts.optional);
	rt.setKeepTemp(opts.keep);
	rt.installExitHandlers();

	const R = new Reporter();
	const t0 = Date.now();
	const artifactsDir = path.join(rt.REPO_DIR, 'test-artifacts', 'e2e');
	const logsDir = path.join(artifactsDir, 'logs');
	fs.rmSync(artifactsDir, { recursive: true, force: true });
	fs.mkdirSync(logsDir, { recursive: true });
	const ctx = { artifactsDir, logsDir, skip: opts.skip, tarball: null };
	const cacheRoot = rt.defaultCacheRoot();

	const timeoutMin = Number(process.env.E2E_TIMEOUT_MIN || 45);
	const watchdog = setTimeout(async () => {
		R.fail(
			'suite finished in time',
			`the suite did not finish within ${timeoutMin} minutes (E2E_TIMEOUT_MIN); stopping everything`,
		);
		process.stdout.write(`${R.summaryLine()}\n`);
		await rt.stopAll();
		rt.removeTempDirs();
		process.exit(1);
	}, timeoutMin * 60000);
	watchdog.unref();

	rt.log(
		`e2e suite: legs ${legs.map((l) => l.id).join(', ')}; skip: ${[...opts.skip].join(',') || '-'}; n8n cache ${cacheRoot}; artifacts ${path.relative(rt.REPO_DIR, artifactsDir)}`,
	);

	const top = R.steps('[package]');
	if (opts.build)
		await top.req('builds (npm run build + tsc -p tsconfig.tools.json)', () =>
			rt.buildRepo({ simulator: true }),
		);
	else
		await top.req('is built (dist/ and the simulator exist)', async () => {
			rt.assertBuilt();
			if (!fs.existsSync(rt.SIMULATOR_CLI))
				throw new Error(`${path.relative(rt.REPO_DIR, rt.SIMULATOR_CLI)} missing`);
		});
	await top.req('packs (npm pack)', async () => {
		const p = await rt.packRepo(rt.makeTempDir('e2e-pack'));
		ctx.tarball = p.tarball;
		return `${path.basename(p.tarball)}, ${p.files.length} files, ${(p.size / 1024).toFixed(1)} KiB`;
	});

	const legTimes = [];
	for (const leg of legs) {
		const tLeg = Date.now();
		rt.log(`──────── leg ${leg.id} (n8n ${leg.n8nVersion}) ────────`);
		if (top.blocked) R.skip(`[${leg.id}] all checks`, `needs: package ${top.blocked}`);
		else await runLeg(leg, { R, ctx, cacheRoot });
		legTimes.push(`${leg.id} ${rt.elapsed(tLeg)}`);
		rt.log(`leg ${leg.id} took ${rt.elapsed(tLeg)}`);
	}

	const tEnd = Date.now();
	await rt.stopAll();
	rt.removeTempDirs();
	clearTimeout(watchdog);
	rt.log(`cleaned up processes and temp folders (${rt.elapsed(tEnd)})`);
	rt.log(`time per leg: ${legTimes.join(', ')}`);
	rt.log(
		`suite took ${rt.elapsed(t0)}; logs and screenshots in ${path.relative(rt.REPO_DIR, artifactsDir)}/`,
	);
	fs.writeFileSync(
		path.join(artifactsDir, 'results.json'),
		`${JSON.stringify({ took_ms: Date.now() - t0, results: R.results }, null, 2)}\n`,
	);
	for (const line of R.failureLines()) process.stdout.write(`${line}\n`);
	if (R.skipped) process.stdout.write(`(${R.skipped} skipped because a step they need failed)\n`);
	process.stdout.write(`${R.summaryLine()}\n`);
	return R.failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (e) => {
		process.stderr.write(`${e.stack || e.message}\n`);
		await rt.stopAll();
		rt.removeTempDirs();
		process.stdout.write('0 passed, 1 failed\n');
		process.exit(1);
	},
);
