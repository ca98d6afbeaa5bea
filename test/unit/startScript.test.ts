import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

/**
 * `npm start` (scripts/start.js): help text, the Node.js check, argument checks, and a real
 * --no-n8n run.
 */
const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'start.js');
const start = require(SCRIPT) as {
	nodeVersionProblem(version: string): string | undefined;
	parseArgs(argv: string[]): Record<string, unknown>;
	N8N_VERSION: string;
};

test('--help shows the npm start -- forms and explains every flag the script accepts', () => {
	const res = spawnSync(process.execPath, [SCRIPT, '--help'], { encoding: 'utf8' });
	expect(res.status).toBe(0);
	const help = res.stdout;
	expect(help).toMatch(/npm start -- --no-n8n/);
	expect(help).toMatch(/npm start -- --host 0\.0\.0\.0/);
	const source = fs.readFileSync(SCRIPT, 'utf8');
	const flags = [...source.matchAll(/a === '(--?[a-z-]+)'/g)].map((m) => m[1]);
	expect(flags.length).toBeGreaterThanOrEqual(8);
	for (const flag of flags) expect(help).toMatch(new RegExp(`^\\s+(-h, )?${flag}\\b`, 'm'));
	expect(help).toMatch(/about 2 GB/);
	expect(help).toMatch(/20\.19 or newer/);
});

test.each(['v20.19.0', 'v20.20.2', 'v22.12.0', 'v24.0.0', process.version])(
	'Node.js check: n8n 2.8.4 runs on %s',
	(version) => {
		expect(start.nodeVersionProblem(version)).toBeUndefined();
	},
);

test.each(['v18.20.4', 'v20.15.0', 'v20.18.3', 'v25.1.0'])(
	'Node.js check: %s is refused, naming 20.19 up to 24.x and the way without n8n',
	(version) => {
		const problem = start.nodeVersionProblem(version);
		expect(problem).toContain(`n8n ${start.N8N_VERSION} needs Node.js 20.19 or newer, up to 24.x`);
		expect(problem).toContain(version);
		expect(problem).toContain('npm start -- --no-n8n');
	},
);

test.each([
	[['--port', 'abc'], /--port needs a port number.*--help/],
	[['--host', '10.0.0.5'], /--host takes one of/],
	[['--nope'], /unknown argument --nope/],
])('bad arguments %j are refused with the way to the help', (argv, refusal) => {
	expect(() => start.parseArgs(argv)).toThrow(refusal);
});

test('good arguments are read', () => {
	expect(start.parseArgs(['--host', '0.0.0.0', '--sim-port', '5701'])).toMatchObject({
		host: '0.0.0.0',
		simPort: 5701,
		n8n: true,
	});
});

function getJson(url: string, ca: Buffer): Promise<unknown> {
	return new Promise((resolve, reject) => {
		https
			.get(url, { ca }, (res) => {
				let body = '';
				res.on('data', (c) => (body += c));
				res.on('end', () => resolve(JSON.parse(body)));
			})
			.on('error', reject);
	});
}

test('npm start -- --no-n8n starts only the simulator, says so, and stops on Ctrl-C', async () => {
	const child = spawn(process.execPath, [SCRIPT, '--no-n8n', '--no-build'], {
		cwd: REPO,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout.on('data', (c) => (out += c));
	child.stderr.on('data', (c) => (out += c));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const deadline = Date.now() + 60000;
	while (!/Test CA:\s+\S+/.test(out) && Date.now() < deadline && child.exitCode === null)
		await new Promise((r) => setTimeout(r, 200));
	expect(out).toMatch(/only the local Microsoft 365 simulator \(nothing is installed\)/);
	expect(out).not.toMatch(/n8n install|installing n8n/i);
	const url = /Simulator:\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
	const caFile = /Test CA:\s+(\S+)/.exec(out)?.[1];
	expect(url).toBeDefined();
	expect(await getJson(`${url}/_sim/outbox.json`, fs.readFileSync(caFile as string))).toEqual(
		expect.anything(),
	);
	// Received mail for Reply: the ids printed are the ones the simulator's demo mailbox holds.
	const received = (await getJson(
		`${url}/_sim/received.json`,
		fs.readFileSync(caFile as string),
	)) as Array<{ id: string; subject: string }>;
	expect(received.length).toBe(3);
	expect(out).toMatch(/Received mail to try Reply on \(operation Reply › Message ID\):/);
	for (const m of received) expect(out).toContain(`  ${m.id}   from `);
	expect(out).toContain(received[0].subject);
	child.kill('SIGINT');
	await exited;
	expect(out).toMatch(/SIGINT received: stopping/);
}, 90000);

test("n8n time zone: GENERIC_TIMEZONE if set, else the machine's", () => {
	const { n8nTimeZone } = require(path.join(REPO, 'scripts', 'startMailbox.js')) as {
		n8nTimeZone(env: Record<string, string | undefined>): { zone: string; source: string };
	};
	expect(n8nTimeZone({ GENERIC_TIMEZONE: 'Europe/Berlin' })).toEqual({
		zone: 'Europe/Berlin',
		source: 'GENERIC_TIMEZONE',
	});
	const machine = n8nTimeZone({});
	expect(machine.zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
	expect(machine.source).toBe("this machine's");
});
