// @ts-check
'use strict';
/**
 * Processes and temp dirs: everything we start is tracked and stopped by its own PID / process
 * group
 */
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { log, sleep } = require('./log');

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
		// Set by the starters of n8n, Redis and PostgreSQL for their callers.
		/** @type {Record<string, string> | undefined} */
		this.env = undefined;
		/** @type {number | undefined} */
		this.port = undefined;
		/** @type {string | undefined} */
		this.baseUrl = undefined;
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
		child.stdout?.on('data', (chunk) => (this.stdoutText += chunk));
		for (const [stream, kind] of [
			[child.stdout, 'stdout'],
			[child.stderr, 'stderr'],
		]) {
			if (!stream) continue;
			stream.setEncoding('utf8');
			readline
				.createInterface({ input: stream, crlfDelay: Infinity })
				.on('line', (line) => this.onLine(line, kind));
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

	/**
	 * Resolves with the matching line; rejects on timeout or process exit, with the last output
	 * lines.
	 */
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

	/**
	 * Stops the whole process group: stopSignal, then SIGKILL after graceMs. Stays tracked until it
	 * is gone.
	 */
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
/**
 * Stops every managed process and removes temp dirs on exit, SIGINT, SIGTERM and uncaught errors.
 */
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

module.exports = {
	makeTempDir,
	removeTempDirs,
	setKeepTemp,
	spawnManaged,
	stopAll,
	installExitHandlers,
	isShuttingDown,
	ManagedProcess,
	managed,
};
