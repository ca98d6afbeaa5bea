#!/usr/bin/env node
// Headless demo: starts the local Microsoft 365 simulator, sends one message with an attachment
// through the Office 365 Send Mail node inside n8n's execution engine, and prints what the
// simulator received. `npm start` runs the full playground with a real n8n; this is the quick,
// n8n-less variant.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (!process.env.M365_SIM_CA_DIR) {
	if (
		!fs.existsSync(path.join(root, '.build/test/harness/engine.js')) ||
		process.argv.includes('--rebuild')
	) {
		console.log('Building (dist/ and .build/)…');
		const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.js')], {
			cwd: root,
			stdio: 'inherit',
		});
		if (built.status !== 0) process.exit(built.status ?? 1);
	}
	// The test CA must be trusted from process start (NODE_EXTRA_CA_CERTS), so run again under the CA
	// wrapper.
	const child = spawnSync(
		process.execPath,
		[path.join(root, 'scripts/with-test-ca.js'), process.execPath, __filename],
		{ cwd: root, stdio: 'inherit' },
	);
	process.exit(child.status ?? 1);
}

async function main() {
	require(path.join(root, '.build/test/harness/env.js')).prepareN8nEnvironment();
	const { startSimulator, DEMO, loadDemoScenario } = require(
		path.join(root, '.build/test/simulator/index.js'),
	);
	const { runSendMail } = require(path.join(root, '.build/test/harness/engine.js'));
	const sim = await startSimulator();
	loadDemoScenario(sim);
	console.log(`Simulator (Microsoft identity platform + Graph mail) listening at ${sim.url}`);
	const attachment = Buffer.from(
		`Invoice 2026-0042\nAmount due: 1,234.00 EUR\nGenerated ${new Date().toISOString()}\n`,
	);
	const result = await runSendMail({
		credentials: {
			cloud: 'custom',
			authorityHost: sim.authorityHost,
			graphEndpoint: sim.graphEndpoint,
			tenantId: DEMO.tenantId,
			clientId: DEMO.clientId,
			authentication: 'clientSecret',
			clientSecret: DEMO.secretValue,
			senderMailbox: DEMO.sender.userPrincipalName,
		},
		items: [
			{
				json: { customer: 'Ada Lovelace', email: 'ada@example.com' },
				binary: {
					invoice: { data: attachment, fileName: 'invoice-2026-0042.txt', mimeType: 'text/plain' },
				},
			},
		],
		parameters: {
			toRecipients: '={{ $json.customer + " <" + $json.email + ">" }}',
			subject: 'Your invoice 2026-0042',
			bodyContent:
				'={{ "<p>Dear " + $json.customer + ",</p><p>please find your invoice attached.</p>" }}',
			options: {
				attachments: 'invoice',
				importance: 'high',
				headers: { header: [{ name: 'X-Invoice-Id', value: '2026-0042' }] },
			},
		},
	});
	console.log('\nNode output item:');
	console.log(
		JSON.stringify(
			result.items.map((i) => i.json),
			null,
			2,
		),
	);
	if (result.errorMessage) console.log(`Node error: ${result.errorMessage}`);
	console.log('\nWhat the simulator received (outbox):');
	for (const m of sim.outbox) {
		console.log(
			JSON.stringify(
				{
					mailbox: m.mailbox,
					via: m.via,
					subject: m.message.subject,
					toRecipients: m.message.toRecipients,
					internetMessageHeaders: m.internetMessageHeaders,
					attachments: m.attachments.map(({ bytes, ...a }) => a),
				},
				null,
				2,
			),
		);
	}
	console.log(
		`\nToken requests: ${sim.counters.tokenRequests}, Graph requests: ${sim.counters.graphRequests}`,
	);
	await sim.close();
	process.exit(result.errorMessage || sim.outbox.length !== 1 ? 1 : 0);
}
main().catch((error) => {
	console.error(error);
	process.exit(1);
});
