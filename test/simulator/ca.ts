/**
 * The test certificate authority that issues the simulator's TLS certificate.
 * scripts/with-test-ca.js calls createTestCa() before jest starts and passes the file in
 * NODE_EXTRA_CA_CERTS, so every HTTPS client in the test process trusts the simulator without ever
 * disabling TLS verification.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCertificate, generateRsaKey } from './certs';

export interface TestCa {
	dir: string;
	certFile: string;
	keyFile: string;
	certPem: string;
	keyPem: string;
	remove(): void;
}

const CERT_FILE = 'ca.pem';
const KEY_FILE = 'ca-key.pem';

/**
 * Creates a CA and writes ca.pem + ca-key.pem into `dir` (default: a fresh temporary directory).
 */
export function createTestCa(dir?: string): TestCa {
	const target = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'm365-sim-ca-'));
	if (dir) fs.mkdirSync(dir, { recursive: true });
	const key = generateRsaKey();
	const certPem = buildCertificate({
		commonName: 'M365 Simulator Test CA (not trusted outside tests)',
		publicKeyPem: key.publicKeyPem,
		signingKeyPem: key.privateKeyPem,
		days: 30,
		isCa: true,
	});
	const certFile = path.join(target, CERT_FILE);
	const keyFile = path.join(target, KEY_FILE);
	fs.writeFileSync(certFile, certPem, { mode: 0o644 });
	fs.writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600 });
	return {
		dir: target,
		certFile,
		keyFile,
		certPem,
		keyPem: key.privateKeyPem,
		remove(): void {
			if (dir) {
				fs.rmSync(certFile, { force: true });
				fs.rmSync(keyFile, { force: true });
			} else {
				fs.rmSync(target, { recursive: true, force: true });
			}
		},
	};
}

export interface LoadedCa {
	certPem: string;
	keyPem: string;
	certFile: string;
}

let loaded: LoadedCa | undefined;

/**
 * The CA to issue server certificates from: the one in $M365_SIM_CA_DIR (ca.pem, ca-key.pem) when
 * set, so clients started with NODE_EXTRA_CA_CERTS trust us; otherwise a new one (removed when the
 * process exits).
 */
export function loadOrCreateCa(): LoadedCa {
	if (loaded) return loaded;
	const dir = process.env.M365_SIM_CA_DIR;
	if (dir) {
		const certFile = path.join(dir, CERT_FILE);
		loaded = {
			certFile,
			certPem: fs.readFileSync(certFile, 'utf8'),
			keyPem: fs.readFileSync(path.join(dir, KEY_FILE), 'utf8'),
		};
	} else {
		const ca = createTestCa();
		process.once('exit', () => ca.remove());
		loaded = { certFile: ca.certFile, certPem: ca.certPem, keyPem: ca.keyPem };
	}
	return loaded;
}
