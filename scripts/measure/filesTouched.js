#!/usr/bin/env node
// Locality measure: which product files (nodes/, credentials/) run code for ONE Send with a 5 MB
// attachment.
//
//   node scripts/measure/filesTouched.js [--no-build] [--list] [--functions] [--json FILE]
//
// The Send runs through n8n-core's WorkflowExecute (the compiled test harness, .build/) against the
// Graph simulator in this process, with V8 precise coverage (inspector Profiler, call counts).
// Counters are reset after every module is loaded, so a file counts when at least one of its
// functions ran during the Send; module top levels and TypeScript's import helpers (__importStar…)
// do not count. Re-export getters do: a shim that is read on the way is a file the Send goes
// through.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { randomFillSync } = require('node:crypto');
const fs = require('node:fs');
const inspector = require('node:inspector');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const build = (rel) => path.join(root, '.build', rel);
const PRODUCT = ['nodes', 'credentials'].map((d) => `${build(d)}${path.sep}`);
const ATTACHMENT_BYTES = 5 * 1024 * 1024;

function parseArgs(argv) {
	const args = { child: false, build: true, list: false, functions: false, json: undefined };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--child') args.child = true;
		else if (a === '--no-build') args.build = false;
		else if (a === '--list') args.list = true;
		else if (a === '--functions') args.functions = true;
		else if (a === '--json') args.json = path.resolve(argv[++i]);
		else throw new Error(`unknown argument ${a}`);
	}
	return args;
}

function newestSource(dir, newest = 0) {
	if (!fs.existsSync(dir)) return newest;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) newest = newestSource(full, newest);
		else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
	}
	return newest;
}

/**
 * Builds .build/ when a source is newer than the compiled harness (a stale build measures old
 * code).
 */
function ensureBuild() {
	const engine = build('test/harness/engine.js');
	const sources = ['nodes', 'credentials', 'test/harness', 'test/simulator'];
	const newest = Math.max(...sources.map((d) => newestSource(path.join(root, d))));
	if (fs.existsSync(engine) && fs.statSync(engine).mtimeMs >= newest) return;
	process.stderr.write('building (npm run build)…\n');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

function post(session, method, params = {}) {
	return new Promise((resolve, reject) =>
		session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

/**
 * Product file → names of its functions (not the module itself, not a TypeScript helper) that ran.
 */
function touchedFunctions(coverage) {
	const files = new Map();
	for (const script of coverage.result) {
		if (!script.url.startsWith('file://')) continue;
		const file = new URL(script.url).pathname;
		if (!PRODUCT.some((dir) => file.startsWith(dir))) continue;
		// The module's own (CommonJS wrapper) function starts at offset 0; it is listed only when it
		// ran.
		const ran = script.functions.filter(
			(f) =>
				f.ranges[0].startOffset > 0 && f.ranges[0].count > 0 && !f.functionName.startsWith('__'),
		);
		if (ran.length === 0) continue;
		const names = ran.map((f) => f.functionName || '(anonymous)');
		files.set(path.relative(build('.'), file).replace(/\.js$/, '.ts'), names);
	}
	return files;
}

async function measure(args) {
	if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('run through scripts/with-test-ca.js');
	const n8nFolder = require(build('test/harness/env.js')).prepareN8nEnvironment('filesystem');
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'o365sm-measure-'));
	const session = new inspector.Session();
	session.connect();
	await post(session, 'Profiler.enable');
	await post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: false });
	const { startInProcessSim, setupTenant } = require('../bench/sim');
	const { nodeSendFile } = require('../bench/node');
	const sim = await startInProcessSim({ graphLatencyMs: 0, mailboxConcurrencyLimit: 4 });
	try {
		const t = await setupTenant(sim);
		const file = path.join(scratch, 'report.bin');
		fs.writeFileSync(file, randomFillSync(Buffer.alloc(ATTACHMENT_BYTES)));
		// Everything loaded so far ran its module top level only: drop those counts.
		await post(session, 'Profiler.takePreciseCoverage');
		const sent = await nodeSendFile(t, {
			file,
			fileName: 'report.bin',
			mimeType: 'application/octet-stream',
			subject: 'measure',
		});
		const coverage = await post(session, 'Profiler.takePreciseCoverage');
		const ran = touchedFunctions(coverage);
		const files = [...ran.keys()].sort();
		const folders = [...new Set(files.map((f) => path.dirname(f)))].sort();
		const result = { attachmentBytes: ATTACHMENT_BYTES, via: sent.via, files, folders };
		process.stdout.write(
			`One Send with a 5 MB attachment (via ${sent.via}): ${files.length} product files in ${folders.length} folders.\n`,
		);
		if (args.list || args.functions) {
			for (const f of files) {
				const names = args.functions ? `: ${ran.get(f).join(', ')}` : '';
				process.stdout.write(`  ${f}${names}\n`);
			}
		}
		if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
	} finally {
		await post(session, 'Profiler.stopPreciseCoverage');
		session.disconnect();
		await sim.close();
		fs.rmSync(scratch, { recursive: true, force: true });
		fs.rmSync(n8nFolder, { recursive: true, force: true });
	}
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.child) {
		measure(args).then(
			() => process.exit(0),
			(error) => {
				process.stderr.write(`${error.stack ?? error}\n`);
				process.exit(1);
			},
		);
		return;
	}
	if (args.build) ensureBuild();
	// NODE_EXTRA_CA_CERTS is read only at start-up: re-run this script under the test CA.
	const rest = process.argv.slice(2).filter((a) => a !== '--no-build');
	const child = spawn(
		process.execPath,
		[path.join(root, 'scripts/with-test-ca.js'), process.execPath, __filename, '--child', ...rest],
		{ stdio: 'inherit' },
	);
	child.on('exit', (code) => process.exit(code ?? 1));
}

main();
