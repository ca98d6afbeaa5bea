'use strict';
/**
 * Reply in real n8n: a received message is put into the sender's mailbox in the simulator (control API
 * `seedMessage`), a webhook-started workflow replies to it with the Reply operation, and the outbox must hold the
 * threaded reply (RE: subject, to the original's sender, In-Reply-To = the original's Message-ID).
 */
const crypto = require('node:crypto');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');

// Graph extended property that becomes the reply's In-Reply-To header ([MS-OXOMSG] 2.2.1.24 PidTagInReplyToId).
const IN_REPLY_TO_PROPERTY = 'String 0x1042';

function replyWorkflow({ name, nodeType, typeVersion, cred, webhookPath }) {
	return {
		name,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: webhookPath,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: crypto.randomUUID(),
				name: 'Reply',
				type: nodeType,
				typeVersion,
				position: [300, 0],
				parameters: {
					operation: 'reply',
					messageId: '={{ $json.body.messageId }}',
					bodyContentType: 'text',
					bodyContent: '={{ "Thanks, paid. " + $json.body.tag }}',
				},
				credentials: { [rt.CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

/** Runs in the leg's community-package n8n (`shared`: { n8n, client }; the caller stops it). */
async function runReplySection({ R, leg, sim, shared }) {
	if (!shared) {
		R.skip(`[${leg.id}] reply: all checks`, "needs: the leg's n8n (community section)");
		return;
	}
	const steps = R.steps(`[${leg.id}] reply:`);
	const nodeType = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	const { n8n, client } = shared;
	const tag = c.unique('reply');
	const original = `<${tag}@partner.example>`;
	const webhookPath = c.unique('reply-hook');
	let messageId;

	await steps.req('received message seeded and Reply workflow activated', async () => {
		messageId = await sim.rpc('seedMessage', {
			mailbox: rt.DEMO.sender,
			from: { address: 'ann@partner.example', name: 'Ann Partner' },
			to: [{ address: rt.DEMO.sender }],
			subject: `Invoice ${tag}`,
			internetMessageId: original,
		});
		assert(typeof messageId === 'string' && messageId, `seedMessage returned ${messageId}`);
		const { typeVersion } = await c.checkTypesListed(client, nodeType);
		const cred = await c.createCredential(
			client,
			c.CREDENTIAL_NAME,
			rt.simulatorCredentialData(sim),
		);
		const wf = replyWorkflow({
			name: `E2E reply ${tag}`,
			nodeType,
			typeVersion,
			cred,
			webhookPath,
		});
		await c.createActive(client, wf);
		return `message ${messageId.slice(0, 16)}…, /webhook/${webhookPath}`;
	});

	await steps.opt('Reply answers the received message, threaded, to its sender', async () => {
		const before = rt.outboxMessages(await sim.outbox()).length;
		// n8n 2.41 registers an activated workflow's webhook a moment after the activation call returns
		const r = await rt.waitFor(
			`webhook /webhook/${webhookPath} registered`,
			async () => {
				const res = await rt.httpRequest(`${n8n.baseUrl}/webhook/${webhookPath}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ messageId, tag }),
					timeoutMs: 120000,
				});
				return res.status === 404 && /not registered/.test(res.text) ? null : res;
			},
			{ timeoutMs: 60000, intervalMs: 1000 },
		);
		assert(r.status === 200, `webhook → HTTP ${r.status}: ${r.text.slice(0, 400)}`);
		const out = JSON.parse(r.text);
		const item = Array.isArray(out) ? out[0] : out;
		assert(
			item && item.status === 'sent' && item.repliedToMessageId === messageId,
			`node output ${r.text.slice(0, 400)}`,
		);
		const all = rt.outboxMessages(await sim.outbox());
		assert(all.length === before + 1, `outbox grew by ${all.length - before}, expected 1`);
		const sent = all[all.length - 1];
		const m = sent.message || {};
		const to = (m.toRecipients || []).map((x) => x.emailAddress.address);
		const props = m.singleValueExtendedProperties || [];
		const inReplyTo = (props.find((p) => p.id === IN_REPLY_TO_PROPERTY) || {}).value;
		assert(sent.via === 'reply', `outbox record via ${sent.via}, expected reply`);
		assert(m.subject === `RE: Invoice ${tag}`, `subject ${JSON.stringify(m.subject)}`);
		assert(to.join() === 'ann@partner.example', `to ${JSON.stringify(to)}`);
		assert(inReplyTo === original, `In-Reply-To ${inReplyTo}, expected ${original}`);
		return `"${m.subject}" to ${to.join()}, In-Reply-To ${inReplyTo}`;
	});
}

module.exports = { runReplySection };
