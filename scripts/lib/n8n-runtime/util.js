// @ts-check
'use strict';
/** Small utilities */
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { managed, spawnManaged } = require('./processes');

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Environment for child processes: drops npm's npm_config_* and outer N8N_* settings so they cannot
 * leak in.
 */
/**
 * @param {Record<string, string | undefined>} [extra]
 * @returns {Record<string, string | undefined>}
 */
function cleanEnv(extra = {}) {
	/** @type {Record<string, string | undefined>} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k)) continue;
		if (/^N8N_|^DB_|^QUEUE_|^EXECUTIONS_|^NODE_OPTIONS$|^NODE_EXTRA_CA_CERTS$|^NODE_PATH$/.test(k))
			continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

/**
 * Runs a command to completion. Resolves {code, stdout, stderr}; rejects on timeout. Output also
 * goes to logFile.
 */
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

module.exports = { freePort, cleanEnv, run, runOk, sha256 };
