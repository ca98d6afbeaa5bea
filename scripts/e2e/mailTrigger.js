'use strict';
/**
 * Office 365 Mail Trigger in real n8n, in its own n8n instance (it is restarted): an active
 * workflow "Office 365 Mail Trigger → Office 365 Send Mail (Reply to {{ $json.id }})" watches the
 * demo tenant's alerts@ mailbox. Older mail stays unanswered; two new messages are answered once
 * each, in their thread; n8n is stopped, a third message arrives while it is down, and the
 * restarted n8n answers only the third. The simulator's `deliverMessage` control call puts mail
 * into the mailbox. Runs on n8n 2.8.4 and 2.41.1; skip with --skip mailtrigger. A poll runs at
 * activation and then once a minute, so the section takes 2–4 minutes.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const { graphNode, workflowOf } = require('./workflows');
const c = require('./common');

const LEGS = ['2.8.4', '2.41.1'];
const MAILBOX = rt.DEMO.alerts;
// n8n's shortest poll interval is a minute: allow one interval, a late cron second and the workflow
// run.
const POLL_WAIT_MS = 150_000;
// Reply puts the original's Message-ID into In-Reply-To ([MS-OXOMSG] PidTagInReplyToId;
// test/simulator/replies.ts).
const IN_REPLY_TO = 'String 0x1042';

function answerWorkflow({ tag, cred }) {
	const type = (name) => `${rt.PACKAGE_NAME}.${name}`;
	const ours = (name, typeName, position, parameters) =>
		graphNode({ name, type: type(typeName), typeVersion: 1, position, parameters, cred });
	const nodes = [
		ours('Mail Trigger', 'office365MailTrigger', [0, 0], {
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			mailbox: MAILBOX,
			folder: 'inbox',
			options: { subjectContains: tag },
		}),
		ours('Reply', rt.NODE_TYPE, [300, 0], {
			operation: 'reply',
			sender: '={{ $json.mailbox }}',
			messageId: '={{ $json.id }}',
			bodyContentType: 'text',
			bodyContent: '=Thanks, we received "{{ $json.subject }}".',
		}),
	];
	const settings = { saveDataSuccessExecution: 'all' };
	return workflowOf({ name: `E2E mail trigger ${tag}`, nodes, settings });
}

/** A received message in alerts@ whose Message-ID we know. */
function deliver(sim, tag, label, receivedDateTime) {
	const internetMessageId = `<${label}.${crypto.randomBytes(6).toString('hex')}@partner.example>`;
	return sim
		.rpc('deliverMessage', {
			mailbox: MAILBOX,
			from: { address: 'customer@partner.example', name: 'Customer' },
			to: [{ address: MAILBOX }],
			subject: `${tag} ${label}`,
			internetMessageId,
			body: { contentType: 'text', content: `Question ${label}` },
			...(receivedDateTime ? { receivedDateTime } : {}),
		})
		.then((id) => ({ id, internetMessageId, label }));
}

/**
 * The replies to this section's messages in the outbox: which original each answers (In-Reply-To).
 */
async function repliesFor(sim, tag) {
	const { tagged } = await c.outboxByTag(sim, tag);
	return tagged.map((m) => {
		const props = m.message.singleValueExtendedProperties || [];
		return (props.find((p) => p.id === IN_REPLY_TO) || {}).value;
	});
}

/**
 * What the trigger did, for a failure message: its requests to the mailbox (seconds before now,
 * status) and the executions of its workflow.
 */
async function whatHappened(sim, client, workflowId) {
	const now = Date.now();
	const requests = (await mailboxRequests(sim).catch(() => [])).map(
		(r) =>
			`${r.method} ${r.path.split('/').slice(-2).join('/')} ${r.status} -${Math.round((now - r.startedAt) / 1000)}s`,
	);
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = client
		? await client
				.get(`/rest/executions?filter=${filter}&limit=10`)
				.catch((e) => ({ error: e.message }))
		: {};
	const executions = (list.results || []).map(
		(e) => `${e.id} ${e.mode} ${e.status} ${e.startedAt}`,
	);
	return `mailbox requests: ${requests.slice(-12).join('; ') || 'none'}; executions: ${executions.join('; ') || JSON.stringify(list).slice(0, 200)}`;
}

/** The trigger's requests to the watched mailbox, as the simulator recorded them. */
async function mailboxRequests(sim) {
	const all = await sim.getJson('requests.json');
	return all.filter(
		(r) => r.kind === 'graph' && String(r.mailbox).toLowerCase() === MAILBOX.toLowerCase(),
	);
}

/**
 * Waits for the trigger's first poll after `since`: it sets where new mail starts. n8n runs it as
 * it activates the workflow, and 2.41 can answer the activation request before it has run.
 */
async function firstPoll(sim, since) {
	let first;
	await rt.waitFor(
		'the trigger’s first poll',
		async () => {
			first = (await mailboxRequests(sim)).find(
				(r) => r.startedAt >= since && /\/delta$/.test(r.path) && r.status === 200,
			);
			return Boolean(first);
		},
		{ timeoutMs: 60_000, intervalMs: 250 },
	);
	return first.startedAt;
}

async function waitReplies(sim, tag, count, trigger) {
	let got = [];
	await rt
		.waitFor(
			`${count} replies for ${tag}`,
			async () => {
				got = await repliesFor(sim, tag);
				return got.length >= count;
			},
			{ timeoutMs: POLL_WAIT_MS, intervalMs: 1000 },
		)
		.catch(async (e) => {
			const seen = await whatHappened(sim, trigger.client, trigger.workflowId);
			throw new Error(`${e.message} (${got.length} so far); ${seen}`);
		});
	return got;
}

async function runMailTriggerSection({ R, leg, runtime, install, sim, ctx }) {
	if (!LEGS.includes(leg.n8nVersion) || ctx.skip.has('mailtrigger')) return;
	const steps = R.steps(`[${leg.id}] mail trigger:`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-mt-uf`);
	const on = { runtime, install, leg, sim };
	const start = (run) =>
		c.startN8nFor(on, {
			userFolder,
			name: `n8n-${leg.id}-mailtrigger-${run}`,
			logFile: path.join(ctx.logsDir, `${leg.id}-mailtrigger-n8n-${run}.log`),
		});
	const tag = c.unique('mt');
	const mail = {};
	const trigger = {};
	let n8n;
	try {
		await steps.req(
			'n8n starts with the package; older mail is already in the mailbox',
			async () => {
				await rt.installCommunityPackage(userFolder, ctx.tarball, runtime, {
					logFile: path.join(ctx.logsDir, `${leg.id}-mailtrigger-npm-i.log`),
				});
				mail.older = await deliver(sim, tag, 'older', new Date(Date.now() - 120_000).toISOString());
				({ n8n } = await start(1));
				return n8n.baseUrl;
			},
		);
		if (steps.blocked) return;
		await steps.req('credential and active workflow Mail Trigger → Reply', async () => {
			const client = new rt.N8nClient(n8n.baseUrl);
			await client.setupOwner({ ...rt.DEFAULT_OWNER });
			const cred = await c.createCredential(
				client,
				'e2e mail trigger',
				rt.simulatorCredentialData(sim),
			);
			const since = Date.now();
			const wf = await c.createActive(client, answerWorkflow({ tag, cred }));
			const activated = Date.now();
			Object.assign(trigger, { client, workflowId: wf.id });
			const polled = await firstPoll(sim, since);
			const lag = ((polled - activated) / 1000).toFixed(1);
			return `workflow ${wf.id} active, watching ${MAILBOX}; first poll ${lag} s after the activation answered`;
		});
		await steps.req(
			'two new messages are answered once each, in their thread; older mail is not',
			async () => {
				mail.first = await deliver(sim, tag, 'first');
				mail.second = await deliver(sim, tag, 'second');
				const replies = await waitReplies(sim, tag, 2, trigger);
				// One more poll: nothing is answered twice.
				await rt.sleep(65_000);
				const after = await repliesFor(sim, tag);
				assert(
					JSON.stringify([...after].sort()) ===
						JSON.stringify([mail.first.internetMessageId, mail.second.internetMessageId].sort()),
					`replies answer ${JSON.stringify(after)}`,
				);
				return `replies in reply to ${replies.join(', ')}`;
			},
		);
		await steps.req('after an n8n restart only the third message is answered', async () => {
			await n8n.stop();
			n8n = undefined;
			mail.third = await deliver(sim, tag, 'third');
			({ n8n } = await start(2));
			trigger.client = new rt.N8nClient(n8n.baseUrl);
			await trigger.client.login(rt.DEFAULT_OWNER.email, rt.DEFAULT_OWNER.password);
			await waitReplies(sim, tag, 3, trigger);
			await rt.sleep(65_000);
			const all = await repliesFor(sim, tag);
			const expected = [mail.first, mail.second, mail.third].map((m) => m.internetMessageId);
			assert(
				JSON.stringify([...all].sort()) === JSON.stringify([...expected].sort()),
				`replies answer ${JSON.stringify(all)}; expected ${JSON.stringify(expected)}`,
			);
			assert(!all.includes(mail.older.internetMessageId), 'older mail was answered');
			return `3 replies in all, third in reply to ${mail.third.internetMessageId}`;
		});
	} finally {
		if (n8n) await n8n.stop();
	}
}

module.exports = { runMailTriggerSection };
