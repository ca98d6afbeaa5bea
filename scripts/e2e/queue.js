'use strict';
/**
 * Queue-mode section: PostgreSQL + Redis from Debian, one main + two `n8n worker`s sharing
 * N8N_ENCRYPTION_KEY. (n8n warns "Scaling mode is not officially supported with sqlite. Please use
 * PostgreSQL instead.", so PostgreSQL.) A webhook workflow (production webhooks are always enqueued
 * and run by workers) is called several times; every message must be delivered exactly once and the
 * simulator must see at most one token request per worker process (tokens are cached per process).
 * Then the Idempotency Key's checks (queueKeyed.js): n8n's execution Retry of a half-failed batch,
 * and 50 executions over 10 keys.
 */
const path = require('node:path');
const crypto = require('node:crypto');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { webhookSendWorkflow, attachmentPlan } = require('./workflows');
const { runKeyedQueueChecks } = require('./queueKeyed');

const WORKERS = 2;
const RUNS = 4;

async function runQueueSection({ R, leg, runtime, install, sim, ctx }) {
	const steps = R.steps(`[${leg.id} queue-mode]`);
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-queue-${n}.log`);
	const procs = [];
	let redis;
	let pg;
	let main;
	let client;
	let cred;
	let typeVersion = 1;
	const workerProcs = [];
	const nodeTypeName = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	const encryptionKey = crypto.randomBytes(24).toString('hex');
	let sharedEnv;

	const envFor = async (userFolder, port) =>
		rt.n8nEnv(runtime, leg, {
			userFolder,
			port,
			caCertFile: sim.caCertFile,
			brokerPort: await rt.freePort(),
			extra: { ...sharedEnv, N8N_ENCRYPTION_KEY: encryptionKey },
		});

	try {
		await steps.req('PostgreSQL and Redis started (Debian packages)', async () => {
			const pgDir = rt.makeTempDir(`e2e-${leg.id}-pg`);
			const redisDir = rt.makeTempDir(`e2e-${leg.id}-redis`);
			[pg, redis] = await Promise.all([
				rt.startPostgres({ dir: pgDir, logFile: logs('postgres') }),
				rt.startRedis({ dir: redisDir, logFile: logs('redis') }),
			]);
			procs.push(redis, pg);
			sharedEnv = rt.queueModeEnv({ pg, redis });
			return `postgres :${pg.port}, redis :${redis.port}`;
		});

		await steps.req(
			`package installed for main + ${WORKERS} workers (one user folder each)`,
			async () => {
				const folders = [];
				for (let i = 0; i <= WORKERS; i++) {
					const uf = rt.makeTempDir(`e2e-${leg.id}-queue-uf${i}`);
					await rt.installCommunityPackage(uf, ctx.tarball, runtime, {
						logFile: logs(`npm-i-package-${i}`),
					});
					folders.push(uf);
				}
				ctx.queueFolders = folders;
			},
		);

		await steps.req('main (EXECUTIONS_MODE=queue) starts', async () => {
			const env = await envFor(ctx.queueFolders[0], await rt.freePort());
			main = await rt.startN8n({
				runtime,
				install,
				leg,
				name: `n8n-${leg.id}-queue-main`,
				env,
				logFile: logs('main'),
			});
			procs.push(main);
			return main.baseUrl;
		});

		await steps.req(`${WORKERS} workers start (n8n worker)`, async () => {
			const started = await Promise.all(
				Array.from({ length: WORKERS }, async (_, i) => {
					const env = await envFor(ctx.queueFolders[i + 1], await rt.freePort());
					const w = await rt.startN8n({
						runtime,
						install,
						leg,
						command: 'worker',
						name: `n8n-${leg.id}-worker${i + 1}`,
						env,
						logFile: logs(`worker${i + 1}`),
					});
					procs.push(w);
					return w;
				}),
			);
			workerProcs.push(...started);
			return started.map((w) => `pid ${w.pid}`).join(', ');
		});

		await steps.req(
			'owner, credential and an active webhook workflow set up over REST',
			async () => {
				client = new rt.N8nClient(main.baseUrl);
				await client.setupOwner(rt.DEFAULT_OWNER);
				const types = await c.checkTypesListed(client, nodeTypeName);
				typeVersion = types.typeVersion;
				cred = await c.createCredential(client, c.CREDENTIAL_NAME, rt.simulatorCredentialData(sim));
				const wfDef = webhookSendWorkflow({
					name: 'E2E queue mode: webhook → 3 mails',
					nodeType: nodeTypeName,
					typeVersion,
					credentialId: cred.id,
					credentialName: cred.name,
					webhookPath: ctx.queueWebhookPath || (ctx.queueWebhookPath = c.unique('e2e-queue')),
					items: 3,
					seed: 11,
				});
				delete wfDef.id;
				const wf = await c.createActive(client, wfDef);
				return `workflow ${wf.id} active, webhook /webhook/${ctx.queueWebhookPath}`;
			},
		);

		const plan = attachmentPlan({ items: 3, seed: 11 });
		const tags = Array.from({ length: RUNS }, (_, i) => c.unique(`queue${i + 1}`));
		let countersBefore;
		let outboxBefore;

		await steps.req(`${RUNS} webhook calls through the main are executed by workers`, async () => {
			countersBefore = await sim.counters();
			outboxBefore = rt.outboxMessages(await sim.outbox()).length;
			const url = `${main.baseUrl}/webhook/${ctx.queueWebhookPath}`;
			const answers = await Promise.all(
				tags.map((tag) =>
					rt.httpRequest(url, { method: 'POST', body: { tag }, timeoutMs: 180000 }),
				),
			);
			answers.forEach((a, i) => {
				assert(
					a.status === 200,
					`webhook call ${i + 1} → HTTP ${a.status}: ${a.text.slice(0, 400)}`,
				);
				const items = Array.isArray(a.json) ? a.json : [a.json];
				c.assertOutputItems(items, plan, tags[i]);
			});
			const perWorker = workerProcs.map(
				(w) => w.lines.filter((l) => /Worker started execution/.test(l)).length,
			);
			const onWorkers = perWorker.reduce((x, y) => x + y, 0);
			assert(
				onWorkers >= RUNS,
				`workers logged ${onWorkers} started executions (per worker ${perWorker.join('/')}), expected ${RUNS}`,
			);
			return `all ${RUNS} answered with 3 sent items; executions per worker: ${perWorker.join('/')}`;
		});

		await steps.opt(
			`every message delivered exactly once (${RUNS}×3), attachments byte-identical`,
			async () => {
				const all = rt.outboxMessages(await sim.outbox());
				assert(
					all.length - outboxBefore === RUNS * 3,
					`outbox grew by ${all.length - outboxBefore}, expected ${RUNS * 3}`,
				);
				for (const tag of tags)
					c.assertDelivered(
						all.filter((m) => String(m.message && m.message.subject).includes(tag)),
						plan,
						tag,
					);
				return `${RUNS * 3} messages, none duplicated`;
			},
		);

		await steps.opt(
			`token requests for the client ≤ ${WORKERS} (one per worker process, cached)`,
			async () => {
				const after = await sim.counters();
				const id = rt.DEMO.clientId;
				const delta =
					((after.tokenRequestsByClient || {})[id] || 0) -
					((countersBefore.tokenRequestsByClient || {})[id] || 0);
				assert(
					delta >= 1,
					`no token requests recorded for ${id} (counters: ${JSON.stringify(after).slice(0, 300)})`,
				);
				assert(
					delta <= WORKERS,
					`${delta} token requests for ${RUNS} executions on ${WORKERS} workers (tokens not cached per process?)`,
				);
				return `${delta} token request(s) for ${RUNS * 3} mails`;
			},
		);

		await runKeyedQueueChecks({
			steps,
			sim,
			client,
			install,
			cred,
			nodeType: nodeTypeName,
			typeVersion,
		});
	} finally {
		for (const p of procs.reverse()) await p.stop();
	}
}

module.exports = { runQueueSection };
