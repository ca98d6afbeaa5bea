#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the package running in a REAL n8n against the local Microsoft 365 simulator.
 *
 *   node scripts/start.js [--no-n8n] [--no-build] [--no-run] [--fresh] [--port <n8n port>] [--sim-port <port>]
 *
 * 1. builds the package and the simulator (npm run build),
 * 2. starts the simulator (scenario demo),
 * 3. installs n8n 2.8.4 into the cache (<repo>/.cache/n8n/2.8.4 or $N8N_E2E_CACHE; first time ~4 min) and this
 *    package into n8n's community-package folder, then starts n8n on 127.0.0.1,
 * 4. creates the owner account, the credential "Microsoft Graph (local simulator)" and the workflow
 *    "Send a demo mail with attachment", runs it once (unless --no-run),
 * 5. prints the editor URL, login and the simulator outbox URL, and runs until Ctrl-C (which stops everything).
 *
 * State (n8n user folder, owner login, CA) lives in <repo>/.cache/start/ and is reused by the next start, so the
 * workflows you build survive restarts; --fresh starts from scratch.
 * --no-n8n: only the simulator, with the values to enter in an n8n of your own.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const rt = require('./lib/n8n-runtime');
const { demoWorkflow } = require('./e2e/workflows');

const N8N_VERSION = '2.8.4';
const LEG = {
	id: 'start',
	n8nVersion: N8N_VERSION,
	overrides: rt.XLSX_OVERRIDE,
	install: { ignoreScripts: false, rebuild: [] },
	env: {},
};
const CREDENTIAL_NAME = 'Microsoft Graph (local simulator)';
const WORKFLOW_NAME = 'Send a demo mail with attachment';

function parseArgs(argv) {
	const o = {
		n8n: true,
		build: true,
		run: true,
		fresh: false,
		port: undefined,
		simPort: undefined,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--no-n8n') o.n8n = false;
		else if (a === '--no-build') o.build = false;
		else if (a === '--no-run') o.run = false;
		else if (a === '--fresh') o.fresh = true;
		else if (a === '--port') o.port = Number(argv[++i]);
		else if (a === '--sim-port') o.simPort = Number(argv[++i]);
		else if (a === '--help' || a === '-h') {
			process.stdout.write(`${rt.usageOf(__filename)}\n`);
			process.exit(0);
		} else throw new Error(`unknown argument ${a} (see --help)`);
	}
	return o;
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = require('node:net').createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

async function pickPort(preferred) {
	if (preferred && (await portIsFree(preferred))) return preferred;
	return rt.freePort();
}

/** A CA kept in .cache/start/ca so a browser can trust the simulator once (created with the simulator's own code). */
function ensureCa(stateDir) {
	const dir = path.join(stateDir, 'ca');
	if (fs.existsSync(path.join(dir, 'ca.pem')) && fs.existsSync(path.join(dir, 'ca-key.pem')))
		return dir;
	const caModule = path.join(rt.REPO_DIR, '.build', 'test', 'simulator', 'ca.js');
	if (!fs.existsSync(caModule)) return undefined;
	const { createTestCa } = require(caModule);
	createTestCa(dir);
	return dir;
}

function banner(lines) {
	const bar = '─'.repeat(78);
	process.stdout.write(`\n${bar}\n${lines.map((l) => `  ${l}`).join('\n')}\n${bar}\n\n`);
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	rt.installExitHandlers();
	const t0 = Date.now();
	const stateDir = path.join(rt.REPO_DIR, '.cache', 'start');
	const logsDir = path.join(stateDir, 'logs');
	if (opts.fresh) {
		rt.log(
			`--fresh: removing ${path.relative(rt.REPO_DIR, stateDir)}/ (n8n user folder, owner login, CA)`,
		);
		fs.rmSync(stateDir, { recursive: true, force: true });
	}
	fs.mkdirSync(logsDir, { recursive: true });
	rt.log(
		`npm start: package ${rt.PACKAGE_NAME}@${rt.PACKAGE_JSON.version} in real n8n ${N8N_VERSION} + the local Microsoft 365 simulator`,
	);
	rt.log(
		`logs: ${path.relative(rt.REPO_DIR, logsDir)}/ — the first start takes a few minutes (n8n install), later ones ~30 s`,
	);

	// 1. build
	if (opts.build) await rt.buildRepo({ simulator: true });
	else rt.assertBuilt();

	// 2. simulator
	const caDir = ensureCa(stateDir);
	const simPort = await pickPort(opts.simPort || 5680);
	const sim = await rt.startSimulator({
		scenario: 'demo',
		port: simPort,
		logFile: path.join(logsDir, 'simulator.log'),
		env: caDir ? { M365_SIM_CA_DIR: caDir } : {},
	});
	const credData = rt.simulatorCredentialData(sim);

	if (!opts.n8n) {
		banner([
			'Local Microsoft 365 simulator is running (Ctrl-C stops it).',
			'',
			`Simulator:       ${sim.url}`,
			`Outbox (HTML):   ${sim.url}/_sim/outbox      (JSON: ${sim.url}/_sim/outbox.json)`,
			`Test CA:         ${sim.caCertFile}`,
			'',
			'To use it from an n8n of your own, start n8n with',
			`  NODE_EXTRA_CA_CERTS=${sim.caCertFile}`,
			'and create a "Microsoft Graph Client Credentials" credential with:',
			`  Cloud: Custom   Authority host + Graph endpoint: ${sim.url}`,
			`  Tenant ID: ${rt.DEMO.tenantId}   Client ID: ${rt.DEMO.clientId}`,
			`  Client secret: ${rt.DEMO.clientSecret}   Sender mailbox: ${rt.DEMO.sender}`,
			'',
			'Your browser does not trust the test CA: accept the certificate warning for the outbox page,',
			`or import ${sim.caCertFile} as a trusted authority (local testing only).`,
			...(fs.existsSync(path.join(rt.REPO_DIR, 'scripts', 'demo.js'))
				? ['', 'Headless demo (the node without n8n): npm run demo']
				: []),
		]);
		await new Promise(() => undefined);
	}

	// 3. n8n + the package as a community package
	const runtime = await rt.ensureNodeRuntime(undefined);
	const install = await rt.ensureN8n(LEG, runtime);
	const userFolder = path.join(stateDir, `n8n-${N8N_VERSION}-user`);
	fs.mkdirSync(userFolder, { recursive: true });
	const packDir = rt.makeTempDir('start-pack');
	rt.log('packing the package (npm pack) and installing it into n8n’s community-package folder …');
	const { tarball } = await rt.packRepo(packDir);
	fs.rmSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', rt.PACKAGE_NAME), {
		recursive: true,
		force: true,
	});
	await rt.installCommunityPackage(userFolder, tarball, runtime, {
		logFile: path.join(logsDir, 'npm-i-package.log'),
	});

	const port = await pickPort(opts.port || 5678);
	const env = rt.n8nEnv(runtime, LEG, {
		userFolder,
		port,
		caCertFile: sim.caCertFile,
		brokerPort: await rt.freePort(),
	});
	const n8n = await rt.startN8n({
		runtime,
		install,
		leg: LEG,
		name: 'n8n',
		env,
		logFile: path.join(logsDir, 'n8n.log'),
	});

	// 4. owner, credential, workflow
	const client = new rt.N8nClient(n8n.baseUrl);
	const ownerFile = path.join(stateDir, 'owner.json');
	let owner = fs.existsSync(ownerFile) ? JSON.parse(fs.readFileSync(ownerFile, 'utf8')) : null;
	const settings = await client.get('/rest/settings');
	const setupNeeded = Boolean(
		settings && settings.userManagement && settings.userManagement.showSetupOnFirstLoad,
	);
	if (setupNeeded || !owner) {
		owner = {
			email: 'owner@example.com',
			firstName: 'Local',
			lastName: 'Developer',
			password: `Local-${crypto.randomBytes(6).toString('base64url')}-9a`,
		};
		if (!setupNeeded)
			throw new Error(
				`n8n in ${userFolder} already has an owner but ${ownerFile} is missing: run \`npm start -- --fresh\``,
			);
		await client.setupOwner(owner);
		fs.writeFileSync(ownerFile, `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
		rt.log(`owner account created: ${owner.email}`);
	} else {
		await client.login(owner.email, owner.password);
		rt.log(`signed in as the existing owner ${owner.email}`);
	}

	const creds = await client.get('/rest/credentials');
	let cred = (creds || []).find((c) => c.name === CREDENTIAL_NAME && c.type === rt.CREDENTIAL_TYPE);
	if (cred) {
		await client.updateCredential(cred.id, CREDENTIAL_NAME, rt.CREDENTIAL_TYPE, credData);
		rt.log(`credential "${CREDENTIAL_NAME}" updated to the simulator at ${sim.url}`);
	} else {
		cred = await client.createCredential(CREDENTIAL_NAME, rt.CREDENTIAL_TYPE, credData);
		rt.log(`credential "${CREDENTIAL_NAME}" created (id ${cred.id})`);
	}
	const test = await client.testCredential(
		{ id: cred.id, name: CREDENTIAL_NAME, type: rt.CREDENTIAL_TYPE },
		credData,
	);
	rt.log(`credential Test: ${test.status} — ${test.message}`);

	const nodeType = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	const types = await client.nodeTypes();
	const ours = (types || []).filter((t) => t.name === nodeType);
	if (!ours.length)
		throw new Error(`n8n did not load ${nodeType}; see ${path.relative(rt.REPO_DIR, n8n.logFile)}`);
	const typeVersion = Math.max(
		...ours.flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version])),
	);
	const workflows = await client.get('/rest/workflows');
	let wf = (workflows || []).find((w) => w.name === WORKFLOW_NAME);
	if (!wf) {
		const def = demoWorkflow({
			nodeType,
			typeVersion,
			credentialId: cred.id,
			credentialName: CREDENTIAL_NAME,
		});
		delete def.id;
		wf = await client.post('/rest/workflows', def);
		rt.log(`workflow "${WORKFLOW_NAME}" created (id ${wf.id})`);
	} else {
		rt.log(`workflow "${WORKFLOW_NAME}" already exists (id ${wf.id}), left as you saved it`);
	}

	if (opts.run) {
		rt.log('running the demo workflow once (n8n execute) so the outbox is not empty …');
		const res = await rt.runN8nCli({
			runtime,
			install,
			env,
			args: ['execute', `--id=${wf.id}`, '--rawOutput'],
			logFile: path.join(logsDir, 'n8n-execute.log'),
		});
		if (res.code === 0) {
			const outbox = rt.outboxMessages(await sim.outbox());
			rt.log(`demo mail sent: the simulator outbox now holds ${outbox.length} message(s)`);
		} else {
			rt.log(
				`the demo run failed (exit ${res.code}); details in ${path.relative(rt.REPO_DIR, path.join(logsDir, 'n8n-execute.log'))}:\n${res.tail(15)}`,
			);
		}
	}

	banner([
		`Ready in ${rt.elapsed(t0)}. Ctrl-C stops n8n and the simulator.`,
		'',
		`n8n editor:      ${n8n.baseUrl}/`,
		`  sign in with   ${owner.email}  /  ${owner.password}`,
		`  workflow       "${WORKFLOW_NAME}"  →  ${n8n.baseUrl}/workflow/${wf.id}`,
		`  credential     "${CREDENTIAL_NAME}" (cloud Custom → ${sim.url})`,
		'',
		`Simulator outbox: ${sim.url}/_sim/outbox     (JSON: ${sim.url}/_sim/outbox.json)`,
		'  Your browser does not trust the simulator’s test CA: accept the certificate warning once,',
		`  or import ${sim.caCertFile} as a trusted authority (local testing only).`,
		'',
		`Logs: ${path.relative(rt.REPO_DIR, logsDir)}/   State: ${path.relative(rt.REPO_DIR, stateDir)}/ (npm start -- --fresh to reset)`,
	]);

	// 5. stay up until Ctrl-C; if a child dies, say so and stop
	const died = await Promise.race([
		n8n.exited.then(() => 'n8n'),
		sim.proc.exited.then(() => 'the simulator'),
	]);
	if (rt.isShuttingDown()) return new Promise(() => undefined); // Ctrl-C: the signal handler stops everything and exits
	rt.log(
		`${died} exited unexpectedly; stopping. Last output:\n${(died === 'n8n' ? n8n : sim.proc).tail(20)}`,
	);
	await rt.stopAll();
	rt.removeTempDirs();
	process.exit(1);
}

main().catch(async (e) => {
	process.stderr.write(`\nnpm start failed: ${e.message}\n`);
	await rt.stopAll();
	rt.removeTempDirs();
	process.exit(1);
});
