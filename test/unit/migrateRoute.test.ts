import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The converter's route before the package is on the registry (docs/MIGRATING-FROM-SMTP.md): the
 * packed tarball, run with npx from a folder outside the repository, as a user would.
 * --legacy-peer-deps keeps npm from installing the peer dependency n8n-workflow (the CLI does not
 * use it; it took minutes and pulled native builds); --prefer-offline takes the runtime
 * dependencies from npm's cache when they are there.
 */
const REPO = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'migrate-route-'));
	const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
		cwd: REPO,
		encoding: 'utf8',
	});
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npx --package ./<tarball> … migrate works from a folder outside the repository', () => {
	expect(existsSync(path.join(dir, TARBALL))).toBe(true);
	expect(path.relative(REPO, dir).startsWith('..')).toBe(true);
	const fixture = path.join(REPO, 'test', 'fixtures', 'smtp', 'corpus', 'downstream.json');
	copyFileSync(fixture, path.join(dir, 'workflows.json'));
	// The command docs/MIGRATING-FROM-SMTP.md gives, word for word but for the version.
	const run = spawnSync(
		'npx',
		[
			'--yes',
			'--prefer-offline',
			'--legacy-peer-deps',
			'--package',
			`./${TARBALL}`,
			pkg.name,
			'migrate',
			'workflows.json',
			'--strict',
		],
		{ cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
	);
	expect(run.stdout).toMatch(/2 of 2 Send Email node\(s\) converted/);
	expect(run.status).toBe(3);
	const written = JSON.parse(readFileSync(path.join(dir, 'workflows.office365.json'), 'utf8'));
	expect(JSON.stringify(written)).toContain('office365SendMail');
}, 300_000);
