#!/usr/bin/env node
// Debian packages the jest suite uses, installed when missing, so that `npm ci && npm test` works
// on a fresh machine: redis-server (the queue-mode coordination tests start a real one),
// docker-compose (validates docker/compose.yaml without a daemon) and openssl (runs the certificate
// commands of docs/SETUP.md). As root it runs apt-get; otherwise it says what to install.
'use strict';
const { ensureDebianPackages } = require('./lib/n8n-runtime/services');

ensureDebianPackages({
	'/usr/bin/redis-server': 'redis-server',
	'/usr/bin/docker-compose': 'docker-compose',
	'/usr/bin/openssl': 'openssl',
}).catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
