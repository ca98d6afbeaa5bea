'use strict';
/**
 * Idempotency Key in real n8n queue mode (main + workers, Redis, PostgreSQL), two checks:
 * - n8n's execution Retry (REST `POST /rest/executions/{id}/retry` with the owner's cookie, `{
 *   loadWorkflow: false }` as the editor's "Retry with original workflow" sends) of an execution
 *   that failed halfway through a batch: every message in the outbox exactly once, the ones the
 *   failed execution delivered output `deduplicated: true`;
 * - 50 webhook executions at once over 10 keys: exactly 10 mails, no 429 in the simulator's
 *   counters.
 */
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { node, sendMailNode, webhookNode, workflowOf } = require('./workflows');

/**
 * Webhook (body {tag, keys}) → Code (one item per key) → Office 365 Send Mail with Idempotency Key
 * {{$json.key}}.
 */
function keyedWebhookWorkflow({ name, webhookPath, ...sendMail }) {
	const jsCode = [
		'const body = $input.first().json.body;',
		'return body.keys.map((key, i) => ({',
		"  json: { key, to: 'keyed' + (i + 1) + '@example.com', subject: 'e2e ' + body.tag + ' ' + key },",
		'}));',
	].join('\n');
	const nodes = [
		webhookNode(webhookPath),
		node({
			name: 'One item per key',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [320, 300],
			parameters: { jsCode },
		}),
		sendMailNode({
			...sendMail,
			parameters: {
				sender: '',
				toRecipients: '={{ $json.to }}',
				subject: '={{ $json.subject }}',
				bodyContentType: 'text',
				bodyContent: 'Keyed e2e message.',
				options: { idempotencyKey: '={{ $json.key }}' },
			},
		}),
	];
	return workflowOf({ name, nodes });
}

/** The n8n install's own `flatted` (execution data is stored flattened). */
function parseExecutionData(install, data) {
	if (typeof data !== 'string') return data;
	const { parse } = require(path.join(install.dir, 'node_modules', 'flatted'));
	return parse(data);
}

/** The Send Mail node's output items of an execution, read over REST. */
async function sendMailOutput(client, install, id) {
	const execution = await client.get(`/rest/executions/${id}`);
	const data = parseExecutionData(install, execution.data);
	const runs = data && data.resultData && data.resultData.runData['Office 365 Send Mail'];
	assert(runs && runs.length, `execution ${id} has no run of the Send Mail node`);
	const last = runs[runs.length - 1];
	return {
		status: execution.status,
		items: ((last.data && last.data.main[0]) || []).map((i) => i.json),
	};
}

/** The workflow's executions, newest first (at most `limit`). */
async function executionsOf(client, workflowId, limit) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await client.get(`/rest/executions?filter=${filter}&limit=${limit}`);
	return list.results || list;
}

async function newestExecutionId(client, workflowId) {
	const [newest] = await executionsOf(client, workflowId, 1);
	return newest ? Number(newest.id) : 0;
}

/** Waits until `count` executions newer than `since` have finished; their ids. */
async function finishedExecutionsAfter(client, workflowId, since, count) {
	let ids = [];
	await rt.waitFor(
		`${count} finished executions of workflow ${workflowId}`,
		async () => {
			const list = (await executionsOf(client, workflowId, count + 20)).filter(
				(e) => Number(e.id) > since,
			);
			ids = list.filter((e) => ['success', 'error', 'crashed'].includes(e.status)).map((e) => e.id);
			return ids.length >= count;
		},
		{ timeoutMs: 180000, intervalMs: 1000 },
	);
	return ids;
}

/** The newest execution of the workflow with the wanted status. */
async function executionOf(client, workflowId, status) {
	let found;
	await rt.waitFor(
		`a ${status} execution of workflow ${workflowId}`,
		async () => {
			found = (await executionsOf(client, workflowId, 20)).find((e) => e.status === status);
			return Boolean(found);
		},
		{ timeoutMs: 30000, intervalMs: 500 },
	);
	return found;
}

const tagged = async (sim, tag) =>
	rt
		.outboxMessages(await sim.outbox())
		.filter((m) => String(m.message && m.message.subject).includes(tag));

async function runKeyedQueueChecks({ steps, sim, client, install, cred, nodeType, typeVersion }) {
	let wf;
	const webhookPath = c.unique('e2e-keyed');
	await steps.req(
		'a keyed webhook workflow (Idempotency Key {{$json.key}}) is active',
		async () => {
			const def = keyedWebhookWorkflow({
				name: 'E2E queue mode: keyed mails',
				nodeType,
				typeVersion,
				credentialId: cred.id,
				credentialName: cred.name,
				webhookPath,
			});
			wf = await c.createActive(client, def);
			return `workflow ${wf.id}`;
		},
	);
	const url = () => `${client.baseUrl}/webhook/${webhookPath}`;

	const retryTag = c.unique('retry');
	const keys = Array.from({ length: 6 }, (_, i) => `${retryTag}-k${i}`);
	let failedId;
	let deliveredByFailure = 0;
	await steps.req(
		'an execution fails halfway through 6 keyed mails (4th sendMail refused)',
		async () => {
			await sim.rpc('injectFault', {
				match: { kind: 'graph', path: 'sendMail$' },
				after: 3,
				times: 1,
				action: 'respond',
				status: 400,
			});
			const answer = await rt.httpRequest(url(), {
				method: 'POST',
				body: { tag: retryTag, keys },
				timeoutMs: 180000,
			});
			await sim.rpc('clearFaults');
			assert(
				answer.status >= 400,
				`webhook answered ${answer.status}, expected the execution's error`,
			);
			failedId = (await executionOf(client, wf.id, 'error')).id;
			deliveredByFailure = (await tagged(sim, retryTag)).length;
			assert(
				deliveredByFailure >= 3 && deliveredByFailure < keys.length,
				`${deliveredByFailure} of ${keys.length} delivered before the failure, expected 3–5`,
			);
			return `execution ${failedId} failed after ${deliveredByFailure} of ${keys.length} mails`;
		},
	);

	await steps.req(
		'n8n Retry (POST /rest/executions/{id}/retry) sends the rest: each mail exactly once',
		async () => {
			const before = await sim.counters();
			const retried = await client.post(`/rest/executions/${failedId}/retry`, {
				loadWorkflow: false,
			});
			assert(retried && retried.id, `retry answered ${JSON.stringify(retried).slice(0, 300)}`);
			const out = await sendMailOutput(client, install, retried.id);
			assert(out.status === 'success', `retry execution ${retried.id} is ${out.status}`);
			const all = await tagged(sim, retryTag);
			for (const key of keys) {
				const n = all.filter((m) => String(m.message.subject).endsWith(` ${key}`)).length;
				assert(n === 1, `${key}: ${n} mails in the outbox, expected exactly 1`);
			}
			const dedup = out.items.filter((j) => j.deduplicated === true).length;
			assert(out.items.length === keys.length, `retry output ${out.items.length} items`);
			assert(
				out.items.every((j) => j.status === 'sent'),
				`statuses ${out.items.map((j) => j.status).join(',')}`,
			);
			assert(
				dedup === deliveredByFailure,
				`${dedup} items deduplicated, expected the ${deliveredByFailure} delivered before`,
			);
			const after = await sim.counters();
			const sends = after.sendMailCalls - before.sendMailCalls;
			assert(sends === keys.length - deliveredByFailure, `${sends} sendMail calls in the retry`);
			return `retry ${retried.id}: ${sends} sent, ${dedup} deduplicated: true, outbox 6 (each once)`;
		},
	);

	await steps.req(
		'50 webhook executions at once over 10 keys: exactly 10 mails, 0 × 429',
		async () => {
			const tag = c.unique('burst');
			const before = await sim.counters();
			// 50 ms per Graph request, so requests of both workers overlap and a 5th at once would
			// get 429.
			await sim.rpc('setGraphLatency', 50);
			const since = await newestExecutionId(client, wf.id);
			const answers = await Promise.all(
				Array.from({ length: 50 }, (_, i) =>
					rt
						.httpRequest(url(), {
							method: 'POST',
							body: { tag, keys: [`${tag}-k${i % 10}`] },
							timeoutMs: 150000,
						})
						.catch((e) => ({ status: 0, error: e.message })),
				),
			).finally(() => sim.rpc('setGraphLatency', 0));
			const bad = answers.filter((a) => a.status !== 200 && a.status !== 0);
			assert(
				!bad.length,
				`${bad.length} webhook calls failed: ${bad.map((a) => a.status).join(',')}`,
			);
			// The outcome of each execution, as n8n stored it: in queue mode the main answers a webhook
			// when the worker's job-finished message reaches it, and under load n8n 2.8.4 lost one
			// (every job finished on the workers; the main kept one request open).
			const lost = answers.filter((a) => a.status === 0).length;
			const ids = await finishedExecutionsAfter(client, wf.id, since, 50);
			const outputs = await Promise.all(ids.map((id) => sendMailOutput(client, install, id)));
			assert(
				outputs.every((o) => o.status === 'success'),
				`statuses ${outputs.map((o) => o.status).join(',')}`,
			);
			const items = outputs.flatMap((o) => o.items);
			assert(
				items.length === 50 && items.every((j) => j && j.status === 'sent'),
				`${items.length} outputs, statuses ${[...new Set(items.map((j) => j && j.status))]}`,
			);
			const dedup = items.filter((j) => j.deduplicated === true).length;
			const mails = await tagged(sim, tag);
			assert(mails.length === 10, `${mails.length} mails in the outbox, expected 10`);
			assert(dedup === 40, `${dedup} outputs deduplicated, expected 40`);
			const after = await sim.counters();
			const throttled = after.throttled - before.throttled;
			assert(throttled === 0, `${throttled} × 429 in the simulator's counters`);
			const lostNote = lost
				? `; ${lost} webhook answer(s) lost by n8n's main, read from the execution`
				: '';
			return `10 mails, 40 deduplicated, 0 × 429, peak ${JSON.stringify(after.maxInFlightByMailbox)} in flight${lostNote}`;
		},
	);
}

module.exports = { runKeyedQueueChecks };
