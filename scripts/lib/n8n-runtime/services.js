// @ts-check
'use strict';
/** Redis and PostgreSQL from Debian (queue mode) */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { elapsed, log, withHeartbeat } = require('./log');
const { spawnManaged } = require('./processes');
const { cleanEnv, freePort, runOk } = require('./util');

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

/**
 * Installs Debian packages when a binary is missing: { '/usr/bin/redis-server': 'redis-server' }.
 */
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

/**
 * A throw-away PostgreSQL cluster on 127.0.0.1:<random port>, trust auth, superuser `n8n`, DB
 * `n8n`.
 */
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

/**
 * Environment of every process of a queue-mode n8n (main and workers) on this PostgreSQL and Redis.
 */
function queueModeEnv({ pg, redis }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: '',
		N8N_LOG_LEVEL: 'info',
	};
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
	ensureDebianPackages,
	startRedis,
	startPostgres,
	queueModeEnv,
};
