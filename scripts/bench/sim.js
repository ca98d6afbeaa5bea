'use strict';
// The local Microsoft 365 simulator for the benchmark, either in this process or as its own process
// (.build/test/simulator/cli.js, driven over its /_sim control API). Both are wrapped in one async
// shape.
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..', '..');
const build = (rel) => path.join(root, '.build', rel);

/** Starts the simulator in a child process; resolves once it has printed its start-up line. */
async function startProcessSim(options) {
	const { SimulatorClient } = require(build('test/simulator/index.js'));
	const args = [
		build('test/simulator/cli.js'),
		'--scenario',
		'empty',
		'--graph-latency-ms',
		String(options.graphLatencyMs),
		'--mailbox-concurrency-limit',
		String(options.mailboxConcurrencyLimit),
		'--seed',
		String(options.seed ?? 1),
	];
	// Same environment: M365_SIM_CA_DIR makes the simulator use the CA this process already trusts.
	const child = spawn(process.execPath, args, {
		env: process.env,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const line = await new Promise((resolve, reject) => {
		const rl = readline.createInterface({ input: child.stdout });
		rl.once('line', (l) => {
			rl.close();
			resolve(l);
		});
		child.once('exit', (code) =>
			reject(new Error(`simulator process exited (${code}) before it started`)),
		);
		child.once('error', reject);
	});
	child.stdout.resume();
	const info = JSON.parse(line);
	const client = SimulatorClient.fromStartupLine(line);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		mode: 'process',
		pid: child.pid,
		startupLine: line,
		url: info.url,
		authorityHost: info.url,
		graphEndpoint: info.url,
		addTenant: (t) => client.addTenant(t),
		addApp: (a) => client.addApp(a),
		addUser: (u) => client.addUser(u),
		reset: () => client.reset(),
		injectFault: (f) => client.injectFault(f),
		counters: () => client.counters(),
		outbox: () => client.outbox(),
		requests: () => client.requests(),
		close: async () => {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/** Attaches to a simulator process started by another bench process (its start-up line). */
function attachProcessSim(line) {
	const { SimulatorClient } = require(build('test/simulator/index.js'));
	const info = JSON.parse(line);
	const client = SimulatorClient.fromStartupLine(line);
	return {
		mode: 'process',
		url: info.url,
		authorityHost: info.url,
		graphEndpoint: info.url,
		reset: () => client.reset(),
		injectFault: (f) => client.injectFault(f),
		counters: () => client.counters(),
		outbox: () => client.outbox(),
		requests: () => client.requests(),
		close: async () => undefined,
	};
}

async function startInProcessSim(options) {
	const { startSimulator } = require(build('test/simulator/index.js'));
	const sim = await startSimulator({
		graphLatencyMs: options.graphLatencyMs,
		mailboxConcurrencyLimit: options.mailboxConcurrencyLimit,
		seed: options.seed ?? 1,
	});
	return {
		mode: 'in-process',
		url: sim.url,
		authorityHost: sim.authorityHost,
		graphEndpoint: sim.graphEndpoint,
		addTenant: async (t) => sim.addTenant(t),
		addApp: async (a) => sim.addApp(a),
		addUser: async (u) => sim.addUser(u),
		reset: async () => sim.reset(),
		injectFault: async (f) => sim.injectFault(f),
		counters: async () => structuredClone(sim.counters),
		outbox: async () =>
			sim.outbox.map((m) => ({ ...m, attachments: m.attachments.map(({ bytes, ...a }) => a) })),
		requests: async () => sim.requests.map((r) => ({ ...r })),
		close: () => sim.close(),
	};
}

/**
 * One tenant, one app with Mail.Send + Mail.ReadWrite (client secret), one sender mailbox that
 * takes 100 MB+.
 */
async function setupTenant(sim) {
	const tenantId = randomUUID();
	const domain = `bench${tenantId.slice(0, 6)}.onmicrosoft.com`;
	const clientId = randomUUID();
	const secret = `bench~${randomUUID().replace(/-/g, '')}`;
	const sender = `sender@${domain}`;
	await sim.addTenant({ id: tenantId, domains: [domain] });
	await sim.addApp({
		tenantId,
		clientId,
		displayName: 'bench',
		secrets: [{ id: randomUUID(), value: secret }],
		permissions: ['Mail.Send', 'Mail.ReadWrite'],
		adminConsent: true,
	});
	await sim.addUser({
		tenantId,
		id: randomUUID(),
		userPrincipalName: sender,
		maxSendSizeBytes: 160 * 1024 * 1024,
	});
	return tenantFrom(sim, { tenantId, clientId, secret, sender });
}

function tenantFrom(sim, { tenantId, clientId, secret, sender }) {
	return {
		tenantId,
		clientId,
		secret,
		sender,
		authorityHost: sim.authorityHost,
		graphEndpoint: sim.graphEndpoint,
		/** Credential data as n8n hands it to the node (cloud "custom" pointing at the simulator). */
		credentials: () => ({
			cloud: 'custom',
			authorityHost: sim.authorityHost,
			graphEndpoint: sim.graphEndpoint,
			tenantId,
			clientId,
			authentication: 'clientSecret',
			clientSecret: secret,
			senderMailbox: sender,
		}),
	};
}

module.exports = { startProcessSim, startInProcessSim, attachProcessSim, setupTenant, tenantFrom };
