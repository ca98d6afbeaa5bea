'use strict';
/** Helpers shared by the e2e sections. */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');

const CREDENTIAL_NAME = 'Microsoft Graph (local simulator)';

/**
 * Finds the node type description with the given name in /types/nodes.json (array of descriptions).
 */
function findType(list, name) {
	if (!Array.isArray(list))
		throw new Error(`unexpected type list: ${JSON.stringify(list).slice(0, 200)}`);
	return list.filter((t) => t && t.name === name);
}

function maxVersion(descriptions) {
	let v = 1;
	for (const d of descriptions) {
		const vs = Array.isArray(d.version) ? d.version : [d.version];
		for (const x of vs) if (typeof x === 'number' && x > v) v = x;
		if (typeof d.defaultVersion === 'number' && d.defaultVersion > v) v = d.defaultVersion;
	}
	return v;
}

/**
 * Asserts node + credential types are served to the editor; returns the node's newest typeVersion.
 */
async function checkTypesListed(client, nodeTypeName) {
	const nodes = await client.nodeTypes();
	const found = findType(nodes, nodeTypeName);
	const similar = (Array.isArray(nodes) ? nodes : [])
		.map((t) => t && t.name)
		.filter((n) => n && /office365SendMail|office365-send-mail/i.test(n));
	assert(
		found.length > 0,
		`/types/nodes.json (${Array.isArray(nodes) ? nodes.length : '?'} types) has no ${nodeTypeName}; similar: ${JSON.stringify(similar)}`,
	);
	return { typeVersion: maxVersion(found), displayName: found[0].displayName, count: nodes.length };
}

async function checkCredentialTypeListed(client) {
	const creds = await client.credentialTypes();
	const found = findType(creds, rt.CREDENTIAL_TYPE);
	assert(
		found.length > 0,
		`/types/credentials.json (${Array.isArray(creds) ? creds.length : '?'} types) has no ${rt.CREDENTIAL_TYPE}`,
	);
	const props = (found[0].properties || []).map((p) => p.name);
	for (const f of [
		'cloud',
		'authorityHost',
		'graphEndpoint',
		'tenantId',
		'clientId',
		'authentication',
		'clientSecret',
		'senderMailbox',
	]) {
		assert(props.includes(f), `credential type has no field "${f}" (fields: ${props.join(', ')})`);
	}
	return found[0];
}

/** POST /rest/credentials/test and return {status, message}. */
async function testCredential(client, cred, data) {
	const res = await client.testCredential(cred, data);
	assert(
		res && typeof res.status === 'string',
		`unexpected /rest/credentials/test answer: ${JSON.stringify(res)}`,
	);
	return res;
}

function expectTestOk(res) {
	assert(res.status === 'OK', `expected status OK, got ${res.status}: ${res.message}`);
	return `status OK: ${res.message}`;
}

function expectTestError(res, patterns, what) {
	assert(
		res.status === 'Error',
		`expected status Error for ${what}, got ${res.status}: ${res.message}`,
	);
	const msg = String(res.message || '');
	const hit = patterns.find((p) => p.test(msg));
	assert(hit, `message for ${what} does not match ${patterns.map(String).join(' or ')}: "${msg}"`);
	return `"${msg.length > 160 ? `${msg.slice(0, 160)}…` : msg}"`;
}

/** Runs the three actionable-error checks against a credential. */
async function credentialTestChecks(steps, client, cred, sim, label = '') {
	const data = rt.simulatorCredentialData(sim);
	await steps.opt(`${label}credential Test → status OK`, async () =>
		expectTestOk(await testCredential(client, cred, data)),
	);
	await steps.opt(
		`${label}credential Test with a wrong secret is actionable (AADSTS7000215)`,
		async () =>
			expectTestError(
				await testCredential(client, cred, { ...data, clientSecret: 'this-is-the-wrong-secret' }),
				[/AADSTS7000215/],
				'a wrong client secret',
			),
	);
	await steps.opt(
		`${label}credential Test with an unknown sender mailbox is actionable`,
		async () =>
			expectTestError(
				await testCredential(client, cred, {
					...data,
					senderMailbox: 'nobody-here@contoso.onmicrosoft.com',
				}),
				[/ErrorInvalidUser/, /not found/i],
				'an unknown mailbox',
			),
	);
	await steps.opt(`${label}credential Test without admin consent is actionable`, async () => {
		await sim.rpc('updateApp', rt.DEMO.clientId, { adminConsent: false });
		try {
			return expectTestError(
				await testCredential(client, cred, data),
				[/admin consent/i],
				'missing admin consent',
			);
		} finally {
			await sim.rpc('updateApp', rt.DEMO.clientId, { adminConsent: true });
		}
	});
}

/**
 * Starts `n8n start` of the leg (`on`: runtime, install, leg, sim) for `userFolder` on free ports,
 * trusting the simulator's CA; `extra` adds variables.
 */
async function startN8nFor({ runtime, install, leg, sim }, { userFolder, name, logFile, extra }) {
	const env = rt.n8nEnv(runtime, leg, {
		userFolder,
		port: await rt.freePort(),
		caCertFile: sim.caCertFile,
		brokerPort: await rt.freePort(),
		extra,
	});
	const n8n = await rt.startN8n({ runtime, install, leg, name, env, logFile });
	return { env, n8n };
}

/**
 * Installs the packed package into `userFolder` as n8n installs community packages, then starts
 * the leg's n8n for it (`on`: runtime, install, leg, sim, ctx); logs are named after `label`.
 */
async function startWithPackage(on, { userFolder, label, extra }) {
	const log = (what) => path.join(on.ctx.logsDir, `${on.leg.id}-${label}-${what}.log`);
	await rt.installCommunityPackage(userFolder, on.ctx.tarball, on.runtime, {
		logFile: log('npm-i'),
	});
	const name = `n8n-${on.leg.id}-${label}`;
	return startN8nFor(on, { userFolder, name, logFile: log('n8n'), extra });
}

/**
 * POST /rest/credentials with our credential type; returns { id, name, type } as tests and nodes
 * name it.
 */
async function createCredential(client, name, data) {
	const created = await client.createCredential(name, rt.CREDENTIAL_TYPE, data);
	assert(created && created.id, `no id in ${JSON.stringify(created)}`);
	return { id: created.id, name, type: rt.CREDENTIAL_TYPE };
}

/**
 * Writes the workflows to `file` and imports them with `n8n import:workflow` (cli: runtime,
 * install, env).
 */
async function importWorkflows(cli, workflows, file, logFile) {
	fs.writeFileSync(file, JSON.stringify(workflows, null, 2));
	const res = await rt.runN8nCli({
		...cli,
		args: ['import:workflow', `--input=${file}`],
		logFile,
	});
	assert(res.code === 0, `import:workflow exited ${res.code}:\n${res.tail(30)}`);
}

/**
 * `n8n execute --id=… --rawOutput` (cli: runtime, install, env); returns the run data by node name.
 */
async function executeWorkflow(cli, id, logFile, timeoutMs) {
	const res = await rt.runN8nCli({
		...cli,
		args: ['execute', `--id=${id}`, '--rawOutput'],
		logFile,
		timeoutMs,
	});
	assert(
		res.code === 0,
		`n8n execute exited ${res.code}${res.signal ? ` (signal ${res.signal})` : ''}:\n${res.tail(40)}`,
	);
	const data = rt.parseRawOutput(res.stdout);
	const runData = data.data && data.data.resultData && data.data.resultData.runData;
	assert(runData, `no runData in output: ${JSON.stringify(data).slice(0, 400)}`);
	return runData;
}

/**
 * Creates and activates a workflow (2.x: POST …/activate with the versionId; 1.x: PATCH active).
 */
async function createActive(client, def) {
	const wf = await client.post('/rest/workflows', def);
	assert(wf && wf.id, `workflow not created: ${JSON.stringify(wf).slice(0, 300)}`);
	const act = await client.request(
		'POST',
		`/rest/workflows/${wf.id}/activate`,
		{ versionId: wf.versionId },
		{ raw: true },
	);
	if (act.status === 404)
		await client.patch(`/rest/workflows/${wf.id}`, { active: true, versionId: wf.versionId });
	else assert(act.status === 200, `activate → HTTP ${act.status}: ${act.text.slice(0, 400)}`);
	return wf;
}

/** Outbox messages whose subject contains `tag`. */
async function outboxByTag(sim, tag) {
	const all = rt.outboxMessages(await sim.outbox());
	return { all, tagged: all.filter((m) => String(m.message && m.message.subject).includes(tag)) };
}

/**
 * Asserts that the tagged messages carry exactly the planned attachments, byte-identical (sha256).
 */
function assertDelivered(tagged, plan, tag) {
	assert(
		tagged.length === plan.length,
		`expected ${plan.length} messages tagged "${tag}" in the outbox, found ${tagged.length}`,
	);
	const subjects = tagged.map((m) => m.message.subject);
	assert(
		new Set(subjects).size === subjects.length,
		`duplicate deliveries: ${JSON.stringify(subjects)}`,
	);
	for (const p of plan) {
		const subject = `e2e ${tag} item ${p.index + 1}`;
		const msg = tagged.find((m) => m.message.subject === subject);
		assert(msg, `no message with subject "${subject}" (got ${JSON.stringify(subjects)})`);
		const atts = msg.attachments || [];
		assert(atts.length === 1, `"${subject}": expected 1 attachment, got ${atts.length}`);
		const a = atts[0];
		assert(a.name === p.fileName, `"${subject}": attachment name ${a.name} ≠ ${p.fileName}`);
		assert(a.size === p.size, `"${subject}": attachment size ${a.size} ≠ ${p.size}`);
		assert(
			a.sha256 === p.sha256,
			`"${subject}": attachment sha256 ${a.sha256} ≠ expected ${p.sha256} (bytes changed on the way)`,
		);
	}
	return `${tagged.length} messages, attachments ${plan.map((p) => `${p.size}B`).join('/')} sha256-identical`;
}

/** Asserts the node's output items (from run data) report what was sent. */
function assertOutputItems(items, plan, tag) {
	assert(Array.isArray(items), `no output items: ${JSON.stringify(items).slice(0, 300)}`);
	assert(items.length === plan.length, `expected ${plan.length} output items, got ${items.length}`);
	items.forEach((it, i) => {
		const j = it.json || it;
		assert(
			j.status === 'sent',
			`item ${i}: status ${JSON.stringify(j.status)} (item: ${JSON.stringify(j).slice(0, 300)})`,
		);
		assert(
			j.sender === rt.DEMO.sender,
			`item ${i}: sender ${JSON.stringify(j.sender)} ≠ ${rt.DEMO.sender}`,
		);
		const atts = j.attachments || [];
		assert(
			atts.length === 1 && atts[0].size === plan[i].size,
			`item ${i}: attachments ${JSON.stringify(atts)} (expected one of ${plan[i].size} bytes)`,
		);
		if (j.subject !== undefined)
			assert(String(j.subject).includes(tag), `item ${i}: subject ${j.subject}`);
	});
	return `${items.length} items status 'sent'`;
}

function unique(prefix) {
	return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** 16-character workflow id ([A-Za-z0-9]) like n8n's own. */
function workflowId(prefix) {
	const rnd = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
	return `${prefix}${rnd}`
		.replace(/[^A-Za-z0-9]/g, '')
		.slice(0, 16)
		.padEnd(16, '0');
}

module.exports = {
	CREDENTIAL_NAME,
	checkTypesListed,
	checkCredentialTypeListed,
	testCredential,
	expectTestOk,
	expectTestError,
	credentialTestChecks,
	startN8nFor,
	startWithPackage,
	createCredential,
	importWorkflows,
	executeWorkflow,
	createActive,
	outboxByTag,
	assertDelivered,
	assertOutputItems,
	unique,
	workflowId,
};
