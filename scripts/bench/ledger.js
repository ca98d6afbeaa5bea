'use strict';
// The Retry On Fail ledger's cost per item (dist/…/execute/deliveryLedger.js): time to remember a
// delivery, time to recall it on a retry, and heap per remembered item, at 10k and 100k items. Run
// in its own process with --expose-gc (see runLedgerChild) so the heap figure starts from a settled
// heap.
const { spawnSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const LEDGER = path.join(root, 'dist/nodes/Office365SendMail/execute/deliveryLedger.js');

/**
 * A prepared Send item as the ledger sees it (what its fingerprint reads), and its sendMail
 * delivery.
 */
function sendItem(index) {
	const message = {
		subject: `Invoice ${index}`,
		body: {
			contentType: 'HTML',
			content: `<p>Hello customer ${index}, your invoice is attached.</p>`,
		},
		toRecipients: [{ emailAddress: { address: `customer${index}@example.com` } }],
	};
	return {
		index,
		operation: 'send',
		attachments: [],
		plan: {
			sender: 'notifications@contoso.com',
			message,
			saveToSentItems: true,
			steps: [{ kind: 'sendMail' }],
		},
	};
}

function deliveryOf(index) {
	return {
		delivered: {
			requestId: randomUUID(),
			clientRequestId: randomUUID(),
			sentAt: new Date().toISOString(),
			notes: [],
			internetMessageId: `<${Date.now()}.${index.toString(16)}@contoso.com>`,
		},
	};
}

function heapUsed() {
	global.gc();
	global.gc();
	return process.memoryUsage().heapUsed;
}

function measure(ledger, items) {
	const scope = { executionId: `bench-${items}`, nodeId: 'send', runIndex: 0 };
	const prepared = Array.from({ length: items }, (_, i) => sendItem(i));
	const before = heapUsed();
	let t = performance.now();
	const release = ledger.beginAttempt(scope, items);
	for (const item of prepared) ledger.remember(scope, item, deliveryOf(item.index));
	const rememberUs = ((performance.now() - t) * 1000) / items;
	release();
	// Everything the ledger keeps per item (slot, digest, the delivery's JSON); the items stay
	// referenced below.
	const ledgerBytes = (heapUsed() - before) / items;
	t = performance.now();
	let found = 0;
	for (const item of prepared) if (ledger.recall(scope, item)) found++;
	const recallUs = ((performance.now() - t) * 1000) / items;
	if (found !== items) throw new Error(`recalled ${found} of ${items}`);
	return { items, rememberUs, recallUs, ledgerBytes };
}

function child() {
	const ledger = require(LEDGER);
	process.env[ledger.MAX_ITEMS_VARIABLE] = '1000000';
	const rows = [10_000, 100_000].map((n) => measure(ledger, n));
	process.stdout.write(JSON.stringify({ rows }));
}

/** Runs the ledger case in a fresh process with --expose-gc and returns its figures. */
function runLedgerChild() {
	const out = spawnSync(process.execPath, ['--expose-gc', __filename, '--ledger-child'], {
		encoding: 'utf8',
	});
	if (out.status !== 0) throw new Error(`ledger bench failed: ${out.stderr}`);
	return JSON.parse(out.stdout);
}

function renderLedger(result) {
	const lines = [
		'### Retry On Fail ledger, cost per item',
		'',
		'| items | remember (µs/item) | recall on retry (µs/item) | ledger heap (bytes/item) |',
		'|---:|---:|---:|---:|',
		...result.rows.map(
			(r) =>
				`| ${r.items.toLocaleString('en')} | ${r.rememberUs.toFixed(2)} | ${r.recallUs.toFixed(2)} | ${Math.round(r.ledgerBytes)} |`,
		),
		'',
		'Ledger heap: the slot, the message digest and the delivery as JSON (request ids, time, Message-ID).',
	];
	return lines.join('\n');
}

if (process.argv.includes('--ledger-child')) child();

module.exports = { runLedgerChild, renderLedger };
