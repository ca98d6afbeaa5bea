#!/usr/bin/env node
'use strict';
/**
 * Queue-mode load run: n8n 2.8.4 in queue mode (PostgreSQL, Redis, one main, two `n8n worker`s), one active
 * webhook workflow that sends ONE mail per execution from the simulator's demo mailbox, called N times at once
 * (default 200). Reports: delivered exactly once, the simulator's 429 count, wall time. Numbers go into
 * docs/BENCHMARKS.md ("Queue mode").
 *
 *   npm run build && node scripts/e2e/queue-load.js [--executions 200] [--latency-ms 50] [--per-process N]
 *                                                    [--json FILE]
 *
 * --per-process N sets O365_SEND_MAIL_MAILBOX_CONCURRENCY=N for main and workers (each worker's share of 4).
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

const WORKERS = 2;

function options(argv) {
	const o = { executions: 200, latencyMs: 50, perProcess: undefined, json: undefined };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--executions') o.executions = Number(argv[++i]);
		else if (argv[i] === '--latency-ms') o.latencyMs = Number(argv[++i]);
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

async function activeWebhookWorkflow(client, sim, nodeType, webhookPath) {
	const cred = await createCredential(
		client,
		'Microsoft Graph (simulator)',
		rt.simulatorCredentialData(sim),
	);
	const def = webhookSendWorkflow({
		name: 'Queue load: webhook → 1 mail',
		nodeType,
		credentialId: cred.id,
		credentialName: cred.name,
		webhookPath,
		items: 1,
		seed: 7,
		baseSize: 1024,
	});
	delete def.id;
	await createActive(client, def);
}

async function fire(url, n) {
	const tags = Array.from(
		{ length: n },
		(_, i) => `ql${i}-${crypto.randomBytes(3).toString('hex')}`,
	);
	const started = Date.now();
	const answers = await Promise.all(
		tags.map((tag) => rt.httpRequest(url, { method: 'POST', body: { tag }, timeoutMs: 600000 })),
	);
	return { tags, answers, wallMs: Date.now() - started };
}

function summarise({ tags, answers, wallMs }, outbox, before, after, opts) {
	const failed = answers.filter((a) => a.status !== 200);
	const statuses = answers.flatMap((a) =>
		(Array.isArray(a.json) ? a.json : [a.json]).map((j) => j && j.status),
	);
	const perTag = tags.map(
		(tag) => outbox.filter((m) => String(m.message && m.message.subject).includes(tag)).length,
	);
	return {
		executions: opts.executions,
		workers: WORKERS,
		graphLatencyMs: opts.latencyMs,
		perProcessLimit: opts.perProcess ? Number(opts.perProcess) : 4,
		wallMs,
		httpNon200: failed.length,
		itemsSent: statuses.filter((s) => s === 'sent').length,
		itemsOther: statuses.filter((s) => s !== 'sent'),
		deliveredOnce: perTag.filter((c) => c === 1).length,
		duplicates: perTag.filter((c) => c > 1).length,
		missing: perTag.filter((c) => c === 0).length,
		throttled429: after.throttled - before.throttled,
		sendMailCalls: after.sendMailCalls - before.sendMailCalls,
		maxInFlightForMailbox: after.maxInFlightByMailbox,
		tokenRequests: after.tokenRequests - before.tokenRequests,
		packageVersion: rt.PACKAGE_JSON.version,
		n8n: '2.8.4',
		at: new Date().toISOString(),
	};
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
		const webhookPath = `queue-load-${crypto.randomBytes(4).toString('hex')}`;
		await activeWebhookWorkflow(client, sim, `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`, webhookPath);
		const before = await sim.counters();
		const result = await fire(`${cluster.main.baseUrl}/webhook/${webhookPath}`, opts.executions);
		const after = await sim.counters();
		const outbox = rt.outboxMessages(await sim.outbox());
		const summary = summarise(result, outbox, before, after, opts);
		process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(summary, null, 2));
		process.exitCode = summary.deliveredOnce === opts.executions ? 0 : 1;
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
