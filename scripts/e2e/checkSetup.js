'use strict';
/**
 * Check Setup section, in its own n8n instance because n8n must start with the DNS test hook
 * OFFICE365_SEND_MAIL_DNS_SERVERS pointing at the local DNS test server (test/dns, built to
 * .build/test/dns):
 *   1. the credential test, run the way the editor's Save runs it (POST /rest/credentials, then
 *      POST /rest/credentials/test), FAILS when the Mailbox Outside the App's Scope is a mailbox
 *      the app can still send from, and passes once the simulator scopes the app (RBAC for
 *      Applications);
 *   2. a workflow Manual Trigger → Office 365 Send Mail (operation checkSetup) runs from the CLI
 *      and outputs one item per check, nothing delivered;
 *   3. (legs with a browser) the credential dialog with the new fields, as
 *      docs/images/credential-dialog.png.
 * Runs on n8n 2.8.4 and 2.30.8; skip with --skip checksetup.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { manualTriggerNode, mainTo, sendMailNode } = require('./workflows');

const LEGS = ['2.8.4', '2.41.1'];
const DNS_SERVER = path.join(rt.REPO_DIR, '.build', 'test', 'dns', 'server.js');
const DNS_ZONES = path.join(rt.REPO_DIR, '.build', 'test', 'dns', 'zones.js');
// The same list the engine tests expect (test/harness/setupCheckNames.ts); read when the section
// runs, after the suite's build has compiled it.
const checkNames = () =>
	require(path.join(rt.REPO_DIR, '.build', 'test', 'harness', 'setupCheckNames.js'))
		.SETUP_CHECK_NAMES;
// A second app in the simulator's demo tenant, so the demo app other sections use stays unscoped.
const SCOPED_APP = {
	clientId: '66666666-6666-4666-8666-666666666666',
	secret: `e2e-scope-secret~${crypto.randomUUID()}`,
};

function checkSetupWorkflow({ id, nodeType, typeVersion, cred }) {
	const trigger = manualTriggerNode();
	return {
		id,
		name: 'E2E Check Setup',
		active: false,
		settings: {},
		connections: { [trigger.name]: mainTo('Office 365 Send Mail') },
		nodes: [
			trigger,
			sendMailNode({
				nodeType,
				typeVersion,
				credentialId: cred.id,
				credentialName: cred.name,
				position: [300, 300],
				parameters: { operation: 'checkSetup', sender: '' },
			}),
		],
	};
}

async function saveAndTest(client, name, data) {
	const cred = await c.createCredential(client, name, data);
	return { cred, result: await client.testCredential(cred, data) };
}

async function scopeChecks(steps, client, sim) {
	await steps.req(
		'scoped app added to the simulator (RBAC for Applications: sender only)',
		async () => {
			await sim.rpc('addApp', {
				tenantId: rt.DEMO.tenantId,
				clientId: SCOPED_APP.clientId,
				displayName: 'e2e scoped app',
				secrets: [{ id: crypto.randomUUID(), value: SCOPED_APP.secret }],
				permissions: ['Mail.Send'],
				adminConsent: true,
			});
			await sim.rpc('restrictApp', {
				clientId: SCOPED_APP.clientId,
				kind: 'rbac',
				allowedMailboxes: [rt.DEMO.sender],
			});
		},
	);
	await steps.opt(
		"credential Save fails when Mailbox Outside the App's Scope is INSIDE the app's scope",
		async () => {
			const { result } = await saveAndTest(
				client,
				'e2e scope: unscoped app',
				rt.simulatorCredentialData(sim, { scopeCheckMailbox: rt.DEMO.alerts }),
			);
			assert(result.status === 'Error', `expected Error, got ${result.status}: ${result.message}`);
			assert(
				/not in effect/.test(result.message) && result.message.includes(rt.DEMO.alerts),
				`message does not say the scoping is not in effect for ${rt.DEMO.alerts}: ${result.message}`,
			);
			return `"${result.message.slice(0, 160)}…"`;
		},
	);
	await steps.opt(
		'credential Save passes when Exchange refuses that mailbox (scoped app)',
		async () => {
			const { result } = await saveAndTest(
				client,
				'e2e scope: scoped app',
				rt.simulatorCredentialData(sim, {
					clientId: SCOPED_APP.clientId,
					clientSecret: SCOPED_APP.secret,
					scopeCheckMailbox: rt.DEMO.alerts,
				}),
			);
			assert(result.status === 'OK', `expected OK, got ${result.status}: ${result.message}`);
			return `status OK`;
		},
	);
}

/**
 * `cli`: runtime, install, env of the n8n to run; `node`: node type, type version and credential of
 * the workflow.
 */
async function workflowChecks(steps, { leg, ctx, sim, cli, node }) {
	const wfId = `e2eCheckSetup${crypto.randomBytes(4).toString('hex')}`.slice(0, 16);
	const wfFile = path.join(rt.makeTempDir(`e2e-${leg.id}-cs`), 'workflow.json');
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-checksetup-${n}.log`);
	await steps.req('Check Setup workflow imported', async () => {
		const wf = checkSetupWorkflow({ ...node, id: wfId });
		await c.importWorkflows(cli, [wf], wfFile, logs('import'));
	});
	await steps.opt('Check Setup runs from a workflow and outputs one item per check', async () => {
		const before = rt.outboxMessages(await sim.outbox()).length;
		const runData = await c.executeWorkflow(cli, wfId, logs('execute'));
		const items = runData['Office 365 Send Mail'][0].data.main[0].map((i) => i.json);
		assert(
			JSON.stringify(items.map((i) => i.check)) === JSON.stringify(checkNames()),
			`checks ${JSON.stringify(items.map((i) => i.check))}`,
		);
		const by = Object.fromEntries(items.map((i) => [i.check, i]));
		// messageTrace is optional (the demo app has no ExchangeMessageTrace.Read.All): info, never a
		// failure.
		assert(by.messageTrace.severity === 'info', `messageTrace: ${JSON.stringify(by.messageTrace)}`);
		const unproven = ['scopeProbe', 'permissions', 'messageTrace'];
		for (const check of checkNames().filter((k) => !unproven.includes(k)))
			assert(by[check].ok === true, `${check} did not pass: ${JSON.stringify(by[check])}`);
		// The demo app holds Mail.Send from Entra (tenant-wide) and no scoping is proven: a warning to
		// scope it.
		assert(
			by.permissions.ok === false && by.permissions.severity === 'warning',
			`permissions: ${JSON.stringify(by.permissions)}`,
		);
		// The demo credential has no Mailbox Outside the App's Scope: reported as not checked.
		assert(
			by.scopeProbe.ok === false && by.scopeProbe.severity === 'info',
			`scopeProbe: ${JSON.stringify(by.scopeProbe)}`,
		);
		assert(
			/policy reject/.test(by.dmarc.detail),
			`dmarc read from the DNS test server: ${by.dmarc.detail}`,
		);
		const after = rt.outboxMessages(await sim.outbox()).length;
		assert(after === before, `Check Setup delivered ${after - before} message(s)`);
		return items.map((i) => `${i.check}:${i.ok ? 'ok' : i.severity}`).join(' ');
	});
}

async function dialogScreenshot({ steps, leg, baseUrl, owner, sim, ctx }) {
	const { launchBrowser, signIn, openNewCredentialDialog } = require('./browser');
	const file = path.join(ctx.artifactsDir, `${leg.id}-credential-dialog.png`);
	let b;
	await steps.opt(
		'browser: credential dialog shows Sender Display Name, Default Reply-To, scope mailbox',
		async () => {
			try {
				b = await launchBrowser();
				const { page } = b;
				await signIn(page, baseUrl, owner);
				await openNewCredentialDialog(page, baseUrl);
				const values = {
					senderMailbox: rt.DEMO.sender,
					senderName: 'Contoso Notifications',
					replyTo: 'support@contoso.com',
					scopeCheckMailbox: 'ceo@contoso.onmicrosoft.com',
				};
				for (const [name, value] of Object.entries(values)) {
					const input = page.locator(`[data-test-id="parameter-input-${name}"] input`).first();
					await input.waitFor({ state: 'visible', timeout: 15000 });
					await input.click();
					await input.pressSequentially(value, { delay: 2 });
				}
				// Tall enough for the mailbox fields and their labels in one picture; blur so no field has
				// focus.
				await page.setViewportSize({ width: 1400, height: 1250 });
				await page
					.locator('[data-test-id="parameter-input-senderMailbox"]')
					.first()
					.evaluate((el) => el.scrollIntoView({ block: 'start' }));
				await page.evaluate(() => document.activeElement && document.activeElement.blur());
				await page.waitForTimeout(500);
				await page.screenshot({ path: file });
				return path.relative(rt.REPO_DIR, file);
			} finally {
				if (b) await b.close().catch(() => undefined);
			}
		},
	);
}

/**
 * The simulator's outbox page after the credential test sent its Test Recipient message. The page
 * is fetched over TLS with the simulator's CA (never with certificate checks off) and shown in the
 * browser from memory.
 */
async function outboxScreenshot({ steps, leg, client, sim, ctx }) {
	const { launchBrowser } = require('./browser');
	const file = path.join(ctx.artifactsDir, `${leg.id}-simulator-outbox.png`);
	await steps.opt('browser: simulator outbox page after a Test Recipient message', async () => {
		const { result } = await saveAndTest(
			client,
			'e2e test recipient',
			rt.simulatorCredentialData(sim, { testRecipient: 'admin@contoso.onmicrosoft.com' }),
		);
		assert(result.status === 'OK', `credential test: ${result.status} ${result.message}`);
		const page = await rt.httpRequest(`${sim.url}/_sim/outbox`, { ca: sim.ca });
		assert(page.status === 200, `GET /_sim/outbox → HTTP ${page.status}`);
		const b = await launchBrowser();
		try {
			await b.page.setContent(page.text, { waitUntil: 'load' });
			await b.page.screenshot({ path: file, fullPage: true });
		} finally {
			await b.close().catch(() => undefined);
		}
		return path.relative(rt.REPO_DIR, file);
	});
}

async function runCheckSetupSection({ R, leg, runtime, install, sim, ctx }) {
	if (!LEGS.includes(leg.n8nVersion) || ctx.skip.has('checksetup')) return;
	const steps = R.steps(`[${leg.id}] check setup:`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-cs-uf`);
	const owner = { ...rt.DEFAULT_OWNER };
	const nodeType = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	let dns;
	let n8n;
	try {
		await steps.req('DNS test server started (test/dns zones)', async () => {
			const { startDnsServer } = require(DNS_SERVER);
			const { ZONE } = require(DNS_ZONES);
			dns = await startDnsServer(ZONE);
			return dns.address;
		});
		let env;
		await steps.req('n8n starts with the package and the DNS test hook', async () => {
			({ env, n8n } = await c.startWithPackage(
				{ runtime, install, leg, sim, ctx },
				{
					userFolder,
					label: 'checksetup',
					extra: { OFFICE365_SEND_MAIL_DNS_SERVERS: dns.address },
				},
			));
			return n8n.baseUrl;
		});
		if (steps.blocked) return;
		const client = new rt.N8nClient(n8n.baseUrl);
		let cred;
		await steps.req('owner and demo credential set up over REST', async () => {
			await client.setupOwner(owner);
			cred = (await saveAndTest(client, 'e2e check setup', rt.simulatorCredentialData(sim))).cred;
		});
		await scopeChecks(steps, client, sim);
		await workflowChecks(steps, {
			leg,
			ctx,
			sim,
			cli: { runtime, install, env },
			node: { nodeType, typeVersion: 1, cred },
		});
		if (leg.features && leg.features.browser && !ctx.skip.has('browser')) {
			await dialogScreenshot({ steps, leg, baseUrl: n8n.baseUrl, owner, sim, ctx });
			await outboxScreenshot({ steps, leg, client, sim, ctx });
		}
	} finally {
		if (n8n) await n8n.stop();
		if (dns) await dns.close();
	}
}

module.exports = { runCheckSetupSection };
