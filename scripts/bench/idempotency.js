'use strict';
// Case 6: the cost of an Idempotency Key. The keys of a run are looked up in the mailbox up to 20
// per request (an `or` of the extended-property filter over /messages), each claimed in this
// process, then sent. The same batch without keys runs alternately with the keyed one, so the ratio
// compares runs of the same moment. The keyed batch again in a new process (no claims in memory) is
// answered by the mailbox: nothing sent.
const path = require('node:path');
const { nodeSendMail, clearTokenCache } = require('./node');

const root = path.resolve(__dirname, '..', '..');
const { resetCoordination } = require(path.join(root, '.build/nodes/shared/coordination/index.js'));

async function timedRun(sim, t, { messages, prefix, keyed }) {
	const before = (await sim.counters()).graphRequests;
	const started = performance.now();
	const r = await nodeSendMail(t, {
		count: messages,
		concurrency: 4,
		prefix,
		options: keyed ? { idempotencyKey: `={{ "${prefix}-" + $json.i }}` } : {},
	});
	const ms = performance.now() - started;
	const requests = (await sim.counters()).graphRequests - before;
	return { ms, sent: r.sent, requestsPerMessage: requests / messages };
}

const median = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function caseIdempotency(sim, t, { messages, reps = 3, log }) {
	log(`case 6: node, ${messages} messages with and without an Idempotency Key, maxConcurrency 4`);
	await sim.reset();
	clearTokenCache();
	const keyless = [];
	const keyed = [];
	let prefix = '';
	for (let rep = 0; rep < reps; rep++) {
		keyless.push(await timedRun(sim, t, { messages, prefix: `c6-plain${rep}`, keyed: false }));
		await resetCoordination();
		prefix = `c6-key${rep}`;
		keyed.push(await timedRun(sim, t, { messages, prefix, keyed: true }));
		const [a, b] = [keyless[rep], keyed[rep]];
		log(
			`  rep ${rep + 1}: keyless ${(a.ms / 1000).toFixed(2)} s, keyed ${(b.ms / 1000).toFixed(2)} s (${b.requestsPerMessage.toFixed(2)} requests/msg)`,
		);
	}
	const delivered = (await sim.outbox()).filter((m) =>
		m.message?.subject?.startsWith(`${prefix} `),
	).length;
	// A restarted n8n: claims gone; the mailbox (Sent Items, visible at once in this simulator)
	// answers.
	await resetCoordination();
	const outboxBefore = (await sim.outbox()).length;
	const repeat = await timedRun(sim, t, { messages, prefix, keyed: true });
	const sentAgain = (await sim.outbox()).length - outboxBefore;
	log(`  repeat: ${(repeat.ms / 1000).toFixed(2)} s, ${sentAgain} sent again`);
	await sim.reset();
	const k = median(keyed);
	const plain = median(keyless);
	return {
		messages,
		reps,
		ms: k.ms,
		sent: k.sent,
		delivered,
		requestsPerMessage: k.requestsPerMessage,
		keyless: { ms: plain.ms, sent: plain.sent, requestsPerMessage: plain.requestsPerMessage },
		// Each keyed run against the keyless run just before it (the same moment's load), then the
		// median.
		ratio: middle(keyed.map((r, i) => r.sent / r.ms / (keyless[i].sent / keyless[i].ms))),
		runs: { keyless: keyless.map((r) => r.ms), keyed: keyed.map((r) => r.ms) },
		repeat: { ms: repeat.ms, sentAgain, requestsPerMessage: repeat.requestsPerMessage },
	};
}

module.exports = { caseIdempotency };
