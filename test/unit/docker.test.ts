import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// js-yaml comes with the dev tools (eslint); no images can be pulled on these machines, so the
// files are parsed.

const yaml = require('js-yaml') as { load(text: string): unknown };

const { COMMUNITY_INSTALL_FLAGS } = require('../../scripts/lib/n8n-runtime/package') as {
	COMMUNITY_INSTALL_FLAGS: string[];
};

const DOCKER = path.join(__dirname, '..', '..', 'docker');
const dockerfile = readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8');
const composeText = readFileSync(path.join(DOCKER, 'compose.yaml'), 'utf8');

interface Service {
	build?: { context: string; dockerfile: string; args?: Record<string, string> };
	image?: string;
	command?: string;
	environment?: Record<string, string>;
}
const compose = yaml.load(composeText) as { services: Record<string, Service> };

/** Dockerfile instructions, continuation lines joined. */
const instructions = dockerfile
	.replace(/\\\n/g, ' ')
	.split('\n')
	.filter((l) => l.trim() && !l.trim().startsWith('#'));

describe('docker/Dockerfile', () => {
	it('builds FROM the official n8n image, its tag a build argument', () => {
		expect(instructions[0]).toMatch(/^ARG N8N_VERSION=\S+/);
		expect(instructions[1]).toBe('FROM docker.n8n.io/n8nio/n8n:${N8N_VERSION}');
	});

	it("installs as `node` into ~/.n8n/nodes with CI's tarball-route npm flags", () => {
		const user = instructions.findIndex((l) => l === 'USER node');
		const run = instructions.findIndex((l) => l.startsWith('RUN ') && l.includes(' npm i '));
		expect(user).toBeGreaterThan(0);
		expect(run).toBeGreaterThan(user);
		expect(instructions.slice(user, run)).toContain('WORKDIR /home/node/.n8n/nodes');
		const npm = /npm i (\S+) ([^&]+?)\s*&&/.exec(instructions[run]);
		expect(npm?.[1]).toMatch(/\.tgz$/);
		expect(npm?.[2].split(/\s+/)).toEqual(COMMUNITY_INSTALL_FLAGS);
	});
});

describe('docker/compose.yaml', () => {
	const { services } = compose;

	it('runs n8n, one worker, PostgreSQL and Redis', () => {
		expect(Object.keys(services).sort()).toEqual(['n8n', 'n8n-worker', 'postgres', 'redis']);
		expect(services['n8n-worker'].command).toBe('worker');
	});

	it.each(['n8n', 'n8n-worker'])('%s runs the image with the package, in queue mode', (name) => {
		const s = services[name];
		expect(s.build).toMatchObject({ context: '..', dockerfile: 'docker/Dockerfile' });
		expect(s.environment).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: 'redis',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: 'postgres',
			N8N_ENCRYPTION_KEY: expect.stringContaining('N8N_ENCRYPTION_KEY'),
		});
	});

	it('mounts no volume over /home/node/.n8n, which would hide the installed package after a rebuild', () => {
		expect(composeText).not.toMatch(/:\/home\/node\/\.n8n/);
	});
});

// Debian's docker-compose (apt-get install docker-compose) or the compose plugin validates the file
// without a daemon; where neither is installed only the parse tests above run.
const COMPOSE_CLIS = [['docker-compose'], ['docker', 'compose']];
const cli = COMPOSE_CLIS.find(([cmd, ...sub]) => spawnSync(cmd, [...sub, 'version']).status === 0);
const withCli = cli ? describe : describe.skip;
withCli(`${(cli ?? []).join(' ')} config (a compose CLI is installed)`, () => {
	it('accepts the file and resolves both n8n services to our build', () => {
		const [cmd, ...sub] = cli as string[];
		const file = path.join(DOCKER, 'compose.yaml');
		const run = spawnSync(cmd, [...sub, '-f', file, 'config'], {
			encoding: 'utf8',
			env: { ...process.env, N8N_ENCRYPTION_KEY: 'k'.repeat(32), POSTGRES_PASSWORD: 'p' },
		});
		expect(run.stderr).not.toMatch(/error|invalid/i);
		expect(run.status).toBe(0);
		const resolved = yaml.load(run.stdout) as { services: Record<string, Service> };
		expect(resolved.services['n8n-worker'].build?.dockerfile).toMatch(/Dockerfile$/);
		expect(resolved.services.n8n.environment?.N8N_ENCRYPTION_KEY).toBe('k'.repeat(32));
	});
});
