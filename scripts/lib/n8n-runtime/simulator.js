// @ts-check
'use strict';
/** The local Microsoft 365 simulator (test/simulator, compiled to .build/test/simulator) */
const fs = require('node:fs');
const path = require('node:path');
const { REPO_DIR } = require('./constants');
const { elapsed, log } = require('./log');
const { spawnManaged } = require('./processes');
const { cleanEnv } = require('./util');

const SIMULATOR_CLI = path.join(REPO_DIR, '.build', 'test', 'simulator', 'cli.js');
const SIMULATOR_CLIENT = path.join(REPO_DIR, '.build', 'test', 'simulator', 'index.js');

/** The demo scenario's constants (test/simulator/scenarios.ts DEMO). */
const DEMO = Object.freeze({
	tenantId: '11111111-1111-4111-8111-111111111111',
	tenantDomain: 'contoso.onmicrosoft.com',
	clientId: '22222222-2222-4222-8222-222222222222',
	clientSecret: 'demo-secret-value~not-a-real-secret',
	secretId: '33333333-3333-4333-8333-333333333333',
	sender: 'sender@contoso.onmicrosoft.com',
	alerts: 'alerts@contoso.onmicrosoft.com',
});

/** Credential data pointing n8n at the simulator (cloud 'custom'). */
function simulatorCredentialData(sim, overrides = {}) {
	return {
		cloud: 'custom',
		authorityHost: sim.url,
		graphEndpoint: sim.url,
		tenantId: DEMO.tenantId,
		clientId: DEMO.clientId,
		authentication: 'clientSecret',
		clientSecret: DEMO.clientSecret,
		senderMailbox: DEMO.sender,
		...overrides,
	};
}

/**
 * @param {{ scenario?: string, port?: number, logFile?: string, env?: Record<string, string>,
 * timeoutMs?: number }} [options]
 */
async function startSimulator({
	scenario = 'demo',
	port = 0,
	logFile,
	env = {},
	timeoutMs = 30000,
} = {}) {
	if (!fs.existsSync(SIMULATOR_CLI)) {
		throw new Error(
			`simulator not built: ${path.relative(REPO_DIR, SIMULATOR_CLI)} missing (run \`npx tsc -p tsconfig.tools.json\`)`,
		);
	}
	const t = Date.now();
	const mp = spawnManaged(
		'simulator',
		process.execPath,
		[SIMULATOR_CLI, '--port', String(port), '--scenario', scenario],
		{
			env: cleanEnv(env),
			cwd: REPO_DIR,
			logFile,
		},
	);
	const line = await mp.waitForLine(
		/^\s*\{.*"url"/,
		timeoutMs,
		'the simulator JSON line {"url",…}',
	);
	const info = JSON.parse(line);
	const ca = info.caCertFile ? fs.readFileSync(info.caCertFile) : undefined;
	// The one control client (test/simulator/client.ts), compiled next to the CLI.
	const { SimulatorClient } = require(SIMULATOR_CLIENT);
	const client = SimulatorClient.fromStartupLine(line);
	const sim = {
		proc: mp,
		url: info.url.replace(/\/$/, ''),
		controlUrl: info.controlUrl,
		caCertFile: info.caCertFile,
		ca,
		client,
		/** @param {string} method @param {unknown[]} args */
		rpc: (method, ...args) => client.rpc(method, ...args),
		/** @param {string} p */
		getJson: (p) => client.getJson(p),
		outbox: () => client.outbox(),
		counters: () => client.counters(),
		stop() {
			return mp.stop();
		},
	};
	log(`simulator (scenario ${scenario}) ready at ${sim.url} (${elapsed(t)})`);
	return sim;
}

/** Normalises /_sim/outbox.json to an array of messages (accepts [..] or {messages:[..]}). */
function outboxMessages(outbox) {
	if (Array.isArray(outbox)) return outbox;
	if (outbox && Array.isArray(outbox.messages)) return outbox.messages;
	if (outbox && Array.isArray(outbox.items)) return outbox.items;
	throw new Error(`unexpected outbox.json shape: ${JSON.stringify(outbox).slice(0, 300)}`);
}

module.exports = { DEMO, SIMULATOR_CLI, simulatorCredentialData, startSimulator, outboxMessages };
