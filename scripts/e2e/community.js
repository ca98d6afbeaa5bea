'use strict';
/**
 * Community-package section of one leg: the packed tarball is installed into
 * <userFolder>/.n8n/nodes the way n8n installs community packages, n8n is started, and the package
 * is exercised over REST and the CLI.
 */
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { manualSendWorkflow, attachmentPlan } = require('./workflows');

/**
 * With `handOver` the running n8n (owner signed in) is returned instead of stopped, for the next
 * section to use (the caller stops it); a failed start or owner setup hands nothing over.
 */
async function runCommunitySection({
	R,
	leg,
	runtime,
	install,
	sim,
	ctx,
	browser,
	publicApi,
	handOver = false,
}) {
	const steps = R.steps(`[${leg.id}]`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-uf`);
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-${n}.log`);
	const nodeTypeName = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	let n8n;
	let env;
	let client;
	let cred;
	let typeVersion = 1;
	const owner = { ...rt.DEFAULT_OWNER };

	try {
		await steps.req(
			`package installed as a community package (npm i <tarball> in .n8n/nodes)`,
			async () => {
				const { pkgDir } = await rt.installCommunityPackage(userFolder, ctx.tarball, runtime, {
					logFile: logs('npm-i-package'),
				});
				return path.relative(userFolder, pkgDir);
			},
		);

		await steps.req('n8n starts with the package', async () => {
			({ env, n8n } = await c.startN8nFor(
				{ runtime, install, leg, sim },
				{
					userFolder,
					name: `n8n-${leg.id}`,
					logFile: logs('n8n'),
				},
			));
			const loadErrors = n8n.lines.filter(
				(l) => /office365|msal|email-addresses/i.test(l) && /error|fail|cannot/i.test(l),
			);
			assert(!loadErrors.length, `n8n logged errors about the package:\n${loadErrors.join('\n')}`);
			return n8n.baseUrl;
		});

		await steps.req('owner account set up over REST (POST /rest/owner/setup)', async () => {
			client = new rt.N8nClient(n8n.baseUrl);
			const u = await client.setupOwner(owner);
			assert(client.cookie, 'no n8n-auth cookie returned');
			return `owner ${u && u.email}`;
		});

		await steps.opt(`node type ${nodeTypeName} listed (/types/nodes.json)`, async () => {
			const r = await c.checkTypesListed(client, nodeTypeName);
			typeVersion = r.typeVersion;
			return `"${r.displayName}" v${r.typeVersion} among ${r.count} types`;
		});
		await steps.opt(
			`credential type ${rt.CREDENTIAL_TYPE} listed (/types/credentials.json)`,
			async () => {
				const t = await c.checkCredentialTypeListed(client);
				return `"${t.displayName}"`;
			},
		);

		await steps.req('credential created over REST (cloud custom → simulator)', async () => {
			cred = await c.createCredential(client, c.CREDENTIAL_NAME, rt.simulatorCredentialData(sim));
			return `id ${cred.id}`;
		});

		await c.credentialTestChecks(steps, client, cred, sim);

		if (publicApi && !ctx.skip.has('publicapi'))
			await runPublicApiChecks({ steps, client, cred, sim });

		ctx.cliWorkflow = null;
		if (!ctx.skip.has('cli'))
			await runCliWorkflow(steps, {
				leg,
				ctx,
				sim,
				logs,
				cli: { runtime, install, env },
				node: {
					nodeType: nodeTypeName,
					typeVersion,
					credentialId: cred.id,
					credentialName: cred.name,
				},
			});

		if (browser && !ctx.skip.has('browser')) {
			const { runBrowserChecks } = require('./browser');
			await runBrowserChecks({ steps, leg, baseUrl: n8n.baseUrl, owner, sim, ctx });
		}
		if (handOver && client && client.cookie) {
			const instance = { n8n, client };
			n8n = undefined;
			return instance;
		}
		return undefined;
	} finally {
		if (n8n) await n8n.stop();
	}
}

/**
 * n8n 2.x public API: POST /api/v1/credentials/{id}/test (scope credential:read; in 2.30.8, not in
 * 2.8.4) tests the STORED credential data, so the wrong secret is a second stored credential. Our
 * credential's messages must come through this path unchanged.
 */
async function runPublicApiChecks({ steps, client, cred, sim }) {
	let apiKey;
	let wrongCred;
	const testVia = async (id) => {
		const res = await client.publicApi(
			'POST',
			`/credentials/${encodeURIComponent(id)}/test`,
			apiKey,
		);
		assert(
			res.status === 200,
			`POST /api/v1/credentials/${id}/test → HTTP ${res.status}: ${res.text.slice(0, 400)}`,
		);
		assert(
			res.json && typeof res.json.status === 'string',
			`unexpected answer: ${res.text.slice(0, 400)}`,
		);
		return res.json;
	};

	await steps.req(
		'public API key created (POST /rest/api-keys, scope credential:read)',
		async () => {
			const k = await client.createApiKey(`e2e ${Date.now()}`, ['credential:read']);
			apiKey = k && k.rawApiKey;
			assert(apiKey, `no rawApiKey in ${JSON.stringify(k).slice(0, 300)}`);
			const anon = await client.publicApi(
				'POST',
				`/credentials/${encodeURIComponent(cred.id)}/test`,
				undefined,
			);
			assert(
				anon.status === 401,
				`without X-N8N-API-KEY the test endpoint answered HTTP ${anon.status}, expected 401`,
			);
			return `scopes ${JSON.stringify(k.scopes || ['credential:read'])}; no key → 401`;
		},
	);
	await steps.opt('public API: POST /api/v1/credentials/{id}/test → status OK', async () =>
		c.expectTestOk(await testVia(cred.id)),
	);
	await steps.opt(
		'public API: stored credential with a wrong secret → actionable (AADSTS7000215)',
		async () => {
			wrongCred = (
				await c.createCredential(
					client,
					`${c.CREDENTIAL_NAME} wrong secret`,
					rt.simulatorCredentialData(sim, { clientSecret: 'this-is-the-wrong-secret' }),
				)
			).id;
			return c.expectTestError(
				await testVia(wrongCred),
				[/AADSTS7000215/],
				'a wrong client secret',
			);
		},
	);
	await steps.opt('public API: unknown credential id → 404', async () => {
		const res = await client.publicApi('POST', '/credentials/doesNotExist0000/test', apiKey);
		assert(res.status === 404, `HTTP ${res.status}: ${res.text.slice(0, 300)}`);
		return `HTTP 404 ${res.text.slice(0, 120)}`;
	});
	if (wrongCred)
		await client
			.delete(`/rest/credentials/${wrongCred}`, { expect: [200, 204] })
			.catch(() => undefined);
}

/**
 * import:workflow + execute --rawOutput with 3 items each carrying a different ~50 KB binary
 * attachment. `cli`: runtime, install, env of the n8n to run; `node`: node type, type version and
 * credential of the workflow.
 */
async function runCliWorkflow(steps, { leg, ctx, sim, logs, cli, node }) {
	const tag = c.unique(`cli-${leg.id}`);
	const plan = attachmentPlan({ items: 3, seed: 7 });
	const wfId = c.workflowId('e2eCli');
	const wfFile = path.join(rt.makeTempDir(`e2e-${leg.id}-wf`), 'workflow.json');
	let before;
	let runOutput;

	await steps.req('workflow imported (n8n import:workflow --input=…)', async () => {
		const wf = manualSendWorkflow({
			...node,
			id: wfId,
			name: `E2E send 3 mails (${tag})`,
			items: 3,
			seed: 7,
			tag,
		});
		await c.importWorkflows(cli, [wf], wfFile, logs('cli-import'));
		ctx.cliWorkflow = { id: wfId, tag, plan };
		return `workflow ${wfId}`;
	});

	await steps.req(
		'workflow runs (n8n execute --id=… --rawOutput) and outputs 3 sent items',
		async () => {
			before = rt.outboxMessages(await sim.outbox()).length;
			const t = Date.now();
			const runData = await c.executeWorkflow(cli, wfId, logs('cli-execute'), 240000);
			const nodeRuns = runData['Office 365 Send Mail'];
			assert(
				nodeRuns && nodeRuns[0],
				`Office 365 Send Mail did not run; nodes that ran: ${Object.keys(runData).join(', ')}`,
			);
			runOutput = nodeRuns[0].data.main[0];
			return `${c.assertOutputItems(runOutput, plan, tag)} in ${rt.elapsed(t)}`;
		},
	);

	await steps.opt(
		'simulator outbox has exactly those 3 messages with byte-identical attachments',
		async () => {
			const { all, tagged } = await c.outboxByTag(sim, tag);
			assert(all.length - before === 3, `outbox grew by ${all.length - before}, expected 3`);
			return c.assertDelivered(tagged, plan, tag);
		},
	);
}

module.exports = { runCommunitySection };
