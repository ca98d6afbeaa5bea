#!/usr/bin/env node
'use strict';
/**
 * npm start: this package in a REAL n8n 2.8.4 against the local Microsoft 365 simulator.
 *
 * Usage (npm passes the flags after "--" on to this script; `node scripts/start.js <flags>`
 * works too):
 *   npm start                        build, start the simulator and n8n, create the owner, the
 *                                    credential and the demo workflow, run it once, print the
 *                                    URLs; Ctrl-C stops everything
 *   npm start -- --no-n8n            only the simulator, with the values to enter in an n8n of
 *                                    your own
 *   npm start -- --host 0.0.0.0      n8n reachable from other machines (VM, WSL, container)
 *   npm start -- --fresh             start from scratch
 *   npm start -- --port 5700 --sim-port 5701
 *   npm start -- --help              this text
 *
 * Flags:
 *   --no-n8n          Start only the simulator and print its URL, test CA and demo credential
 *                     values. Installs nothing and needs only the package's Node.js (20.15+).
 *   --no-build        Skip `npm run build` and use the last build (fails if there is none).
 *   --no-run          Do not run the demo workflow after start (the outbox stays as it was).
 *   --fresh           Delete .cache/start/ first: n8n's user folder (your workflows, credentials,
 *                     executions), the owner login and the test CA. The n8n install is kept.
 *   --port <n>        n8n's port (default 5678; a free one if that is taken).
 *   --sim-port <n>    The simulator's port (default 5680; a free one if that is taken).
 *   --host <address>  Where n8n listens (default 127.0.0.1, this machine only). 0.0.0.0 = all
 *                     IPv4 interfaces, :: = all interfaces: for a VM, WSL or a container, open the
 *                     printed address from the host. Also turns off n8n's secure cookie, so signing
 *                     in works over plain http: for local testing only. The simulator stays on
 *                     127.0.0.1 (n8n reaches it there); its outbox page opens on this machine only.
 *   -h, --help        This text.
 *
 * Needs: Node.js 20.19 or newer, up to 24.x (n8n 2.8.4's "engines"), checked before anything is
 * installed. Disk: the first start installs n8n 2.8.4 into .cache/n8n/ (or $N8N_E2E_CACHE):
 * about 2 GB (measured 2.0 GB on disk, 1.6 GB of files) plus npm's download cache, in about 4-5
 * minutes. Later starts take ~30 s.
 *
 * Between starts: .cache/start/ keeps n8n's user folder, so your workflows and your edits to the
 * workflow "Send a demo mail with attachment" and the credential "Microsoft Graph (local
 * simulator)" survive a restart. When the simulator gets another port, only the credential's two
 * endpoints are moved to it (the log says so). --fresh resets everything.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const rt = require('./lib/n8n-runtime');
const { n8nTimeZone, receivedMailLines, seedReceivedMail } = require('./startMailbox');
const { demoWorkflow } = require('./e2e/workflows');

const N8N_VERSION = '2.8.4';
// n8n 2.8.4's package.json: "engines": { "node": ">=20.19 <= 24.x" }.
const N8N_NODE = { min: [20, 19], maxMajor: 24, text: '20.19 or newer, up to 24.x' };
// Measured: .cache/n8n/2.8.4 takes 2.0 GB on disk; ask for some room for npm's cache and the user
// folder.
const N8N_DISK_BYTES = 2.5e9;
const LEG = {
	id: 'start',
	n8nVersion: N8N_VERSION,
	overrides: rt.XLSX_OVERRIDE,
	install: { ignoreScripts: false, rebuild: [] },
	env: {},
};
const CREDENTIAL_NAME = 'Microsoft Graph (local simulator)';
const WORKFLOW_NAME = 'Send a demo mail with attachment';
// --host values whose n8n is still reachable on 127.0.0.1, where this script talks to it.
const HOSTS = ['127.0.0.1', '0.0.0.0', '::'];

/** Why this Node.js cannot run n8n N8N_VERSION, or undefined when it can. */
function nodeVersionProblem(version = process.version) {
	const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
	const tooOld = major < N8N_NODE.min[0] || (major === N8N_NODE.min[0] && minor < N8N_NODE.min[1]);
	if (!tooOld && major <= N8N_NODE.maxMajor) return undefined;
	return (
		`n8n ${N8N_VERSION} needs Node.js ${N8N_NODE.text}; this is Node.js ${version}. ` +
		`Install a supported Node.js (for example \`nvm install 22\`) and run npm start again, ` +
		'or run `npm start -- --no-n8n` for the simulator alone.'
	);
}

function usageError(message) {
	return new Error(`${message} (see npm start -- --help)`);
}

function portArg(flag, value) {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > 65535)
		throw usageError(`${flag} needs a port number from 1 to 65535, got "${value ?? ''}"`);
	return n;
}

function parseArgs(argv) {
	const o = {
		n8n: true,
		build: true,
		run: true,
		fresh: false,
		port: undefined,
		simPort: undefined,
	};
	o.host = '127.0.0.1';
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--no-n8n') o.n8n = false;
		else if (a === '--no-build') o.build = false;
		else if (a === '--no-run') o.run = false;
		else if (a === '--fresh') o.fresh = true;
		else if (a === '--port') o.port = portArg(a, argv[++i]);
		else if (a === '--sim-port') o.simPort = portArg(a, argv[++i]);
		else if (a === '--host') o.host = argv[++i] ?? '';
		else if (a === '--help' || a === '-h') o.help = true;
		else throw usageError(`unknown argument ${a}`);
	}
	if (!HOSTS.includes(o.host))
		throw usageError(
			`--host takes one of ${HOSTS.join(', ')}; for a VM, WSL or a container use 0.0.0.0 and open the printed address`,
		);
	return o;
}

/** Stops before a long install that cannot succeed: wrong Node.js, or too little disk for n8n. */
function preflight() {
	const problem = nodeVersionProblem();
	if (problem) throw new Error(problem);
	const cacheRoot = rt.defaultCacheRoot();
	if (fs.existsSync(path.join(cacheRoot, N8N_VERSION, 'node_modules', 'n8n', 'package.json')))
		return;
	fs.mkdirSync(cacheRoot, { recursive: true });
	const st = fs.statfsSync(cacheRoot);
	const free = st.bavail * st.bsize;
	rt.log(
		`first start: n8n ${N8N_VERSION} is installed into ${cacheRoot} (about 2 GB, 4-5 minutes; ${(free / 1e9).toFixed(1)} GB free there)`,
	);
	if (free < N8N_DISK_BYTES)
		throw new Error(
			`only ${(free / 1e9).toFixed(1)} GB free in ${cacheRoot}; n8n ${N8N_VERSION} needs about 2.5 GB. Free some space, or set N8N_E2E_CACHE to a folder on a bigger disk.`,
		);
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

/**
 * A CA kept in .cache/start/ca so a browser can trust the simulator once (created with the
 * simulator's own code).
 */
function ensureCa(stateDir) {
	const dir = path.join(stateDir, 'ca');
	if (fs.existsSync(path.join(dir, 'ca.pem')) && fs.existsSync(path.join(dir, 'ca-key.pem')))
		return dir;
	const caModule = path.join(rt.REPO_DIR, '.build', 'test', 'simulator', 'index.js');
	if (!fs.existsSync(caModule)) return undefined;
	const { createTestCa } = require(caModule);
	createTestCa(dir);
	return dir;
}

function banner(lines) {
	const bar = '─'.repeat(78);
	process.stdout.write(`\n${bar}\n${lines.map((l) => `  ${l}`).join('\n')}\n${bar}\n\n`);
}

/**
 * The addresses to print for n8n: 127.0.0.1, plus this machine's network addresses when listening
 * on all.
 */
function editorAddresses(host, port) {
	const local = `http://127.0.0.1:${port}`;
	if (host !== '0.0.0.0' && host !== '::') return [local];
	const external = Object.values(os.networkInterfaces())
		.flat()
		.filter(
			(a) => a && !a.internal && (a.family === 'IPv4' || (host === '::' && a.family === 'IPv6')),
		)
		.map((a) =>
			a.family === 'IPv6' ? `http://[${a.address}]:${port}` : `http://${a.address}:${port}`,
		);
	return [local, ...external];
}

/** n8n environment for --host: listen there; links and cookies fit the address a browser uses. */
function hostEnv(host, port) {
	if (host === '127.0.0.1') return {};
	const [, publicUrl = `http://127.0.0.1:${port}`] = editorAddresses(host, port);
	return {
		N8N_LISTEN_ADDRESS: host,
		N8N_HOST: new URL(publicUrl).hostname.replace(/^\[|\]$/g, ''),
		N8N_EDITOR_BASE_URL: `${publicUrl}/`,
		WEBHOOK_URL: `${publicUrl}/`,
		// n8n's auth cookie is "Secure" by default and browsers drop it over plain http from another
		// machine.
		N8N_SECURE_COOKIE: 'false',
	};
}

function simulatorBanner(sim, seeded) {
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
		`  Cloud: Custom   Authority Host + Graph Endpoint: ${sim.url}`,
		`  Directory (Tenant) ID: ${rt.DEMO.tenantId}   Application (Client) ID: ${rt.DEMO.clientId}`,
		`  Client Secret: ${rt.DEMO.clientSecret}   Default Sender Mailbox: ${rt.DEMO.sender}`,
		'',
		'Your browser does not trust the test CA: accept the certificate warning for the outbox page,',
		`or import ${sim.caCertFile} as a trusted authority (local testing only).`,
		'',
		...receivedMailLines(seeded),
		`More: POST ${sim.url}/_sim/rpc {"method":"seedMessage","args":[{…}]} (test/simulator/README.md).`,
		...(fs.existsSync(path.join(rt.REPO_DIR, 'scripts', 'demo.js'))
			? ['', 'Headless demo (the node without n8n): npm run demo']
			: []),
	]);
}

/**
 * GENERIC_TIMEZONE (and TZ, which n8n's Code node and logs use) for n8n; printed so a Send At is
 * not a surprise.
 */
function timeZoneEnv() {
	const { zone, source } = n8nTimeZone();
	rt.log(`n8n time zone: ${zone} (${source}; set GENERIC_TIMEZONE to change it)`);
	return { GENERIC_TIMEZONE: zone, TZ: zone };
}

/**
 * n8n from the cache (installed on first use) with this package installed as a community package.
 */
async function startN8nWithPackage({ opts, stateDir, logsDir, sim }) {
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
		extra: { ...timeZoneEnv(), ...hostEnv(opts.host, port) },
	});
	const n8n = await rt.startN8n({
		runtime,
		install,
		leg: LEG,
		name: 'n8n',
		env,
		logFile: path.join(logsDir, 'n8n.log'),
	});
	return { n8n, env, runtime, install, userFolder };
}

async function signIn(client, stateDir, userFolder) {
	const ownerFile = path.join(stateDir, 'owner.json');
	const owner = fs.existsSync(ownerFile) ? JSON.parse(fs.readFileSync(ownerFile, 'utf8')) : null;
	const settings = await client.get('/rest/settings');
	const setupNeeded = Boolean(settings?.userManagement?.showSetupOnFirstLoad);
	if (!setupNeeded && owner) {
		await client.login(owner.email, owner.password);
		rt.log(`signed in as the existing owner ${owner.email}`);
		return owner;
	}
	if (!setupNeeded)
		throw new Error(
			`n8n in ${userFolder} already has an owner but ${ownerFile} is missing: run \`npm start -- --fresh\``,
		);
	const created = {
		email: 'owner@example.com',
		firstName: 'Local',
		lastName: 'Developer',
		password: `Local-${crypto.randomBytes(6).toString('base64url')}-9a`,
	};
	await client.setupOwner(created);
	fs.writeFileSync(ownerFile, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
	rt.log(`owner account created: ${created.email}`);
	return created;
}

/**
 * The saved credential's data (secrets come back redacted), or undefined when n8n does not give it.
 */
async function savedCredentialData(client, id) {
	try {
		const full = await client.get(`/rest/credentials/${id}?includeData=true`);
		return full && typeof full.data === 'object' ? full.data : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Creates the demo credential, or keeps the user's version of it. When it still points to a local
 * simulator address that is no longer the running one (the simulator got another port), only the
 * two endpoints are moved; n8n puts the redacted secrets back itself on update (unredact in its
 * credentials service).
 */
async function ensureCredential(client, sim) {
	const creds = await client.get('/rest/credentials');
	const cred = (creds || []).find(
		(c) => c.name === CREDENTIAL_NAME && c.type === rt.CREDENTIAL_TYPE,
	);
	if (!cred) {
		const credData = rt.simulatorCredentialData(sim);
		const created = await client.createCredential(CREDENTIAL_NAME, rt.CREDENTIAL_TYPE, credData);
		rt.log(`credential "${CREDENTIAL_NAME}" created (id ${created.id})`);
		return { cred: created, credData };
	}
	const saved = await savedCredentialData(client, cred.id);
	const stale =
		saved &&
		saved.cloud === 'custom' &&
		/^https:\/\/127\.0\.0\.1:\d+$/.test(saved.authorityHost || '') &&
		saved.authorityHost !== sim.url;
	if (!stale) {
		rt.log(
			`credential "${CREDENTIAL_NAME}" kept as you saved it (id ${cred.id}); npm start -- --fresh resets it`,
		);
		return { cred, credData: undefined };
	}
	const credData = { ...saved, authorityHost: sim.url, graphEndpoint: sim.url };
	await client.updateCredential(cred.id, CREDENTIAL_NAME, rt.CREDENTIAL_TYPE, credData);
	rt.log(
		`credential "${CREDENTIAL_NAME}": endpoints moved from ${saved.authorityHost} to the running simulator ${sim.url}; your other values are kept`,
	);
	return { cred, credData };
}

async function ensureWorkflow(client, cred) {
	const nodeType = `${rt.PACKAGE_NAME}.${rt.NODE_TYPE}`;
	const ours = ((await client.nodeTypes()) || []).filter((t) => t.name === nodeType);
	if (!ours.length) throw new Error(`n8n did not load ${nodeType}; see .cache/start/logs/n8n.log`);
	const typeVersion = Math.max(
		...ours.flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version])),
	);
	const existing = ((await client.get('/rest/workflows')) || []).find(
		(w) => w.name === WORKFLOW_NAME,
	);
	if (existing) {
		rt.log(`workflow "${WORKFLOW_NAME}" kept as you saved it (id ${existing.id})`);
		return existing;
	}
	const def = demoWorkflow({
		nodeType,
		typeVersion,
		credentialId: cred.id,
		credentialName: CREDENTIAL_NAME,
	});
	delete def.id;
	const wf = await client.post('/rest/workflows', def);
	rt.log(`workflow "${WORKFLOW_NAME}" created (id ${wf.id})`);
	return wf;
}

async function runDemo({ runtime, install, env, wf, sim, logsDir }) {
	rt.log('running the demo workflow once (n8n execute) so the outbox is not empty …');
	const logFile = path.join(logsDir, 'n8n-execute.log');
	const res = await rt.runN8nCli({
		runtime,
		install,
		env,
		args: ['execute', `--id=${wf.id}`, '--rawOutput'],
		logFile,
	});
	if (res.code === 0) {
		const outbox = rt.outboxMessages(await sim.outbox());
		rt.log(`demo mail sent: the simulator outbox now holds ${outbox.length} message(s)`);
	} else {
		rt.log(
			`the demo run failed (exit ${res.code}); details in ${path.relative(rt.REPO_DIR, logFile)}:\n${res.tail(15)}`,
		);
	}
}

function readyBanner({ t0, opts, n8n, owner, wf, sim, logsDir, stateDir, seeded }) {
	const [local, ...others] = editorAddresses(opts.host, n8n.port);
	banner([
		`Ready in ${rt.elapsed(t0)}. Ctrl-C stops n8n and the simulator.`,
		'',
		`n8n editor:      ${local}/`,
		...others.map((u) => `  from elsewhere ${u}/   (listening on ${opts.host}; secure cookie off)`),
		`  sign in with   ${owner.email}  /  ${owner.password}`,
		`  workflow       "${WORKFLOW_NAME}"  →  ${local}/workflow/${wf.id}`,
		`  credential     "${CREDENTIAL_NAME}" (cloud Custom → ${sim.url})`,
		'',
		`Simulator outbox: ${sim.url}/_sim/outbox     (JSON: ${sim.url}/_sim/outbox.json; this machine only)`,
		'  Your browser does not trust the simulator’s test CA: accept the certificate warning once,',
		`  or import ${sim.caCertFile} as a trusted authority (local testing only).`,
		'',
		...receivedMailLines(seeded),
		`  n8n time zone ${n8n.env?.GENERIC_TIMEZONE ?? 'n8n default'} (a Send At without an offset is in this zone)`,
		'',
		`Logs: ${path.relative(rt.REPO_DIR, logsDir)}/   State: ${path.relative(rt.REPO_DIR, stateDir)}/ (kept between starts; npm start -- --fresh resets it)`,
	]);
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.help) {
		process.stdout.write(`${rt.usageOf(__filename)}\n`);
		return;
	}
	if (opts.n8n) preflight();
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
		opts.n8n
			? `npm start: package ${rt.PACKAGE_NAME}@${rt.PACKAGE_JSON.version} in real n8n ${N8N_VERSION} + the local Microsoft 365 simulator; logs in ${path.relative(rt.REPO_DIR, logsDir)}/`
			: `npm start --no-n8n: only the local Microsoft 365 simulator (nothing is installed); logs in ${path.relative(rt.REPO_DIR, logsDir)}/`,
	);

	if (opts.build) await rt.buildRepo({ simulator: true });
	else rt.assertBuilt();

	const caDir = ensureCa(stateDir);
	const sim = await rt.startSimulator({
		scenario: 'demo',
		port: await pickPort(opts.simPort || 5680),
		logFile: path.join(logsDir, 'simulator.log'),
		env: caDir ? { M365_SIM_CA_DIR: caDir } : {},
	});
	const seeded = await seedReceivedMail(sim, rt.DEMO.sender);
	if (!opts.n8n) {
		simulatorBanner(sim, seeded);
		await sim.proc.exited;
		if (rt.isShuttingDown()) return new Promise(() => undefined);
		throw new Error(`the simulator exited unexpectedly. Last output:\n${sim.proc.tail(20)}`);
	}

	const { n8n, env, runtime, install, userFolder } = await startN8nWithPackage({
		opts,
		stateDir,
		logsDir,
		sim,
	});
	const client = new rt.N8nClient(n8n.baseUrl);
	const owner = await signIn(client, stateDir, userFolder);
	const { cred, credData } = await ensureCredential(client, sim);
	if (credData) {
		const cref = { id: cred.id, name: CREDENTIAL_NAME, type: rt.CREDENTIAL_TYPE };
		const test = await client.testCredential(cref, credData);
		rt.log(`credential test: ${test.status} — ${test.message}`);
	}
	const wf = await ensureWorkflow(client, cred);
	if (opts.run) await runDemo({ runtime, install, env, wf, sim, logsDir });
	readyBanner({ t0, opts, n8n, owner, wf, sim, logsDir, stateDir, seeded });

	// Stay up until Ctrl-C; if a child dies, say so and stop.
	const died = await Promise.race([
		n8n.exited.then(() => 'n8n'),
		sim.proc.exited.then(() => 'the simulator'),
	]);
	// Ctrl-C: the signal handler stops everything and exits.
	if (rt.isShuttingDown()) return new Promise(() => undefined);
	throw new Error(
		`${died} exited unexpectedly. Last output:\n${(died === 'n8n' ? n8n : sim.proc).tail(20)}`,
	);
}

if (require.main === module) {
	main().catch(async (e) => {
		process.stderr.write(`\nnpm start failed: ${e.message}\n`);
		await rt.stopAll();
		rt.removeTempDirs();
		process.exit(1);
	});
}

module.exports = { nodeVersionProblem, parseArgs, N8N_VERSION };
