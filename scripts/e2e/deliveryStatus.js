'use strict';
/**
 * Get Delivery Status section, in its own n8n instance: a workflow Manual Trigger → Office 365 Send
 * Mail (Send, four recipients) → Office 365 Send Mail (Get Delivery Status, the default {{
 * $json.internetMessageId }}) runs from the CLI against the simulator's message trace, where the
 * recipients' fates are set to delivered, bounced (5.1.10), TERRL-limited (5.7.233) and
 * quarantined. The app is a second app of the demo tenant that holds ExchangeMessageTrace.Read.All,
 * so the demo app other sections use is unchanged. Runs on n8n 2.8.4 and the newest legs; skip with
 * --skip deliverystatus.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');
const c = require('./common');
const { manualTriggerNode, graphNode, workflowOf } = require('./workflows');

// 2.8.4 and the newest leg; 2.30.8 would repeat them.
const LEGS = ['2.8.4', '2.41.1'];
const TRACE_APP = {
	clientId: '77777777-7777-4777-8777-777777777777',
	secret: `e2e-trace-secret~${crypto.randomUUID()}`,
};
const FATES = {
	'ada@example.com': { fate: 'delivered', status: 'delivered', code: null },
	'nobody@example.net': { fate: 'bounced', status: 'failed', code: '5.1.10' },
	'partner@example.org': { fate: 'terrl', status: 'failed', code: '5.7.233' },
	'filtered@example.com': { fate: 'quarantined', status: 'quarantined', code: null },
};

function deliveryStatusWorkflow({ id, nodeType, cred }) {
	const mail = (name, position, parameters) =>
		graphNode({ name, type: nodeType, typeVersion: 1, position, parameters, cred });
	const nodes = [
		manualTriggerNode(),
		mail('Send', [300, 300], {
			operation: 'send',
			toRecipients: Object.keys(FATES).join(', '),
			subject: 'E2E delivery status',
			bodyContent: 'Four recipients, four fates.',
			bodyContentType: 'text',
		}),
		// Only the operation: Internet Message ID keeps its default expression, as in the editor.
		mail('Delivery Status', [600, 300], { operation: 'getDeliveryStatus' }),
	];
	return workflowOf({ id, name: 'E2E Send then Get Delivery Status', nodes, settings: {} });
}

async function simulatorSetup(steps, sim) {
	await steps.req('trace app and recipient fates set in the simulator', async () => {
		await sim.rpc('addApp', {
			tenantId: rt.DEMO.tenantId,
			clientId: TRACE_APP.clientId,
			displayName: 'e2e trace app',
			secrets: [{ id: crypto.randomUUID(), value: TRACE_APP.secret }],
			permissions: ['Mail.Send', 'ExchangeMessageTrace.Read.All'],
			adminConsent: true,
		});
		for (const [address, { fate }] of Object.entries(FATES))
			await sim.rpc('setRecipientFate', address, fate);
	});
}

async function workflowChecks(steps, { leg, ctx, cli, nodeType, cred }) {
	const wfId = `e2eDelivery${crypto.randomBytes(3).toString('hex')}`.slice(0, 16);
	const wfFile = path.join(rt.makeTempDir(`e2e-${leg.id}-ds`), 'workflow.json');
	const logs = (n) => path.join(ctx.logsDir, `${leg.id}-deliverystatus-${n}.log`);
	await steps.req('Send → Get Delivery Status workflow imported', async () => {
		await c.importWorkflows(
			cli,
			[deliveryStatusWorkflow({ id: wfId, nodeType, cred })],
			wfFile,
			logs('import'),
		);
	});
	await steps.opt(
		'Send → Get Delivery Status reports each recipient with Graph status and code',
		async () => {
			const runData = await c.executeWorkflow(cli, wfId, logs('execute'));
			const sent = runData.Send[0].data.main[0][0].json;
			const got = runData['Delivery Status'][0].data.main[0][0].json;
			assert(
				got.internetMessageId === sent.internetMessageId,
				`Message-ID ${got.internetMessageId} vs ${sent.internetMessageId}`,
			);
			assert(got.status === 'mixed', `overall status ${got.status}`);
			const by = Object.fromEntries(got.recipients.map((r) => [r.address, r]));
			for (const [address, want] of Object.entries(FATES)) {
				const r = by[address];
				assert(
					r && r.status === want.status && r.code === want.code,
					`${address}: ${JSON.stringify(r)}`,
				);
				assert(typeof r.meaning === 'string' && r.meaning.length > 10, `${address}: no meaning`);
			}
			return got.recipients
				.map((r) => `${r.address}:${r.status}${r.code ? ` ${r.code}` : ''}`)
				.join(', ');
		},
	);
}

async function runDeliveryStatusSection({ R, leg, runtime, install, sim, ctx }) {
	if (!LEGS.includes(leg.n8nVersion) || ctx.skip.has('deliverystatus')) return;
	const steps = R.steps(`[${leg.id}] delivery status:`);
	const userFolder = rt.makeTempDir(`e2e-${leg.id}-ds-uf`);
	let n8n;
	try {
		let env;
		await steps.req('n8n starts with the package', async () => {
			({ env, n8n } = await c.startWithPackage(
				{ runtime, install, leg, sim, ctx },
				{ userFolder, label: 'deliverystatus' },
			));
			return n8n.baseUrl;
		});
		if (steps.blocked) return;
		await simulatorSetup(steps, sim);
		const client = new rt.N8nClient(n8n.baseUrl);
		let cred;
		await steps.req('owner and trace credential set up over REST', async () => {
			await client.setupOwner({ ...rt.DEFAULT_OWNER });
			const data = rt.simulatorCredentialData(sim, {
				clientId: TRACE_APP.clientId,
				clientSecret: TRACE_APP.secret,
			});
			cred = await c.createCredential(client, 'e2e delivery status', data);
		});
		if (steps.blocked) return;
		const nodeType = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
		await workflowChecks(steps, { leg, ctx, cli: { runtime, install, env }, nodeType, cred });
	} finally {
		if (n8n) await n8n.stop();
	}
}

module.exports = { runDeliveryStatusSection };
