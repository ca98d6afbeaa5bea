'use strict';
/**
 * A real npm registry on 127.0.0.1 for the editor's install button: Verdaccio (npm package
 * `verdaccio`) installed into the e2e cache, started with its own storage, our tarball published to
 * it. Only our package is served from its storage; everything else (our runtime dependencies) is
 * proxied from the registry the machine's npm uses.
 */
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../lib/n8n-runtime');
const { assert } = require('./reporter');

// 6.10 wants Node 22; 6.8.0 runs on the Node 20 that runs the suite.
const VERDACCIO = 'verdaccio@6.8.0';

/** Installs Verdaccio into <cacheRoot>/verdaccio-<version> once; returns the path of its CLI. */
async function ensureVerdaccio(cacheRoot) {
	const dir = path.join(cacheRoot, VERDACCIO.replace('@', '-'));
	const bin = path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
	if (fs.existsSync(bin)) return bin;
	await rt.withLock(dir, async () => {
		if (fs.existsSync(bin)) return;
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
		rt.log(`installing ${VERDACCIO} into ${dir} …`);
		const t = Date.now();
		await rt.runOk(
			'npm',
			['i', VERDACCIO, '--no-audit', '--no-fund', '--ignore-scripts', '--no-save'],
			{
				cwd: dir,
				env: rt.npmEnv(await rt.ensureNodeRuntime(undefined)),
				logFile: path.join(dir, 'install.log'),
				name: 'npm-i-verdaccio',
				timeoutMs: 10 * 60000,
			},
		);
		rt.log(`${VERDACCIO} installed (${rt.elapsed(t)})`);
	});
	return bin;
}

/** The registry the machine's npm uses (the uplink Verdaccio proxies to). */
async function upstreamRegistry() {
	const r = await rt.run('npm', ['config', 'get', 'registry'], {
		env: rt.cleanEnv(),
		name: 'npm-config-get',
		timeoutMs: 60000,
	});
	const url = r.stdout.trim();
	return /^https?:\/\//.test(url) ? url : 'https://registry.npmjs.org/';
}

/** Verdaccio's config (JSON is YAML): no web UI, htpasswd users, our package local-only. */
function verdaccioConfig(dir, upstream) {
	return {
		storage: path.join(dir, 'storage'),
		auth: { htpasswd: { file: path.join(dir, 'htpasswd'), max_users: 10 } },
		uplinks: { upstream: { url: upstream, timeout: '120s', max_fails: 5 } },
		packages: {
			[rt.PACKAGE_NAME]: { access: '$all', publish: '$authenticated' },
			'**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
		},
		web: { enable: false },
		log: { type: 'stdout', format: 'pretty', level: 'http' },
	};
}

/**
 * Starts Verdaccio on a free loopback port. Returns { url, publish(tarball), stop() }; `url` ends
 * with '/'.
 */
async function startRegistry({ cacheRoot, logFile }) {
	const bin = await ensureVerdaccio(cacheRoot);
	const dir = rt.makeTempDir('e2e-verdaccio');
	const config = path.join(dir, 'config.yaml');
	fs.writeFileSync(config, JSON.stringify(verdaccioConfig(dir, await upstreamRegistry()), null, 2));
	const port = await rt.freePort();
	// the uplink is HTTPS through the machine's CA bundle (cleanEnv drops NODE_EXTRA_CA_CERTS)
	const env = rt.cleanEnv({ NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS });
	const mp = rt.spawnManaged(
		'verdaccio',
		process.execPath,
		[bin, '--config', config, '--listen', `127.0.0.1:${port}`],
		{ env, logFile },
	);
	await mp.waitForLine(/http address/i, 60000, 'Verdaccio "http address"');
	const url = `http://127.0.0.1:${port}/`;
	const token = await addUser(url);
	const npmrc = path.join(dir, 'publish.npmrc');
	fs.writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
	return {
		url,
		process: mp,
		publish: (tarball) => publish(tarball, url, npmrc, logFile),
		stop: () => mp.stop(),
	};
}

/** Creates a registry user (npm's adduser request) and returns its token. */
async function addUser(url) {
	const name = 'e2e';
	const res = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: `e2e-${process.pid}-${Date.now()}` }),
	});
	const body = await res.json().catch(() => ({}));
	assert(res.status === 201 && body.token, `adduser → HTTP ${res.status} ${JSON.stringify(body)}`);
	return body.token;
}

async function publish(tarball, url, npmrc, logFile) {
	await rt.runOk('npm', ['publish', tarball, '--registry', url, '--userconfig', npmrc], {
		env: rt.cleanEnv(),
		logFile,
		name: 'npm-publish',
		timeoutMs: 120000,
	});
	const res = await fetch(new URL(encodeURIComponent(rt.PACKAGE_NAME), url));
	const meta = await res.json();
	const version = meta['dist-tags'] && meta['dist-tags'].latest;
	assert(version, `the registry does not list ${rt.PACKAGE_NAME}: ${JSON.stringify(meta)}`);
	return version;
}

module.exports = { startRegistry, ensureVerdaccio };
