'use strict';
// Runs the Office 365 Send Mail node through n8n-core's WorkflowExecute (the compiled test
// harness). n8n-core reads its configuration when first loaded, so prepareN8nEnvironment() must run
// before this is required.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { runSendMail } = require(path.join(root, '.build/test/harness/engine.js'));
const { clearTokenCache } = require(path.join(root, '.build/nodes/shared/token/tokenProvider.js'));
const { UPLOAD_CHUNK_BYTES } = require(
	path.join(root, '.build/nodes/shared/transport/uploadSession.js'),
);

/** What the engine recorded for the Send Mail node: start (epoch ms) and execution time. */
function sendMailTask(run) {
	const task = run.data.resultData.runData['Send Mail']?.[0];
	return task ? { startTime: task.startTime, executionTime: task.executionTime } : undefined;
}

function tally(items) {
	let sent = 0;
	const failures = {};
	for (const item of items) {
		if (item.json.status === 'sent') sent++;
		else {
			const key = String(item.json.error ?? item.json.status);
			failures[key] = (failures[key] ?? 0) + 1;
		}
	}
	return { sent, failed: items.length - sent, failures };
}

/** Runs the node once on `items`, each failure on its output; `ms` is the run's wall time. */
async function timedSendMail(t, items, parameters) {
	const started = performance.now();
	const startedAt = Date.now();
	const result = await runSendMail({
		credentials: t.credentials(),
		items,
		parameters: { toRecipients: 'bob@example.com', bodyContent: 'x', ...parameters },
		onError: 'continueRegularOutput',
	});
	return { ms: performance.now() - started, startedAt, result };
}

/**
 * `count` plain messages (subject "<prefix> <i>", one recipient, tiny HTML body) through the node.
 */
async function nodeSendMail(t, { count, concurrency, prefix, options = {} }) {
	const items = Array.from({ length: count }, (_, i) => ({ json: { i } }));
	const { ms, startedAt, result } = await timedSendMail(t, items, {
		subject: `={{ "${prefix} " + $json.i }}`,
		options: { maxConcurrency: concurrency, ...options },
	});
	if (result.status !== 'success' && !result.items.length)
		throw new Error(`workflow ${result.status}: ${result.errorMessage}`);
	return {
		ms,
		startedAt,
		task: sendMailTask(result.run),
		...tally(result.items),
		clientRequestIds: result.items.map((i) => i.json.clientRequestId),
	};
}

/** One message with one file attachment (n8n binary data, filesystem mode) through the node. */
async function nodeSendFile(t, { file, fileName, mimeType, subject }) {
	const items = [{ json: {}, binary: { file: { file, fileName, mimeType } } }];
	const { ms, result } = await timedSendMail(t, items, {
		subject,
		options: { attachments: 'file' },
	});
	const counts = tally(result.items);
	if (counts.sent !== 1)
		throw new Error(
			`the node did not send the attachment: ${result.errorMessage ?? JSON.stringify(counts.failures)}`,
		);
	return { ms, task: sendMailTask(result.run), via: result.items[0].json.attachments?.[0]?.via };
}

module.exports = { nodeSendMail, nodeSendFile, clearTokenCache, UPLOAD_CHUNK_BYTES };
