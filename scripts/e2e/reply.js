'use strict';
/**
 * Reply in real n8n: a received message is put into the sender's mailbox in the simulator (control
 * API `seedMessage`), a webhook-started workflow replies to it with the Reply operation, and the
 * outbox must hold the threaded reply (RE: subject, to the original's sender, In-Reply-To = the
 * original's Message-ID), the new text above the quoted original (Quote Original on, the default)
 * or alone (off). A second workflow sends with Confirm Message-ID while the simulator overwrites
 * client Message-IDs: the output must name the one Exchange stored.
 */
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { sendMailNode, webhookNode, workflowOf } = require('./workflows');

// Graph extended property that becomes the reply's In-Reply-To header ([MS-OXOMSG] 2.2.1.24
// PidTagInReplyToId).
const IN_REPLY_TO_PROPERTY = 'String 0x1042';
// The Message-ID the node stamps on a JSON send ([MS-OXPROPS] PidTagInternetMessageId).
const MESSAGE_ID_PROPERTY = 'String 0x1035';
const QUOTED_TEXT = 'Please pay the invoice';

/** Webhook → one Office 365 Send Mail node; the webhook answers with the node's output. */
function hookWorkflow(name, webhookPath, sendMail) {
	return workflowOf({ name, nodes: [webhookNode(webhookPath), sendMailNode(sendMail)] });
}

const REPLY = {
	name: 'Reply',
	parameters: {
		operation: 'reply',
		messageId: '={{ $json.body.messageId }}',
		bodyContentType: 'text',
		bodyContent: '={{ "Thanks, paid. " + $json.body.tag }}',
		// Quote Original is on unless the call says otherwise.
		options: { quoteOriginal: '={{ $json.body.quote !== false }}' },
	},
};
const SEND_CONFIRMED = {
	name: 'Send',
	parameters: {
		operation: 'send',
		toRecipients: 'ada@example.com',
		subject: '={{ "Confirmed " + $json.body.tag }}',
		bodyContentType: 'text',
		bodyContent: 'Confirm Message-ID',
		options: { confirmMessageId: true },
	},
};

/** POSTs `body` to the workflow's webhook and returns the node's output item. */
async function callHook(n8n, webhookPath, body) {
	// n8n 2.41 registers an activated workflow's webhook a moment after the activation call returns
	const r = await rt.waitFor(
		`webhook /webhook/${webhookPath} registered`,
		async () => {
			const res = await rt.httpRequest(`${n8n.baseUrl}/webhook/${webhookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
				timeoutMs: 120000,
			});
			return res.status === 404 && /not registered/.test(res.text) ? null : res;
		},
		{ timeoutMs: 60000, intervalMs: 1000 },
	);
	assert(r.status === 200, `webhook → HTTP ${r.status}: ${r.text.slice(0, 400)}`);
	const out = JSON.parse(r.text);
	return { item: Array.isArray(out) ? out[0] : out, text: r.text };
}

/** The message the outbox received last, after checking that exactly one arrived since `before`. */
async function newest(sim, before) {
	const all = rt.outboxMessages(await sim.outbox());
	assert(all.length === before + 1, `outbox grew by ${all.length - before}, expected 1`);
	return all[all.length - 1];
}

/**
 * Quote Original off: the body is only the new text, as the node sent it before quoting existed.
 */
async function unquotedCheck(steps, { n8n, sim, webhookPath, messageId }) {
	await steps.opt('Reply, Quote Original off: the body is only the new text', async () => {
		const before = rt.outboxMessages(await sim.outbox()).length;
		const tag = c.unique('nq');
		await callHook(n8n, webhookPath, { messageId, tag, quote: false });
		const body = (await newest(sim, before)).message.body || {};
		assert(body.content === `Thanks, paid. ${tag}`, `body ${JSON.stringify(body).slice(0, 400)}`);
		return `body ${JSON.stringify(body.content)}`;
	});
}

/**
 * Send with Confirm Message-ID under an Exchange that overwrites client Message-IDs: Exchange's,
 * confirmed.
 */
async function confirmCheck(steps, { n8n, sim, webhookPath }) {
	await steps.opt(
		'Send with Confirm Message-ID, Exchange overwrites Message-IDs: Exchange’s, confirmed',
		async () => {
			await sim.rpc('setExchangeBehaviour', { messageIds: 'overwrite' });
			try {
				const before = rt.outboxMessages(await sim.outbox()).length;
				const { item, text } = await callHook(n8n, webhookPath, { tag: c.unique('cf') });
				const sent = await newest(sim, before);
				const stamped = (
					(sent.message.singleValueExtendedProperties || []).find(
						(p) => p.id === MESSAGE_ID_PROPERTY,
					) || {}
				).value;
				assert(
					item && item.internetMessageIdConfirmed === true,
					`node output ${text.slice(0, 400)}`,
				);
				assert(
					item.internetMessageId === sent.internetMessageId && stamped !== sent.internetMessageId,
					`output ${item.internetMessageId}, stored ${sent.internetMessageId}, stamped ${stamped}`,
				);
				return `internetMessageId ${item.internetMessageId} = stored (node stamped ${stamped})`;
			} finally {
				await sim.rpc('setExchangeBehaviour', { messageIds: 'keep' });
			}
		},
	);
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
	const sendPath = c.unique('send-hook');
	let messageId;

	await steps.req('received message seeded; Reply and Send workflows activated', async () => {
		messageId = await sim.rpc('seedMessage', {
			mailbox: rt.DEMO.sender,
			from: { address: 'ann@partner.example', name: 'Ann Partner' },
			to: [{ address: rt.DEMO.sender }],
			subject: `Invoice ${tag}`,
			body: `<p>${QUOTED_TEXT} ${tag}.</p>`,
			internetMessageId: original,
		});
		assert(typeof messageId === 'string' && messageId, `seedMessage returned ${messageId}`);
		const { typeVersion } = await c.checkTypesListed(client, nodeType);
		const cred = await c.createCredential(
			client,
			c.CREDENTIAL_NAME,
			rt.simulatorCredentialData(sim),
		);
		const common = { nodeType, typeVersion, credentialId: cred.id, credentialName: cred.name };
		const reply = hookWorkflow(`E2E reply ${tag}`, webhookPath, { ...common, ...REPLY });
		await c.createActive(client, reply);
		const send = hookWorkflow(`E2E send ${tag}`, sendPath, { ...common, ...SEND_CONFIRMED });
		await c.createActive(client, send);
		return `message ${messageId.slice(0, 16)}…, /webhook/${webhookPath}, /webhook/${sendPath}`;
	});
	if (steps.blocked) return;

	await steps.opt(
		'Reply answers the received message, threaded, to its sender, the original quoted below',
		async () => {
			const before = rt.outboxMessages(await sim.outbox()).length;
			const { item, text } = await callHook(n8n, webhookPath, { messageId, tag });
			assert(
				item && item.status === 'sent' && item.repliedToMessageId === messageId,
				`node output ${text.slice(0, 400)}`,
			);
			const sent = await newest(sim, before);
			const m = sent.message || {};
			const to = (m.toRecipients || []).map((x) => x.emailAddress.address);
			const props = m.singleValueExtendedProperties || [];
			const inReplyTo = (props.find((p) => p.id === IN_REPLY_TO_PROPERTY) || {}).value;
			assert(sent.via === 'reply', `outbox record via ${sent.via}, expected reply`);
			assert(m.subject === `RE: Invoice ${tag}`, `subject ${JSON.stringify(m.subject)}`);
			assert(to.join() === 'ann@partner.example', `to ${JSON.stringify(to)}`);
			assert(inReplyTo === original, `In-Reply-To ${inReplyTo}, expected ${original}`);
			const body = String((m.body || {}).content);
			const mine = body.indexOf(`Thanks, paid. ${tag}`);
			const quoted = body.indexOf(`${QUOTED_TEXT} ${tag}`);
			assert(
				mine >= 0 && quoted > mine,
				`new text at ${mine}, quote at ${quoted}: ${body.slice(0, 400)}`,
			);
			return `"${m.subject}" to ${to.join()}, In-Reply-To ${inReplyTo}; new text above the quote`;
		},
	);
	await unquotedCheck(steps, { n8n, sim, webhookPath, messageId });
	await confirmCheck(steps, { n8n, sim, webhookPath: sendPath });
}

module.exports = { runReplySection };
