#!/usr/bin/env node
// Runs a command with a freshly generated test CA trusted through NODE_EXTRA_CA_CERTS.
// Node reads NODE_EXTRA_CA_CERTS only at start-up, so the CA must exist before the child starts.
'use strict';
const { spawn } = require('node:child_process');
const { createTestCa } = require('../.build/test/simulator/index.js');

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
	process.stderr.write('usage: with-test-ca.js <command> [args...]\n');
	process.exit(2);
}
const ca = createTestCa();
const child = spawn(cmd, args, {
	stdio: 'inherit',
	env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.certFile, M365_SIM_CA_DIR: ca.dir },
	shell: process.platform === 'win32',
});
child.on('exit', (code, signal) => {
	ca.remove();
	process.exit(signal ? 1 : (code ?? 1));
});
