'use strict';
// Case 6: the cost of an Idempotency Key. Each keyed message is looked up in the mailbox once (the
// extended-property filter over /messages), claimed in this process, then sent. The same batch again in a new
// process (no claims in memory) is answered by the mailbox: one lookup per message, nothing sent.
const path = require('node:path');
const { nodeSendMail, clearTokenCache } = require('./node');

const root = path.resolve(__dirname, '..', '..');
const { resetCoordination } = require(path.join(root, '.build/nodes/shared/coordination/index.js'));

async function keyedRun(sim, t, { messages, prefix }) {
	const started = performance.now();
	const r = await nodeSendMail(t, {
		count: messages,
		concurrency: 4,
		prefix,
		options: { idempotencyKey: `={{ "${prefix}-" + $json.i }}` },
	});
	const counters = await sim.counters();
	return { ms: performance.now() - started, sent: r.sent, graphRequests: counters.graphRequests };
}

async function caseIdempotency(sim, t, { messages, log }) {
	log(`case 6: node, ${messages} messages with an Idempotency Key each, maxConcurrency 4`);
	await sim.reset();
	clearTokenCache();
	await resetCoordination();
	const first = await keyedRun(sim, t, { messages, prefix: 'c6-key' });
	const outbox = (await sim.outbox()).filter((m) => m.message?.subject?.startsWith('c6-key '));
	log(
		`  ${(first.ms / 1000).toFixed(2)} s, ${(first.graphRequests / messages).toFixed(2)} requests per message`,
	);
	// A restarted n8n: claims gone; the mailbox (Sent Items, visible at once in this simulator) answers.
	await resetCoordination();
	const before = (await sim.counters()).graphRequests;
	const repeat = await keyedRun(sim, t, { messages, prefix: 'c6-key' });
	const repeatRequests = (await sim.counters()).graphRequests - before;
	const after = (await sim.outbox()).filter((m) => m.message?.subject?.startsWith('c6-key '));
	log(`  repeat: ${(repeat.ms / 1000).toFixed(2)} s, ${after.length - outbox.length} sent again`);
	await sim.reset();
	return {
		messages,
		ms: first.ms,
		sent: first.sent,
		delivered: outbox.length,
		requestsPerMessage: first.graphRequests / messages,
		repeat: {
			ms: repeat.ms,
			sentAgain: after.length - outbox.length,
			requestsPerMessage: repeatRequests / messages,
		},
	};
}

module.exports = { caseIdempotency };
