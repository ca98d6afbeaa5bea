// @ts-check
'use strict';
/** The package under test */
const fs = require('node:fs');
const path = require('node:path');
const { PACKAGE_JSON, PACKAGE_NAME, REPO_DIR } = require('./constants');
const { elapsed, log } = require('./log');
const { cleanEnv, runOk } = require('./util');
const { npmEnv } = require('./installs');
const { SIMULATOR_CLI } = require('./simulator');

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
 * `npm i` flags of the tarball route; docker/Dockerfile runs the same (test/unit/docker.test.ts
 * checks).
 */
const COMMUNITY_INSTALL_FLAGS = [
	'--ignore-scripts',
	'--no-audit',
	'--no-fund',
	'--legacy-peer-deps',
	'--omit=dev',
];

/**
 * Installs the tarball like a community package: `npm i <tarball>` in <userFolder>/.n8n/nodes.
 * Peer dependencies (n8n-workflow) are not installed: n8n strips them too and resolves n8n-workflow
 * from its own node_modules (NODE_PATH), so the package shares n8n's classes.
 */
/**
 * @param {string} userFolder
 * @param {string} tarball
 * @param {any} runtime
 * @param {{ logFile?: string }} [options]
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
	await runOk('npm', ['i', tarball, ...COMMUNITY_INSTALL_FLAGS], {
		cwd: nodesDir,
		env: npmEnv(runtime),
		logFile,
		name: 'npm-i-package',
		timeoutMs: 5 * 60000,
	});
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

module.exports = {
	assertBuilt,
	buildRepo,
	packRepo,
	installCommunityPackage,
	COMMUNITY_INSTALL_FLAGS,
};
