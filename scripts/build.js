#!/usr/bin/env node
// Builds the package into dist/ (tsc, then icons and codex files next to the compiled node and
// credential), and the simulator + harness into .build/ for scripts (demo, bench, start, e2e) that
// run outside jest.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
const run = (args) =>
	execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run(['-p', 'tsconfig.build.json']);

function copyAssets(dir) {
	for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
		const rel = path.join(dir, entry.name);
		if (entry.isDirectory()) copyAssets(rel);
		else if (/\.(svg|png|node\.json)$/.test(entry.name)) {
			fs.mkdirSync(path.join(root, 'dist', dir), { recursive: true });
			fs.copyFileSync(path.join(root, rel), path.join(root, 'dist', rel));
		}
	}
}
copyAssets('nodes');
copyAssets('credentials');

// .build/ is emptied first like dist/: a compiled file left from a moved source (send.js beside
// send/index.js) would shadow the new module.
if (!process.argv.includes('--package-only')) {
	fs.rmSync(path.join(root, '.build'), { recursive: true, force: true });
	run(['-p', 'tsconfig.tools.json']);
}
