// @ts-check
'use strict';
/** n8n processes */
const { elapsed, log } = require('./log');
const { spawnManaged } = require('./processes');
const { freePort, run } = require('./util');
const { httpRequest, waitFor } = require('./http');
const { runtimeEnv } = require('./installs');

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

module.exports = { n8nEnv, startN8n, runN8nCli, parseRawOutput };
