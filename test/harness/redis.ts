import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real redis-server (Debian's `redis-server` package; .ci/run installs it) on a random loopback
 * port.
 */
export interface TestRedis {
	port: number;
	/** n8n's queue-mode variables pointing at this server. */
	env: Record<string, string>;
	stop(): Promise<void>;
}

export const REDIS_SERVER = '/usr/bin/redis-server';

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

function waitForReady(child: ChildProcess): Promise<void> {
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(
			() => reject(new Error(`redis-server did not start: ${seen}`)),
			30_000,
		);
		child.stdout!.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			if (/Ready to accept connections/.test(seen)) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`redis-server exited with ${code}: ${seen}`));
		});
	});
}

export async function startRedis(): Promise<TestRedis> {
	if (!existsSync(REDIS_SERVER))
		throw new Error(`${REDIS_SERVER} is missing: apt-get install -y redis-server`);
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'o365-redis-'));
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
	const child = spawn(REDIS_SERVER, [...args, '--dir', dir, '--daemonize', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	await waitForReady(child);
	return {
		port,
		env: {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(port),
		},
		stop: async () => {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Sets n8n's queue-mode variables for the duration of a test file (restored afterwards). */
export function withEnv(values: Record<string, string>): () => void {
	const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
	Object.assign(process.env, values);
	return () => {
		for (const [k, v] of Object.entries(saved)) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
	};
}
