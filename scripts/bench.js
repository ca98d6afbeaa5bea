#!/usr/bin/env node
// Benchmark of the Office 365 Send Mail node against the local Microsoft 365 simulator.
// Prints a table of figures; docs/BENCHMARKS.md is edited by people, never by the bench.
//
//   node scripts/bench.js [--messages N] [--throughput-reps N] [--upload-mb N] [--reps N]
//                         [--in-process] [--no-build] [--json FILE] [--only idempotency]
// --messages: case 1/2 size (1000); --throughput-reps: alternating runs of 1a/1c (3); --upload-mb /
// --reps: case 4 attachment size (100) and runs (3); --in-process: cases 1–3 with the simulator in
// the bench process; --only idempotency: case 6 alone (a quick look at the key's cost).
//
// Three processes: this one makes sure the build exists, then re-runs itself under
// scripts/with-test-ca.js (NODE_EXTRA_CA_CERTS is only read at start-up) as the bench process
// (--child). That one starts the simulator as its own process (.build/test/simulator/cli.js), runs
// cases 1–3, and runs case 4 in one more fresh process (--upload-child) so the memory figure starts
// from a clean heap.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
	const args = {
		child: false,
		uploadChild: false,
		messages: 1000,
		throughputReps: 3,
		uploadMb: 100,
		reps: 3,
		inProcess: false,
		build: true,
		json: undefined,
		only: undefined,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const num = () => {
			const v = Number(argv[++i]);
			if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive whole number`);
			return v;
		};
		if (a === '--child') args.child = true;
		else if (a === '--upload-child') args.uploadChild = true;
		else if (a === '--messages') args.messages = num();
		else if (a === '--upload-mb') args.uploadMb = num();
		else if (a === '--reps') args.reps = num();
		else if (a === '--throughput-reps') args.throughputReps = num();
		else if (a === '--in-process') args.inProcess = true;
		else if (a === '--no-build') args.build = false;
		else if (a === '--json') args.json = argv[++i];
		else if (a === '--only') {
			args.only = argv[++i];
			if (args.only !== 'idempotency') throw new Error('--only knows one case: idempotency');
		} else throw new Error(`unknown argument ${a}`);
	}
	return args;
}

// ---- parent: build, then re-run under the test CA -----------------------------------------------

const BUILD_OUTPUTS = [
	'dist/nodes/Office365SendMail/Office365SendMail.node.js',
	'.build/test/harness/engine.js',
	'.build/test/harness/env.js',
	'.build/test/simulator/index.js',
	'.build/test/simulator/cli.js',
	'.build/test/simulator/ca.js',
	'.build/nodes/shared/token/tokenProvider.js',
];
const SOURCE_DIRS = ['nodes', 'credentials', 'test/harness', 'test/simulator'];

function newestSource(dir, newest = 0) {
	if (!fs.existsSync(dir)) return newest;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) newest = newestSource(full, newest);
		else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
			newest = Math.max(newest, fs.statSync(full).mtimeMs);
	}
	return newest;
}

function ensureBuild() {
	const outputs = BUILD_OUTPUTS.map((p) => path.join(root, p));
	const missing = outputs.filter((p) => !fs.existsSync(p));
	const built = missing.length ? 0 : Math.min(...outputs.map((p) => fs.statSync(p).mtimeMs));
	const stale = SOURCE_DIRS.reduce((n, d) => newestSource(path.join(root, d), n), 0) > built;
	if (missing.length || stale) {
		process.stderr.write(
			`bench: ${missing.length ? 'build missing' : 'sources changed since the last build'}; running node scripts/build.js\n`,
		);
		execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], {
			cwd: root,
			stdio: 'inherit',
		});
	}
}

function parent(argv, args) {
	if (args.build) ensureBuild();
	const child = spawn(
		process.execPath,
		[
			path.join(root, 'scripts/with-test-ca.js'),
			process.execPath,
			'--expose-gc',
			__filename,
			'--child',
			...argv,
		],
		{
			cwd: root,
			stdio: 'inherit',
		},
	);
	const forward = (signal) => child.kill(signal);
	process.on('SIGINT', forward);
	process.on('SIGTERM', forward);
	child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}

// ---- bench process ------------------------------------------------------------------------------

const log = (line) => process.stderr.write(`${line}\n`);
const SIM = { graphLatencyMs: 50, mailboxConcurrencyLimit: 4, seed: 5 };

function prepareEnvironment() {
	if (!process.env.NODE_EXTRA_CA_CERTS)
		throw new Error('run through scripts/with-test-ca.js (npm run bench does that)');
	// n8n-core reads its configuration on first load: filesystem binary mode, a throw-away user
	// folder.
	return require(path.join(root, '.build/test/harness/env.js')).prepareN8nEnvironment('filesystem');
}

/** Case 4 in a fresh process; resolves to its JSON result. */
function runUploadChild(simLine, tenant, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				'--expose-gc',
				__filename,
				'--child',
				'--upload-child',
				'--upload-mb',
				String(args.uploadMb),
				'--reps',
				String(args.reps),
			],
			{
				cwd: root,
				env: { ...process.env, BENCH_SIM_LINE: simLine, BENCH_TENANT: JSON.stringify(tenant) },
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		let result;
		readline.createInterface({ input: child.stdout }).on('line', (line) => {
			if (line.startsWith('BENCH_RESULT ')) result = JSON.parse(line.slice('BENCH_RESULT '.length));
			else process.stdout.write(`${line}\n`);
		});
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0 && result
				? resolve(result)
				: reject(new Error(`case 4 process exited with ${code}`)),
		);
	});
}

async function uploadChild(args) {
	const folder = prepareEnvironment();
	const { attachProcessSim, tenantFrom } = require('./bench/sim');
	const { caseUpload } = require('./bench/upload');
	const sim = attachProcessSim(process.env.BENCH_SIM_LINE);
	const t = tenantFrom(sim, JSON.parse(process.env.BENCH_TENANT));
	try {
		const result = await caseUpload(sim, t, { megabytes: args.uploadMb, reps: args.reps, log });
		process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

async function benchProcess(args) {
	const folder = prepareEnvironment();
	const { startProcessSim, startInProcessSim, setupTenant } = require('./bench/sim');
	const {
		warmUp,
		caseThroughput,
		caseFaults,
		caseTokens,
		caseConfirm,
	} = require('./bench/throughput');
	const { caseIdempotency } = require('./bench/idempotency');
	const { machine, render } = require('./bench/report');
	const { runLedgerChild, renderLedger } = require('./bench/ledger');

	const started = performance.now();
	const processSim = await startProcessSim(SIM);
	const sims = [processSim];
	try {
		const sim = args.inProcess ? await startInProcessSim(SIM) : processSim;
		if (sim !== processSim) sims.push(sim);
		const t = await setupTenant(sim);
		log(
			`simulator ${sim.mode === 'process' ? `process ${processSim.pid}` : 'in-process'} at ${sim.url}; graph latency ${SIM.graphLatencyMs} ms, ${SIM.mailboxConcurrencyLimit} per mailbox`,
		);

		const results = {
			machine: machine(),
			loadAverage: { before: os.loadavg()[0] },
			settings: { ...SIM, messages: args.messages, simulatorMode: sim.mode },
		};
		await warmUp(sim, t, log);
		if (args.only === 'idempotency') {
			results.idempotency = await caseIdempotency(sim, t, { messages: args.messages, log });
			results.loadAverage.after = os.loadavg()[0];
			process.stdout.write(`\n${render(results)}\n`);
			if (args.json) fs.writeFileSync(path.resolve(args.json), JSON.stringify(results, null, 2));
			return;
		}
		results.throughput = await caseThroughput(sim, t, {
			messages: args.messages,
			reps: args.throughputReps,
			log,
		});
		results.faults = await caseFaults(sim, t, { messages: args.messages, log });
		results.tokens = await caseTokens(sim, t, { executions: 10, items: 100, log });
		results.confirm = await caseConfirm(sim, t, { messages: args.messages, log });
		results.idempotency = await caseIdempotency(sim, t, { messages: args.messages, log });

		const ut = sim === processSim ? t : await setupTenant(processSim);
		results.upload = await runUploadChild(
			processSim.startupLine,
			{ tenantId: ut.tenantId, clientId: ut.clientId, secret: ut.secret, sender: ut.sender },
			args,
		);
		log('Retry On Fail ledger: 10k and 100k items in a fresh process');
		results.ledger = runLedgerChild();
		results.totalSeconds = (performance.now() - started) / 1000;
		results.loadAverage.after = os.loadavg()[0];

		const markdown = `${render(results)}\n\n${renderLedger(results.ledger)}`;
		process.stdout.write(`\n${markdown}\n\n(bench took ${results.totalSeconds.toFixed(0)} s)\n`);
		if (args.json) fs.writeFileSync(path.resolve(args.json), JSON.stringify(results, null, 2));
	} finally {
		for (const s of sims) await s.close();
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

function main() {
	const argv = process.argv.slice(2);
	const args = parseArgs(argv);
	if (!args.child) return parent(argv, args);
	const run = args.uploadChild ? uploadChild(args) : benchProcess(args);
	run.then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`bench failed: ${error && error.stack ? error.stack : error}\n`);
			process.exit(1);
		},
	);
}

main();
