'use strict';
/**
 * Migration section (moving workflows off SMTP): in real n8n, workflows with n8n's Send Email node
 * run against a local SMTP server, are exported with `n8n export:workflow`, converted with the
 * installed package's `npx n8n-nodes-office365-send-mail migrate`, imported with `n8n
 * import:workflow`, get the Graph credential picked over REST (what the editor does on Save) and
 * run again; the simulator must receive the same messages.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { startSmtpCapture } = require('./smtpCapture');
const W = require('./migrateWorkflows');
const { smtpView, graphView, compareMessages, summary } = require('./migrateCompare');

/** Legs that run this section (the others would repeat it on the same Send Email versions). */
const MIGRATE_LEGS = new Set(['n8n-2.8.4', 'n8n-2.41.1-node24']);
const TARGET_TYPE = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;

async function runMigrateSection({ R, leg, runtime, install, sim, ctx }) {
	const steps = R.steps(`[${leg.id}] migrate:`);
	const s = {
		R,
		leg,
		runtime,
		install,
		sim,
		ctx,
		tag: c.unique('mig'),
		work: rt.makeTempDir('e2e-migrate'),
	};
	s.logs = (n) => path.join(ctx.logsDir, `${leg.id}-migrate-${n}.log`);
	s.casesId = c.workflowId('migCases');
	s.leftoversId = c.workflowId('migLeft');
	try {
		await startInstance(steps, s);
		await runOriginal(steps, s);
		await exportAndConvert(steps, s);
		await importAndPick(steps, s);
		await runConvertedAndCompare(steps, s);
	} finally {
		if (s.n8n) await s.n8n.stop();
		if (s.smtp) await s.smtp.stop();
	}
}

async function startInstance(steps, s) {
	const userFolder = rt.makeTempDir(`e2e-${s.leg.id}-migrate-uf`);
	await steps.req('SMTP capture server and n8n with the package started', async () => {
		s.smtpLogin = { user: 'n8n-smtp', password: crypto.randomBytes(12).toString('hex') };
		s.smtp = await startSmtpCapture(s.smtpLogin);
		const inst = await rt.installCommunityPackage(userFolder, s.ctx.tarball, s.runtime, {
			logFile: s.logs('npm-i-package'),
		});
		s.nodesDir = inst.nodesDir;
		({ env: s.env, n8n: s.n8n } = await c.startN8nFor(
			{ ...pick(s), sim: s.sim },
			{
				userFolder,
				name: `n8n-${s.leg.id}-migrate`,
				logFile: s.logs('n8n'),
			},
		));
		s.client = new rt.N8nClient(s.n8n.baseUrl);
		await s.client.setupOwner({ ...rt.DEFAULT_OWNER });
		return `SMTP 127.0.0.1:${s.smtp.port}, n8n ${s.n8n.baseUrl}`;
	});
	await steps.req('SMTP and Graph credentials created over REST', async () => {
		const smtp = await s.client.createCredential('SMTP (local capture)', 'smtp', {
			user: s.smtpLogin.user,
			password: s.smtpLogin.password,
			host: '127.0.0.1',
			port: s.smtp.port,
			secure: false,
			disableStartTls: true,
		});
		s.smtpCred = { id: smtp.id, name: 'SMTP (local capture)' };
		const { id, name } = await c.createCredential(
			s.client,
			c.CREDENTIAL_NAME,
			rt.simulatorCredentialData(s.sim),
		);
		s.graphCred = { id, name };
		return `smtp ${s.smtpCred.id}, graph ${s.graphCred.id}`;
	});
}

const pick = (s) => ({ runtime: s.runtime, install: s.install, leg: s.leg });

async function n8nCli(s, args, log, timeoutMs) {
	const res = await rt.runN8nCli({ ...pick(s), env: s.env, args, logFile: s.logs(log), timeoutMs });
	assert(res.code === 0, `n8n ${args.join(' ')} exited ${res.code}:\n${res.tail(30)}`);
	return res;
}

/**
 * The user's command, run where the package is installed: npx finds its bin in node_modules/.bin.
 */
function npxMigrate(s, args, log) {
	return rt.run('npx', ['n8n-nodes-office365-send-mail', 'migrate', ...args], {
		cwd: s.nodesDir,
		env: rt.npmEnv(s.runtime),
		logFile: s.logs(log),
		timeoutMs: 120000,
		name: 'npx migrate',
	});
}

async function executeCases(s, log) {
	const runData = await c.executeWorkflow(
		{ ...pick(s), env: s.env },
		s.casesId,
		s.logs(log),
		240000,
	);
	const out = {};
	for (const k of W.CASES) {
		const runs = runData[W.nodeName(k)];
		assert(
			runs && runs[0],
			`node "${W.nodeName(k)}" did not run; ran: ${Object.keys(runData).join(', ')}`,
		);
		out[k.key] = runs[0].data.main[0].map((i) => i.json);
	}
	return out;
}

async function runOriginal(steps, s) {
	await steps.req('SMTP workflows imported (Send Email v1, v2, v2.1 + Send and Wait)', async () => {
		const file = path.join(s.work, 'smtp-workflows.json');
		const wfs = [
			W.smtpCasesWorkflow({ id: s.casesId, tag: s.tag, smtpCred: s.smtpCred }),
			W.smtpLeftoversWorkflow({ id: s.leftoversId, tag: s.tag, smtpCred: s.smtpCred }),
		];
		await c.importWorkflows({ ...pick(s), env: s.env }, wfs, file, s.logs('import-smtp'));
		return `${wfs.length} workflows, ${W.CASES.length} Send Email cases`;
	});
	await steps.req('original Send Email workflow delivers to the SMTP server', async () => {
		const out = await executeCases(s, 'execute-smtp');
		for (const k of W.CASES) {
			const j = out[k.key][0] || {};
			assert(
				Array.isArray(j.accepted) && j.accepted.length,
				`${k.key}: ${JSON.stringify(j).slice(0, 300)}`,
			);
		}
		s.smtpByCase = byCase(s.smtp.messages, (m) => m.parsed.subject, s.tag);
		assert(
			s.smtp.messages.length === W.CASES.length,
			`SMTP got ${s.smtp.messages.length} messages`,
		);
		assert(
			s.smtp.messages.every((m) => m.authUser === s.smtpLogin.user),
			'a message was accepted without the SMTP login',
		);
		return `${s.smtp.messages.length} messages over SMTP AUTH`;
	});
}

/** Messages per case key, found by the "[tag key]" in their subject; each case exactly once. */
function byCase(messages, subjectOf, tag) {
	const out = {};
	for (const k of W.CASES) {
		const hits = messages.filter((m) => String(subjectOf(m)).includes(`[${tag} ${k.key}]`));
		assert(hits.length <= 1, `${hits.length} messages for case ${k.key}`);
		if (hits.length) out[k.key] = hits[0];
	}
	return out;
}

async function exportAndConvert(steps, s) {
	s.exportFile = path.join(s.work, 'workflows.json');
	s.convertedFile = path.join(s.work, 'workflows.office365.json');
	await steps.req('n8n export:workflow --all --output=workflows.json', async () => {
		await n8nCli(s, ['export:workflow', '--all', `--output=${s.exportFile}`], 'export');
		const exported = JSON.parse(fs.readFileSync(s.exportFile, 'utf8'));
		const nodes = [].concat(exported).flatMap((w) => w.nodes);
		const sends = nodes.filter((n) => n.type === 'n8n-nodes-base.emailSend');
		assert(sends.length === W.CASES.length + 2, `export has ${sends.length} Send Email nodes`);
		return `${[].concat(exported).length} workflows, ${sends.length} Send Email nodes`;
	});
	await steps.opt(
		'npx … migrate --dry-run reports mappings and what needs a look, writes nothing',
		async () => {
			const res = await npxMigrate(s, [s.exportFile, '--dry-run'], 'npx-dry-run');
			assert(res.code === 0, `exit ${res.code}:\n${res.tail(30)}`);
			assert(!fs.existsSync(s.convertedFile), 'the dry run wrote a file');
			s.dryRunOutput = res.stdout;
			return checkReport(res.stdout);
		},
	);
	await steps.req('npx n8n-nodes-office365-send-mail migrate workflows.json', async () => {
		const res = await npxMigrate(s, [s.exportFile], 'npx-convert');
		assert(res.code === 0, `exit ${res.code}:\n${res.tail(30)}`);
		const again = await npxMigrate(s, [s.exportFile], 'npx-convert-again');
		assert(
			again.code !== 0 && /exists already/.test(again.stderr),
			'a second run overwrote the result',
		);
		const converted = [].concat(JSON.parse(fs.readFileSync(s.convertedFile, 'utf8')));
		const nodes = converted.flatMap((w) => w.nodes);
		for (const k of W.CASES) {
			const n = nodes.find((x) => x.name === W.nodeName(k));
			assert(
				n && n.type === TARGET_TYPE && !n.credentials,
				`${k.key}: ${JSON.stringify(n).slice(0, 300)}`,
			);
		}
		// Send and Wait becomes the operation of the same name (not executed here: sendandwait section
		// does that).
		const approval = nodes.find((x) => x.name === 'Ask for approval');
		assert(
			approval.type === TARGET_TYPE && approval.parameters.operation === 'sendAndWait',
			`Send and Wait node: ${JSON.stringify(approval).slice(0, 300)}`,
		);
		return `${path.basename(s.convertedFile)}; rerun refused: "${again.stderr.trim().slice(0, 90)}"`;
	});
}

/** The report lines a user needs on this export (node names and notes of the converter). */
function checkReport(out) {
	const expect = [
		[/"Ask for approval" \(Send Email v2\.1\): converted/, 'Send and Wait converted'],
		[/Send and Wait: the mail links to a confirmation page/, 'Send and Wait note'],
		[/Append n8n Attribution/, 'attribution footer'],
		[/Ignore SSL Issues/, 'Ignore SSL Issues'],
		[/Email Format is an expression/, 'Email Format expression'],
		[/rewritten: "Remember Message-ID" › .* reads messageId/, 'downstream messageId rewritten'],
		[/Credential: pick a "Microsoft Graph Client Credentials"/, 'credential to pick'],
		[/Inline Images \(cid:logo\)/, 'cid image → Inline Images'],
		[
			new RegExp(`${W.CASES.length + 2} of ${W.CASES.length + 2} Send Email node\\(s\\) converted`),
			'counts',
		],
		[/Dry run: nothing written/, 'dry run'],
	];
	const missing = expect.filter(([re]) => !re.test(out)).map(([, what]) => what);
	assert(!missing.length, `report lacks: ${missing.join(', ')}\n${out}`);
	return `${expect.length} expected report lines present`;
}

async function importAndPick(steps, s) {
	await steps.req('n8n import:workflow --input=workflows.office365.json', async () => {
		await n8nCli(s, ['import:workflow', `--input=${s.convertedFile}`], 'import-converted');
		return 'imported over the SMTP workflows (same ids)';
	});
	await steps.req(
		'Graph credential picked on the converted nodes (PATCH /rest/workflows/:id)',
		async () => {
			const wf = await s.client.get(`/rest/workflows/${s.casesId}`);
			let picked = 0;
			const nodes = wf.nodes.map((n) => {
				if (n.type !== TARGET_TYPE) return n;
				picked++;
				return { ...n, credentials: { [rt.CREDENTIAL_TYPE]: { ...s.graphCred } } };
			});
			await s.client.patch(`/rest/workflows/${s.casesId}`, { versionId: wf.versionId, nodes });
			const saved = await s.client.get(`/rest/workflows/${s.casesId}`);
			const withCred = saved.nodes.filter(
				(n) => n.credentials && n.credentials[rt.CREDENTIAL_TYPE],
			);
			assert(withCred.length === W.CASES.length, `${withCred.length} nodes carry the credential`);
			return `${picked} nodes`;
		},
	);
}

async function runConvertedAndCompare(steps, s) {
	let out;
	let before;
	await steps.req(
		'converted workflow runs (n8n execute) and its nodes output sent items',
		async () => {
			before = rt.outboxMessages(await s.sim.outbox()).length;
			out = await executeCases(s, 'execute-converted');
			const bad = W.CASES.filter((k) => (out[k.key][0] || {}).status !== 'sent');
			assert(
				!bad.length,
				bad.map((k) => `${k.key}: ${JSON.stringify(out[k.key]).slice(0, 400)}`).join('\n'),
			);
			return W.CASES.map((k) => `${k.key} ${(out[k.key][0] || {}).status || 'error'}`).join(', ');
		},
	);
	if (!out) return;
	keepArtifacts(s);
	const outbox = rt.outboxMessages(await s.sim.outbox()).slice(before);
	const graphByCase = byCase(outbox, (m) => m.message && m.message.subject, s.tag);
	const shas = new Set(Object.values(W.expectedBinaries()).map((b) => b.sha256));
	for (const k of W.CASES) {
		const name = `same message as over SMTP: ${k.key} (${k.body})`;
		await steps.opt(name, async () => {
			const smtp = s.smtpByCase[k.key];
			const graph = graphByCase[k.key];
			assert(smtp, `no SMTP message for ${k.key}`);
			assert(
				graph,
				`no simulator message for ${k.key} (output ${JSON.stringify(out[k.key]).slice(0, 300)})`,
			);
			const a = smtpView(smtp);
			const b = graphView(graph);
			const diffs = compareMessages(a, b, shas);
			assert(!diffs.length, diffs.join('\n'));
			return summary(b);
		});
	}
}

/** The real export, the dry-run report and the converted file, for reading after the run. */
function keepArtifacts(s) {
	const dir = path.join(s.ctx.artifactsDir, 'migrate', s.leg.id);
	fs.mkdirSync(dir, { recursive: true });
	for (const f of [s.exportFile, s.convertedFile])
		if (fs.existsSync(f)) fs.copyFileSync(f, path.join(dir, path.basename(f)));
	if (s.dryRunOutput) fs.writeFileSync(path.join(dir, 'migrate-dry-run.txt'), s.dryRunOutput);
}

module.exports = { runMigrateSection, MIGRATE_LEGS };
