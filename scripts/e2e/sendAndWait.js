'use strict';
/**
 * Send and Wait for Response in real n8n: a webhook starts a workflow whose Office 365 Send Mail
 * node sends the question through the simulator and waits. The mail is taken from the simulator's
 * outbox; what a link scanner does (GET and HEAD of every link) must leave the execution waiting; a
 * real browser opens the link and presses the button, and the execution finishes with the answer. A
 * second answer is refused. Also: n8n 2.x lists the node's human-in-the-loop tool variant for AI
 * agents.
 */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { sendMailNode, webhookNode, workflowOf } = require('./workflows');

const SCANNER_UA = 'Mozilla/5.0 (compatible; Microsoft Defender Safe Links scanner)';
const SCREENSHOT = path.join(rt.REPO_DIR, 'docs', 'images', 'send-and-wait-confirm.png');

function askWorkflow({ name, nodeType, typeVersion, cred, webhookPath, parameters }) {
	const ask = sendMailNode({
		name: 'Ask',
		nodeType,
		typeVersion,
		credentialId: cred.id,
		credentialName: cred.name,
		webhookId: crypto.randomUUID(),
		parameters: {
			operation: 'sendAndWait',
			toRecipients: 'approver@example.com',
			subject: '={{ "Approval " + $json.body.tag }}',
			...parameters,
		},
	});
	return workflowOf({
		name,
		nodes: [webhookNode(webhookPath, 'onReceived'), ask],
		settings: { saveManualExecutions: true, saveDataSuccessExecution: 'all' },
	});
}

/** The execution with its run data; n8n's REST API sends `data` serialised with flatted. */
async function executionOf(client, install, id) {
	const ex = await client.get(`/rest/executions/${id}`);
	let data = ex.data;
	if (typeof data === 'string')
		data = require(require.resolve('flatted', { paths: [install.dir] })).parse(data);
	return { status: ex.status, finished: ex.finished, data };
}

async function waitStatus(client, install, id, want, timeoutMs = 30000) {
	let last;
	await rt.waitFor(
		`execution ${id} ${want}`,
		async () => {
			last = await executionOf(client, install, id).catch(() => undefined);
			// n8n 1.x can report `success` while the stored run data is still the one saved at the
			// wait (the node's input): an answered execution counts once its answer is stored.
			return last && last.status === want && (want !== 'success' || answerStored(last));
		},
		{ timeoutMs, intervalMs: 300 },
	);
	return last;
}

/**
 * n8n answers an answer to a finished execution with its own page ("No action required"); ours says
 * "Already answered".
 */
function assertRefused(r) {
	const words = r.text
		.replace(/<(style|script)[\s\S]*?<\/\1>/g, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	assert(
		r.status >= 400 || /already|no action required|no longer|finished/i.test(words),
		`second answer → HTTP ${r.status}: ${words.slice(0, 200)}`,
	);
	return `HTTP ${r.status} "${words.slice(0, 80)}"`;
}

/** An answer as the confirmation page's form posts it (urlencoded `body`). */
const postForm = (link, body) =>
	rt.httpRequest(link, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body,
	});

const linksIn = (html) =>
	[...String(html).matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

/**
 * Starts the workflow and returns the links of its question mail and the execution id they name.
 */
async function ask(baseUrl, sim, webhookPath, tag) {
	const r = await rt.httpRequest(`${baseUrl}/webhook/${webhookPath}`, {
		method: 'POST',
		body: { tag },
	});
	assert(r.status === 200, `webhook → HTTP ${r.status}: ${r.text.slice(0, 300)}`);
	let mail;
	await rt.waitFor(`question mail ${tag} in the outbox`, async () => {
		mail = (await c.outboxByTag(sim, tag)).tagged[0];
		return Boolean(mail);
	});
	const links = linksIn(mail.message.body.content);
	assert(links.length, `no links in the mail: ${String(mail.message.body.content).slice(0, 300)}`);
	const match = /\/webhook-waiting\/([^/]+)\/[^/?]+/.exec(new URL(links[0]).pathname);
	assert(match, `link ${links[0]} is not a resume URL`);
	return { links, executionId: match[1], mail };
}

/**
 * What a scanner does: GET (3×) and HEAD of every link. The execution must still wait afterwards.
 */
async function scan(client, install, links, executionId) {
	const seen = [];
	for (const link of links) {
		for (let i = 0; i < 3; i++) {
			const g = await rt.httpRequest(link, { headers: { 'user-agent': SCANNER_UA } });
			assert(g.status === 200, `scanner GET → HTTP ${g.status}: ${g.text.slice(0, 200)}`);
			seen.push(g.status);
		}
		const h = await rt.httpRequest(link, { method: 'HEAD', headers: { 'user-agent': SCANNER_UA } });
		seen.push(`HEAD ${h.status}`);
	}
	await rt.sleep(1000);
	const ex = await executionOf(client, install, executionId);
	assert(
		ex.status === 'waiting',
		`after the scanner the execution is ${ex.status}, expected waiting`,
	);
	return `${links.length} link(s): GET ×3 → 200, HEAD → ${[...new Set(seen.filter((s) => typeof s === 'string'))].join(', ')}; still waiting`;
}

function answerStored(ex) {
	const runs = ex.data?.resultData?.runData?.Ask ?? [];
	const items = runs[runs.length - 1]?.data?.main?.[0] ?? [];
	return items.some((i) => i.json && 'data' in i.json);
}

function answerOf(ex) {
	const runs = ex.data.resultData.runData.Ask;
	const last = runs[runs.length - 1];
	return last.data.main[0].map((i) => i.json);
}

/**
 * After an answer in the browser: the Thank you page, then the execution ends with one item whose
 * data is `ok`.
 */
async function thanked(page, client, install, executionId, ok) {
	await page.waitForSelector('text=/Thank you/', { timeout: 15000 });
	const out = answerOf(await waitStatus(client, install, executionId, 'success'));
	assert(out.length === 1 && out[0].data && ok(out[0].data), `output ${JSON.stringify(out)}`);
	return `output ${JSON.stringify(out)}`;
}

/**
 * The answered item names the question mail: `internetMessageId` is the ID the simulator stored for
 * it when `confirmed`, else the one the node stamped (the link's `mid`), and
 * `internetMessageIdConfirmed` says which.
 */
function assertIdentity(out, asked, confirmed) {
	const stored = asked.mail.internetMessageId;
	const stamped = new URL(asked.links[0]).searchParams.get('mid');
	const item = out[0] || {};
	const want = confirmed ? stored : stamped;
	assert(
		typeof want === 'string' && item.internetMessageId === want,
		`internetMessageId ${item.internetMessageId}, expected ${want} (stored ${stored}, link ${stamped})`,
	);
	assert(
		item.internetMessageIdConfirmed === confirmed,
		`internetMessageIdConfirmed ${item.internetMessageIdConfirmed}, expected ${confirmed}`,
	);
	return `internetMessageId ${item.internetMessageId} (stored ${stored}), confirmed ${confirmed}`;
}

/**
 * Confirm Message-ID under an Exchange that overwrites client Message-IDs: the answer names
 * Exchange's.
 */
async function confirmedAnswer({ n8n, client, install, sim, hook }) {
	await sim.rpc('setExchangeBehaviour', { messageIds: 'overwrite' });
	try {
		const asked = await ask(n8n.baseUrl, sim, hook, c.unique('c'));
		await waitStatus(client, install, asked.executionId, 'waiting');
		const r = await postForm(asked.links[0], 'confirm=true');
		assert(r.status === 200 && /Thank you/.test(r.text), `answer → HTTP ${r.status}`);
		const out = answerOf(await waitStatus(client, install, asked.executionId, 'success'));
		assert(out.length === 1 && out[0].data.approved === true, `output ${JSON.stringify(out)}`);
		const stamped = new URL(asked.links[0]).searchParams.get('mid');
		assert(asked.mail.internetMessageId !== stamped, 'the simulator kept the client Message-ID');
		return assertIdentity(out, asked, true);
	} finally {
		await sim.rpc('setExchangeBehaviour', { messageIds: 'keep' });
	}
}

/**
 * Runs in the leg's community-package n8n (`shared`: { n8n, client } with the package installed and
 * the owner signed in; the caller stops it): a webhook-started workflow needs nothing an instance
 * of its own would add.
 */
async function runSendAndWaitSection({ R, leg, install, sim, ctx, shared }) {
	if (!shared) {
		R.skip(`[${leg.id}] send and wait: all checks`, "needs: the leg's n8n (community section)");
		return;
	}
	const steps = R.steps(`[${leg.id}] send and wait:`);
	const nodeTypeName = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	const { n8n, client } = shared;
	let browser;
	const hooks = {};
	try {
		await steps.req("credential and waiting workflows set up in the leg's n8n", async () => {
			const { typeVersion } = await c.checkTypesListed(client, nodeTypeName);
			const cred = await c.createCredential(
				client,
				c.CREDENTIAL_NAME,
				rt.simulatorCredentialData(sim),
			);
			for (const [key, parameters] of Object.entries({
				approval: {
					message: 'Pay invoice #42?',
					responseType: 'approval',
					approvalOptions: {
						values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Hold' },
					},
				},
				freeText: { message: 'What should we tell the customer?', responseType: 'freeText' },
				confirm: {
					message: 'Confirm the order?',
					responseType: 'approval',
					options: { confirmMessageId: true },
				},
			})) {
				hooks[key] = c.unique(`saw-${key}`);
				await c.createActive(
					client,
					askWorkflow({
						name: `E2E send and wait ${key}`,
						nodeType: nodeTypeName,
						typeVersion,
						cred,
						webhookPath: hooks[key],
						parameters,
					}),
				);
			}
			return `${n8n.baseUrl}, workflows ${Object.values(hooks)
				.map((h) => `/webhook/${h}`)
				.join(', ')}`;
		});

		await steps.opt(
			'AI agents: the human-in-the-loop tool variant is listed (/types/nodes.json)',
			async () => {
				const names = (await client.nodeTypes())
					.map((t) => t && t.name)
					.filter((n) => /office365SendMail/i.test(n || ''));
				const hitl = names.filter((n) => /Hitl/i.test(n));
				if (/^1\./.test(leg.n8nVersion))
					return `n8n 1.x generates none (types: ${names.join(', ')})`;
				assert(hitl.length, `no HITL variant among ${JSON.stringify(names)}`);
				return hitl.join(', ');
			},
		);

		await steps.req('browser: Debian chromium + playwright-core launch', async () => {
			const { launchBrowser } = require('./browser');
			browser = await launchBrowser();
			return 'ok';
		});

		const approval = {};
		await steps.req('approval: webhook run sends the question mail and waits', async () => {
			Object.assign(approval, await ask(n8n.baseUrl, sim, hooks.approval, c.unique('a')));
			await waitStatus(client, install, approval.executionId, 'waiting');
			assert(approval.links.length === 2, `expected 2 links, got ${approval.links.length}`);
			return `execution ${approval.executionId} waiting; links ${approval.links.map((l) => new URL(l).pathname).join(' ')}`;
		});
		await steps.req('approval: scanner GET and HEAD of each link leave it waiting', () =>
			scan(client, install, approval.links, approval.executionId),
		);
		await steps.req(
			'approval: browser opens the link, presses Confirm; execution ends approved',
			async () => {
				const { page } = browser;
				await page.goto(approval.links[0], { waitUntil: 'domcontentloaded' });
				const button = page.locator('button[type=submit]');
				assert((await button.innerText()).includes('Pay it'), 'no "Confirm: Pay it" button');
				await page.setViewportSize({ width: 640, height: 360 });
				// The picture in docs/ is refreshed only when asked, so a run leaves the checkout
				// unchanged.
				if (process.env.E2E_UPDATE_DOCS_IMAGES === '1') {
					fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
					await page.screenshot({ path: SCREENSHOT });
				}
				await page.screenshot({ path: path.join(ctx.artifactsDir, `${leg.id}-saw-confirm.png`) });
				await Promise.all([page.waitForLoadState('domcontentloaded'), button.click()]);
				return thanked(page, client, install, approval.executionId, (d) => d.approved === true);
			},
		);
		await steps.opt('approval: the answered item names the question mail’s Message-ID', async () =>
			assertIdentity(
				answerOf(await executionOf(client, install, approval.executionId)),
				approval,
				false,
			),
		);
		await steps.opt(
			'Confirm Message-ID, Exchange overwrites Message-IDs: the answer names Exchange’s, confirmed',
			() => confirmedAnswer({ n8n, client, install, sim, hook: hooks.confirm }),
		);
		await steps.opt('approval: a second answer is refused and changes nothing', async () => {
			const r = await postForm(approval.links[1], 'confirm=false');
			const refused = assertRefused(r);
			await rt.sleep(1000);
			const out = answerOf(await executionOf(client, install, approval.executionId));
			assert(out[0].data.approved === true, `answer changed to ${JSON.stringify(out)}`);
			return `${refused}; answer still approved`;
		});

		await steps.opt(
			'approval: two answers at the same moment: exactly one is recorded',
			async () => {
				const race = await ask(n8n.baseUrl, sim, hooks.approval, c.unique('r'));
				await waitStatus(client, install, race.executionId, 'waiting');
				const [yes, no] = await Promise.all([
					postForm(race.links[0], 'confirm=true'),
					postForm(race.links[1], 'confirm=false'),
				]);
				const thanked = [yes, no].filter((r) => r.status === 200 && /Thank you/.test(r.text));
				assert(
					thanked.length === 1,
					`answers thanked: ${thanked.length} (HTTP ${yes.status}, ${no.status})`,
				);
				const other = thanked[0] === yes ? no : yes;
				const refused = assertRefused(other);
				const ex = await waitStatus(client, install, race.executionId, 'success');
				const out = answerOf(ex);
				const expected = thanked[0] === yes;
				assert(
					out.length === 1 && out[0].data?.approved === expected,
					`output ${JSON.stringify(out)}, expected approved ${expected}; Ask runs ${JSON.stringify(
						ex.data.resultData.runData.Ask.map((r) => r.data?.main?.[0]?.map((i) => i.json)),
					).slice(0, 600)}`,
				);
				return `winner approved=${expected}; other ${refused}`;
			},
		);

		const free = {};
		await steps.req('free text: webhook run sends the question mail and waits', async () => {
			Object.assign(free, await ask(n8n.baseUrl, sim, hooks.freeText, c.unique('f')));
			await waitStatus(client, install, free.executionId, 'waiting');
			return `execution ${free.executionId} waiting`;
		});
		await steps.req('free text: scanner GET and HEAD of the link leave it waiting', () =>
			scan(client, install, free.links, free.executionId),
		);
		const text = 'Tell them "next Monday" & thanks';
		await steps.req(
			'free text: browser fills the form and submits; execution ends with the text',
			async () => {
				const { page } = browser;
				await page.goto(free.links[0], { waitUntil: 'domcontentloaded' });
				await page.locator('textarea').fill(text);
				await Promise.all([
					page.waitForLoadState('domcontentloaded'),
					page.locator('button[type=submit]').click(),
				]);
				return thanked(page, client, install, free.executionId, (d) => d.text === text);
			},
		);
		await steps.opt('free text: a second answer is refused', async () => {
			const { page } = browser;
			await page.goto(free.links[0], { waitUntil: 'domcontentloaded' });
			const status = await page.evaluate(
				() => document.title + ' | ' + document.body.innerText.slice(0, 120),
			);
			const r = await postForm(free.links[0], 'field-0=second');
			const refused = assertRefused(r);
			const out = answerOf(await executionOf(client, install, free.executionId));
			assert(out[0].data.text === text, `answer changed to ${JSON.stringify(out)}`);
			return `${refused}; link page now: ${status.replace(/\s+/g, ' ').slice(0, 80)}`;
		});
	} finally {
		if (browser) await browser.close().catch(() => undefined);
	}
}

module.exports = { runSendAndWaitSection };
