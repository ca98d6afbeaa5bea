// @ts-check
'use strict';
/** HTTP client (no dependencies; trusts an extra CA for the simulator) */
const http = require('node:http');
const https = require('node:https');
const { sleep } = require('./log');

function httpRequest(url, opts = {}) {
	const { method = 'GET', headers = {}, body, ca, timeoutMs = 60000 } = opts;
	const u = new URL(url);
	const lib = u.protocol === 'https:' ? https : http;
	let payload;
	const h = { ...headers };
	if (body !== undefined) {
		if (Buffer.isBuffer(body) || typeof body === 'string') payload = body;
		else {
			payload = JSON.stringify(body);
			h['content-type'] = h['content-type'] || 'application/json';
		}
		h['content-length'] = Buffer.byteLength(payload);
	}
	return new Promise((resolve, reject) => {
		// agent false: a fresh connection per request. Node's global agent keeps sockets alive, and
		// reusing one that n8n closed as idle ends in "socket hang up" (seen on a machine with a load
		// average of 20).
		const options = { method, headers: h, ca, timeout: timeoutMs, agent: false };
		const req = lib.request(u, options, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				const text = buf.toString('utf8');
				let json;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode, headers: res.headers, text, json, body: buf });
			});
		});
		req.on('timeout', () =>
			req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs / 1000}s`)),
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

/** Polls fn until it returns a truthy value; rejects with `what` after timeoutMs. */
async function waitFor(what, fn, { timeoutMs = 60000, intervalMs = 500 } = {}) {
	const start = Date.now();
	let lastErr;
	while (Date.now() - start < timeoutMs) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			lastErr = e;
		}
		await sleep(intervalMs);
	}
	throw new Error(
		`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastErr ? ` (last error: ${lastErr.message})` : ''}`,
	);
}

module.exports = { httpRequest, waitFor };
