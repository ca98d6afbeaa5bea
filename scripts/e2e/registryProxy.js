'use strict';
/**
 * An HTTPS proxy that serves registry.npmjs.org from the local Verdaccio, the way a company's
 * TLS-inspecting proxy or registry mirror does. Needed because n8n 2.41.1 passes
 * `--registry=<N8N_COMMUNITY_PACKAGES_REGISTRY>` (default https://registry.npmjs.org) to every npm
 * command of the install button, so an .npmrc in the user folder is overridden, and another
 * registry URL is an Enterprise licence feature (feat:communityNodes:customRegistry). n8n and its
 * npm reach the proxy through HTTPS_PROXY and trust its test CA through NODE_EXTRA_CA_CERTS. Every
 * other host is refused: nothing leaves the machine from that n8n.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const tls = require('node:tls');
const rt = require('../lib/n8n-runtime');

const REGISTRY_HOST = 'registry.npmjs.org';
const SIM_BUILD = path.join(rt.REPO_DIR, '.build', 'test', 'simulator');

/** A CA of its own and a server certificate for registry.npmjs.org issued by it. */
function registryTls(dir) {
	const { createTestCa } = require(path.join(SIM_BUILD, 'index.js'));
	const { buildCertificate, generateRsaKey } = require(path.join(SIM_BUILD, 'index.js'));
	const ca = createTestCa(dir);
	const key = generateRsaKey();
	const cert = buildCertificate({
		commonName: REGISTRY_HOST,
		publicKeyPem: key.publicKeyPem,
		signingKeyPem: ca.keyPem,
		issuerCertPem: ca.certPem,
		days: 2,
		dnsNames: [REGISTRY_HOST],
		extendedKeyUsage: 'serverAuth',
	});
	return { caFile: ca.certFile, key: key.privateKeyPem, cert };
}

/**
 * Forwards one decrypted request to Verdaccio, telling it the client used https (for its tarball
 * URLs).
 */
function forward(req, res, target, log) {
	const up = http.request(
		{
			host: target.hostname,
			port: target.port,
			method: req.method,
			path: req.url,
			headers: { ...req.headers, 'x-forwarded-proto': 'https' },
		},
		(upRes) => {
			res.writeHead(upRes.statusCode || 502, upRes.headers);
			upRes.pipe(res);
		},
	);
	up.on('error', (e) => {
		res.writeHead(502).end(`proxy: ${e.message}`);
	});
	req.pipe(up);
	log(`${req.method} https://${REGISTRY_HOST}${req.url}`);
}

/**
 * Starts the proxy for `registryUrl` (Verdaccio). Returns { url, caFile, requests, stop() }:
 * `requests` lists what went through; `caFile` is the CA to trust.
 */
async function startRegistryProxy({ registryUrl, logFile }) {
	const dir = rt.makeTempDir('e2e-registry-proxy');
	const { caFile, key, cert } = registryTls(dir);
	const target = new URL(registryUrl);
	const requests = [];
	const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
	const log = (line) => {
		requests.push(line);
		if (out) out.write(`${line}\n`);
	};
	// decrypted side: an HTTP server fed with the TLS sockets of CONNECT tunnels
	const inner = http.createServer((req, res) => forward(req, res, target, log));
	const server = http.createServer((req, res) => {
		log(`refused plain ${req.method} ${req.url}`);
		res.writeHead(403).end('only https://registry.npmjs.org is served here\n');
	});
	server.on('connect', (req, socket) => {
		const host = String(req.url).split(':')[0];
		if (host !== REGISTRY_HOST) {
			log(`refused CONNECT ${req.url}`);
			socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
		secure.on('error', () => socket.destroy());
		inner.emit('connection', secure);
	});
	const port = await rt.freePort();
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}`,
		caFile,
		requests,
		stop: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections();
				inner.closeAllConnections();
				if (out) out.end();
			}),
	};
}

module.exports = { startRegistryProxy };
