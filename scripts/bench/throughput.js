'use strict';
// Cases 1–3: many small messages to one mailbox (node, one-at-a-time baseline, hand-written floor),
// the same under injected 429/503 + Retry-After, and token requests across executions.
const { floorSendMail } = require('./raw');
const { nodeSendMail, clearTokenCache } = require('./node');

/**
 * Checks the outbox for the messages whose subject starts with `prefix`: count, unique subjects and
 * ids.
 */
async function delivery(sim, prefix, expected) {
	const outbox = (await sim.outbox()).filter((m) =>
		String(m.message?.subject ?? '').startsWith(`${prefix} `),
	);
	const subjects = new Set(outbox.map((m) => m.message.subject));
	const ids = new Set(outbox.map((m) => m.clientRequestId).filter(Boolean));
	let missing = 0;
	for (let i = 0; i < expected; i++) if (!subjects.has(`${prefix} ${i}`)) missing++;
	return {
		delivered: outbox.length,
		uniqueSubjects: subjects.size,
		uniqueClientRequestIds: ids.size,
		missing,
	};
}

/**
 * Where the node's wall time went, from the engine's task record and the simulator's request log:
 * before the Send Mail node starts (engine + source node), node start → first Graph request
 * (validation and planning of every item, token), first request → last answer (sending), last
 * answer → run end.
 */
async function breakdown(sim, r) {
	const requests = (await sim.requests()).filter((q) => q.kind === 'graph' || q.kind === 'token');
	if (!r.task || !requests.length) return undefined;
	const graph = requests.filter((q) => q.kind === 'graph');
	const firstRequest = Math.min(...requests.map((q) => q.startedAt));
	const firstGraph = Math.min(...graph.map((q) => q.startedAt));
	const lastAnswer = Math.max(...graph.map((q) => q.finishedAt ?? q.startedAt));
	const end = r.startedAt + r.ms;
	return {
		beforeNodeMs: r.task.startTime - r.startedAt,
		prepareMs: firstRequest - r.task.startTime,
		tokenMs: firstGraph - firstRequest,
		sendingMs: lastAnswer - firstGraph,
		afterMs: end - lastAnswer,
		nodeExecutionMs: r.task.executionTime,
	};
}

/**
 * CPU time (user + system) this process spent in `fn`; the simulator runs elsewhere and is not
 * counted.
 */
async function withCpu(fn) {
	const before = process.cpuUsage();
	const r = await fn();
	const used = process.cpuUsage(before);
	return { ...r, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Mean time the simulator held a sendMail (request arrival → response written, ms clock): with 4
 * slots, 4 / that is the most any client could get from this simulator on this machine.
 */
async function serverTime(sim) {
	const sends = (await sim.requests()).filter(
		(q) => q.kind === 'graph' && q.status === 202 && q.finishedAt,
	);
	if (!sends.length) return undefined;
	return sends.reduce((sum, q) => sum + (q.finishedAt - q.startedAt), 0) / sends.length;
}

/** What a run sent, failed and cost, and what the simulator counted meanwhile. */
function outcome(r, counters) {
	const { ms, cpuMs, sent, failed, failures } = r;
	const { throttled, graphRequests, faultsInjected } = counters;
	return { ms, cpuMs, sent, failed, failures, throttled, graphRequests, faultsInjected };
}

async function runNodeCase(sim, t, opts) {
	await sim.reset();
	clearTokenCache();
	const r = await withCpu(() => nodeSendMail(t, opts));
	const counters = await sim.counters();
	return {
		...outcome(r, counters),
		tokenRequests: counters.tokenRequests,
		maxInFlight: counters.maxInFlight,
		...(await delivery(sim, opts.prefix, opts.count)),
		serverMs: await serverTime(sim),
		breakdown: await breakdown(sim, r),
	};
}

async function runFloorCase(sim, t, { count, concurrency, prefix }) {
	await sim.reset();
	const r = await withCpu(() =>
		floorSendMail(t, { count, concurrency, subject: (i) => `${prefix} ${i}` }),
	);
	const counters = await sim.counters();
	return {
		...outcome({ ...r, sent: count - r.failed, failures: r.statuses }, counters),
		tokenRequests: counters.tokenRequests,
		maxInFlight: counters.maxInFlight,
		...(await delivery(sim, prefix, count)),
		serverMs: await serverTime(sim),
	};
}

/** Warm-up (JIT, module loading, TLS sessions) so the first measured variant is not penalised. */
async function warmUp(sim, t, log) {
	log('warm-up: 40 messages through the node and the floor (not measured)');
	await runNodeCase(sim, t, { count: 40, concurrency: 4, prefix: 'warmup-node' });
	await runFloorCase(sim, t, { count: 40, concurrency: 4, prefix: 'warmup-floor' });
}

/**
 * The run with the median wall time, plus every run's figures (the checks in the report use all
 * runs).
 */
function summarize(runs) {
	const sorted = [...runs].sort((a, b) => a.ms - b.ms);
	return { ...sorted[Math.floor((sorted.length - 1) / 2)], runs };
}

/**
 * (a) and (c) alternate `reps` times so that a noisy neighbour on the machine hits both alike; (b)
 * takes n × 50 ms and runs once.
 */
async function caseThroughput(sim, t, { messages, reps, log }) {
	const nodeRuns = [];
	const floorRuns = [];
	const timed = async (runs, what, label, runCase) => {
		log(`case ${label}, ${messages} messages`);
		const r = await runCase(sim, t, { count: messages, concurrency: 4, prefix: `c1-${what}` });
		log(`  ${(r.ms / 1000).toFixed(2)} s, ${(r.cpuMs / messages).toFixed(2)} ms CPU per message`);
		runs.push(r);
	};
	for (let rep = 1; rep <= reps; rep++) {
		const run = `(run ${rep}/${reps})`;
		await timed(nodeRuns, `node-r${rep}`, `1a: node, maxConcurrency 4 ${run}`, runNodeCase);
		await timed(floorRuns, `floor-r${rep}`, `1c: floor, 4 workers ${run}`, runFloorCase);
	}
	log(`case 1b: node one at a time (maxConcurrency 1), ${messages} messages`);
	const sequential = await runNodeCase(sim, t, {
		count: messages,
		concurrency: 1,
		prefix: 'c1-seq',
	});
	log(`  ${(sequential.ms / 1000).toFixed(2)} s`);
	return {
		node: summarize(nodeRuns),
		sequential: summarize([sequential]),
		floor: summarize(floorRuns),
		reps,
	};
}

/**
 * 20 % of Graph calls get 429 or 503 (10 % each) with Retry-After 0.05 s, answered after 50 ms like
 * a real round trip. The second fault is only drawn when the first was not, hence 0.1 / 0.9.
 */
async function caseFaults(sim, t, { messages, log }) {
	log(`case 2: node, ${messages} messages, 20 % of Graph calls 429/503 + Retry-After 0.05`);
	await sim.reset();
	clearTokenCache();
	const faults = [
		{
			match: { kind: 'graph' },
			probability: 0.1,
			status: 429,
			action: 'respond',
			headers: { 'Retry-After': '0.05' },
			delayMs: 50,
		},
		{
			match: { kind: 'graph' },
			probability: 0.1 / 0.9,
			status: 503,
			action: 'respond',
			headers: { 'Retry-After': '0.05' },
			delayMs: 50,
		},
	];
	for (const f of faults) await sim.injectFault(f);
	const r = await withCpu(() =>
		nodeSendMail(t, { count: messages, concurrency: 4, prefix: 'c2-node' }),
	);
	const counters = await sim.counters();
	const result = {
		...outcome(r, counters),
		retries: counters.graphRequests - messages,
		...(await delivery(sim, 'c2-node', messages)),
	};
	await sim.reset();
	log(`  ${(r.ms / 1000).toFixed(2)} s, ${result.retries} retries`);
	return result;
}

async function caseTokens(sim, t, { executions, items, log }) {
	log(`case 3: ${executions} executions × ${items} items, one credential`);
	await sim.reset();
	clearTokenCache();
	const started = performance.now();
	let sent = 0;
	for (let e = 0; e < executions; e++) {
		const r = await nodeSendMail(t, { count: items, concurrency: 4, prefix: `c3-e${e}` });
		sent += r.sent;
	}
	const ms = performance.now() - started;
	const counters = await sim.counters();
	log(`  ${counters.tokenRequests} token request(s)`);
	return {
		ms,
		sent,
		executions,
		items,
		tokenRequests: counters.tokenRequests,
		throttled: counters.throttled,
	};
}

/**
 * Case 5: the cost of Confirm Message-ID. Each message is sent, then its copy is looked up in Sent
 * Items by the package's marker (one more request when the simulated Sent Items shows it at once; a
 * probe before the send only when the token lists no Mail.Read or Mail.ReadWrite).
 */
async function caseConfirm(sim, t, { messages, log }) {
	log(`case 5: node, ${messages} messages with Confirm Message-ID, maxConcurrency 4`);
	const r = await runNodeCase(sim, t, {
		count: messages,
		concurrency: 4,
		prefix: 'c5-confirm',
		options: { confirmMessageId: true },
	});
	log(
		`  ${(r.ms / 1000).toFixed(2)} s, ${(r.graphRequests / messages).toFixed(2)} requests per message`,
	);
	return { ...r, messages, requestsPerMessage: r.graphRequests / messages };
}

module.exports = { warmUp, caseThroughput, caseFaults, caseTokens, caseConfirm };
