#!/usr/bin/env node
'use strict';
/**
 * Queue-mode load run (a bench, not a test): n8n 2.8.4 in queue mode (PostgreSQL, Redis, one main,
 * two `n8n worker`s) and two active webhook workflows of the same shape, Webhook → Code (one item,
 * 1 KB attachment) → either Office 365 Send Mail (one mail from the simulator's demo mailbox) or
 * n8n's No Operation node: n8n's own ceiling on the same stack. Each is called N times at once
 * (default 200), alternating in ABBA order after a warm-up, so both see the same machine. Reports:
 * delivered exactly once, the simulator's 429 count and peak requests in flight to the mailbox
 * during the Send Mail rounds, msg/s of both and their ratio. Numbers go into docs/BENCHMARKS.md
 * ("Queue mode").
 *
 *   npm run build && node scripts/e2e/queue-load.js [--executions 200] [--rounds 2] [--latency-ms 50]
 *                                                    [--per-process N] [--json FILE]
 *
 * --rounds R: R rounds of each workflow (ABBA order); --per-process N sets
 * O365_SEND_MAIL_MAILBOX_CONCURRENCY=N for main and workers (each worker's share of 4).
 *
 * Uses the n8n install cache of the e2e suite (N8N_E2E_CACHE, default <repo>/.cache/n8n).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const rt = require('../lib/n8n-runtime');
const LEGS = require('./legs');
const { webhookSendWorkflow } = require('./workflows');
const { createCredential, createActive } = require('./common');
const { groupCpuMs } = require('./procCpu');

const WORKERS = 2;

function options(argv) {
	const o = { executions: 200, rounds: 2, latencyMs: 50, perProcess: undefined, json: undefined };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--executions') o.executions = Number(argv[++i]);
		else if (argv[i] === '--latency-ms') o.latencyMs = Number(argv[++i]);
		else if (argv[i] === '--rounds') o.rounds = Number(argv[++i]);
		else if (argv[i] === '--per-process') o.perProcess = argv[++i];
		else if (argv[i] === '--json') o.json = argv[++i];
		else throw new Error(`unknown option ${argv[i]}`);
	}
	return o;
}

async function startQueueCluster({ leg, runtime, install, sim, tarball, logsDir, perProcess }) {
	const logs = (n) => path.join(logsDir, `queue-load-${n}.log`);
	const [pg, redis] = await Promise.all([
		rt.startPostgres({ dir: rt.makeTempDir('ql-pg'), logFile: logs('postgres') }),
		rt.startRedis({ dir: rt.makeTempDir('ql-redis'), logFile: logs('redis') }),
	]);
	const shared = {
		...rt.queueModeEnv({ pg, redis }),
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		...(perProcess ? { O365_SEND_MAIL_MAILBOX_CONCURRENCY: String(perProcess) } : {}),
	};
	const folders = [];
	for (let i = 0; i <= WORKERS; i++) {
		const uf = rt.makeTempDir(`ql-uf${i}`);
		await rt.installCommunityPackage(uf, tarball, runtime, { logFile: logs(`npm-i-${i}`) });
		folders.push(uf);
	}
	const envFor = async (uf) =>
		rt.n8nEnv(runtime, leg, {
			userFolder: uf,
			port: await rt.freePort(),
			caCertFile: sim.caCertFile,
			brokerPort: await rt.freePort(),
			extra: shared,
		});
	const main = await rt.startN8n({
		runtime,
		install,
		leg,
		name: 'ql-main',
		env: await envFor(folders[0]),
		logFile: logs('main'),
	});
	const workers = await Promise.all(
		Array.from({ length: WORKERS }, async (_, i) =>
			rt.startN8n({
				runtime,
				install,
				leg,
				command: 'worker',
				name: `ql-worker${i + 1}`,
				env: await envFor(folders[i + 1]),
				logFile: logs(`worker${i + 1}`),
			}),
		),
	);
	return { procs: [redis, pg, main, ...workers], main, workers };
}

async function activeWebhookWorkflows(client, sim, nodeType) {
	const cred = await createCredential(
		client,
		'Microsoft Graph (simulator)',
		rt.simulatorCredentialData(sim),
	);
	const paths = {
		send: `queue-load-${crypto.randomBytes(4).toString('hex')}`,
		noop: `queue-load-noop-${crypto.randomBytes(4).toString('hex')}`,
	};
	const shape = { nodeType, credentialId: cred.id, credentialName: cred.name, items: 1, seed: 7 };
	const send = webhookSendWorkflow({
		name: 'Queue load: webhook → 1 mail',
		webhookPath: paths.send,
		baseSize: 1024,
		...shape,
	});
	const noop = webhookSendWorkflow({
		name: 'Queue load: webhook → No Operation',
		webhookPath: paths.noop,
		baseSize: 1024,
		...shape,
	});
	// The same workflow with the Send Mail node replaced by No Operation (same name, so the wiring
	// holds).
	const last = noop.nodes[noop.nodes.length - 1];
	Object.assign(last, { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} });
	delete last.credentials;
	for (const def of [send, noop]) {
		delete def.id;
		await createActive(client, def);
	}
	return paths;
}

/**
 * n calls at once. A call without an answer within 120 s counts as lost (status 0), and the wall
 * time ends at the last answer that came: on a loaded machine n8n's main has dropped a webhook
 * answer whose execution finished.
 */
async function fire(url, n, prefix) {
	const tags = Array.from(
		{ length: n },
		(_, i) => `${prefix}${i}-${crypto.randomBytes(3).toString('hex')}`,
	);
	const started = Date.now();
	let last = started;
	const answers = await Promise.all(
		tags.map((tag) =>
			rt.httpRequest(url, { method: 'POST', body: { tag }, timeoutMs: 120000 }).then(
				(answer) => {
					last = Date.now();
					return answer;
				},
				(error) => ({ status: 0, json: undefined, text: String(error.message) }),
			),
		),
	);
	return { tags, answers, wallMs: last - started };
}

/**
 * One round of the Send Mail workflow, with the simulator's counters and outbox of that round
 * alone.
 */
async function sendRound(sim, url, opts, prefix) {
	await sim.rpc('reset'); // counters (peak in flight included) and outbox of this round only
	await sim.rpc('setGraphLatency', opts.latencyMs);
	const result = await fire(url, opts.executions, prefix);
	const counters = await sim.counters();
	const outbox = rt.outboxMessages(await sim.outbox());
	const failed = result.answers.filter((a) => a.status !== 200);
	const statuses = result.answers.flatMap((a) =>
		(Array.isArray(a.json) ? a.json : [a.json]).map((j) => j && j.status),
	);
	const perTag = result.tags.map(
		(tag) => outbox.filter((m) => String(m.message && m.message.subject).includes(tag)).length,
	);
	return {
		wallMs: result.wallMs,
		httpNon200: failed.length,
		lost: result.answers.filter((a) => a.status === 0).length,
		itemsSent: statuses.filter((st) => st === 'sent').length,
		deliveredOnce: perTag.filter((n) => n === 1).length,
		duplicates: perTag.filter((n) => n > 1).length,
		missing: perTag.filter((n) => n === 0).length,
		throttled429: counters.throttled,
		sendMailCalls: counters.sendMailCalls,
		maxInFlightForMailbox: Math.max(0, ...Object.values(counters.maxInFlightByMailbox || {})),
		tokenRequests: counters.tokenRequests,
	};
}

async function noopRound(url, opts, prefix) {
	const result = await fire(url, opts.executions, prefix);
	const failed = result.answers.filter((a) => a.status !== 200);
	return {
		wallMs: result.wallMs,
		httpNon200: failed.length,
		lost: result.answers.filter((a) => a.status === 0).length,
	};
}

function summarise(sendRounds, noopRounds, opts) {
	const total = (rounds) => rounds.reduce((n, r) => n + r.wallMs, 0);
	const rate = (rounds) => (rounds.length * opts.executions) / (total(rounds) / 1000);
	const sum = (key) => sendRounds.reduce((n, r) => n + r[key], 0);
	const cpu = (rounds) => rounds.reduce((n, r) => n + r.n8nCpuMsPerExecution, 0) / rounds.length;
	return {
		executions: opts.executions,
		rounds: opts.rounds,
		workers: WORKERS,
		graphLatencyMs: opts.latencyMs,
		perProcessLimit: opts.perProcess ? Number(opts.perProcess) : 4,
		sendMsgPerS: Number(rate(sendRounds).toFixed(2)),
		noopExecPerS: Number(rate(noopRounds).toFixed(2)),
		ratio: Number((rate(sendRounds) / rate(noopRounds)).toFixed(3)),
		n8nCpuMsPerExecution: {
			send: Number(cpu(sendRounds).toFixed(1)),
			noop: Number(cpu(noopRounds).toFixed(1)),
		},
		throttled429: sum('throttled429'),
		maxInFlightForMailbox: Math.max(...sendRounds.map((r) => r.maxInFlightForMailbox)),
		deliveredOnce: sum('deliveredOnce'),
		duplicates: sum('duplicates'),
		missing: sum('missing'),
		httpNon200: sum('httpNon200') + noopRounds.reduce((n, r) => n + r.httpNon200, 0),
		sendRounds,
		noopRounds,
		packageVersion: rt.PACKAGE_JSON.version,
		n8n: '2.8.4',
		at: new Date().toISOString(),
	};
}

async function measure(sim, baseUrl, paths, opts, n8nPids) {
	const send = `${baseUrl}/webhook/${paths.send}`;
	const noop = `${baseUrl}/webhook/${paths.noop}`;
	// Warm-up: both workflows compiled and loaded in every process before anything is timed.
	await fire(noop, 20, 'warm-noop');
	await fire(send, 20, 'warm-send');
	const sendRounds = [];
	const noopRounds = [];
	for (let r = 0; r < opts.rounds; r++) {
		const order = r % 2 === 0 ? ['noop', 'send'] : ['send', 'noop'];
		for (const which of order) {
			const cpuBefore = groupCpuMs(n8nPids);
			const round =
				which === 'noop'
					? await noopRound(noop, opts, `qn${r}-`)
					: await sendRound(sim, send, opts, `ql${r}-`);
			// n8n's CPU (main, workers, their task runners) per execution: what the node adds, whatever
			// the load.
			round.n8nCpuMsPerExecution = (groupCpuMs(n8nPids) - cpuBefore) / opts.executions;
			(which === 'noop' ? noopRounds : sendRounds).push(round);
			process.stderr.write(
				`round ${r + 1} ${which}: ${(round.wallMs / 1000).toFixed(1)} s, n8n CPU ${round.n8nCpuMsPerExecution.toFixed(1)} ms/execution\n`,
			);
		}
	}
	return summarise(sendRounds, noopRounds, opts);
}

async function main() {
	const opts = options(process.argv.slice(2));
	rt.installExitHandlers();
	rt.assertBuilt();
	const cacheRoot = process.env.N8N_E2E_CACHE || rt.defaultCacheRoot();
	const logsDir = rt.makeTempDir('ql-logs');
	const leg = LEGS.find((l) => l.id === 'n8n-2.8.4');
	const tarball = (await rt.packRepo(rt.makeTempDir('ql-pack'))).tarball;
	const runtime = await rt.ensureNodeRuntime(leg.node, { cacheRoot });
	const install = await rt.ensureN8n(leg, runtime, { cacheRoot });
	const sim = await rt.startSimulator({ scenario: 'demo', logFile: path.join(logsDir, 'sim.log') });
	let cluster;
	try {
		await sim.rpc('setGraphLatency', opts.latencyMs);
		cluster = await startQueueCluster({
			leg,
			runtime,
			install,
			sim,
			tarball,
			logsDir,
			perProcess: opts.perProcess,
		});
		const client = new rt.N8nClient(cluster.main.baseUrl);
		await client.setupOwner(rt.DEFAULT_OWNER);
		const paths = await activeWebhookWorkflows(client, sim, `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`);
		const n8nPids = [cluster.main, ...cluster.workers].map((p) => p.pid);
		const summary = await measure(sim, cluster.main.baseUrl, paths, opts, n8nPids);
		process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(summary, null, 2));
		process.exitCode = summary.deliveredOnce === opts.executions * opts.rounds ? 0 : 1;
	} finally {
		for (const p of (cluster ? cluster.procs : []).reverse()) await p.stop();
		await sim.stop();
		await rt.stopAll();
		rt.removeTempDirs();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error.message}\n`);
	process.exit(1);
});
