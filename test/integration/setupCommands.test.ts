import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadCertificate } from '../../nodes/shared/credential/certificate';
import { bashCheckBlocks, REPO } from '../harness/markdown';

/**
 * The ```bash check blocks of docs/SETUP.md run unchanged with bash, in the page's order, in one
 * folder; then the files they made are read with Node's crypto and with the credential's
 * loadCertificate(), and the thumbprints openssl printed must be the ones the credential computes.
 */

// What the admin would type before option B and block G (the page reads them with `read -rs`): test
// values.
const env = {
	...process.env,
	CERT_PASSPHRASE: 'check setup: correct horse battery staple',
	PFX_PASSWORD: 'check-setup-pfx-password',
};
const blocks = bashCheckBlocks(readFileSync(path.join(REPO, 'docs/SETUP.md'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'setup-commands-'));
const run = path.join(work, 'run');
let printed = '';

const read = (file: string) => readFileSync(path.join(run, file), 'utf8');
const hex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();

function sh(command: string, args: string[]): string {
	const result = spawnSync(command, args, { cwd: run, env, encoding: 'utf8' });
	if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr.slice(-1500)}`);
	return result.stdout;
}

/**
 * OpenSSL 3 writes PKCS#8 unless told -traditional; 1.1 knows no -traditional and writes PKCS#1.
 */
function genrsaPkcs1(out: string, encrypt: string[] = []): void {
	try {
		sh('openssl', ['genrsa', ...encrypt, '-traditional', '-out', out, '2048']);
	} catch {
		sh('openssl', ['genrsa', ...encrypt, '-out', out, '2048']);
	}
}

beforeAll(() => {
	mkdirSync(run);
	sh('openssl', ['version']);
	// The "existing" PKCS#1 key with its certificate and .pfx, and an encrypted PKCS#1 key, for
	// blocks E–G.
	genrsaPkcs1('existing-rsa.key');
	sh('openssl', [
		...['req', '-x509', '-new', '-key', 'existing-rsa.key', '-sha256', '-days', '30'],
		...['-subj', '/CN=existing certificate', '-out', 'existing.pem'],
	]);
	sh('openssl', [
		...['pkcs12', '-export', '-inkey', 'existing-rsa.key', '-in', 'existing.pem'],
		...['-passout', 'env:PFX_PASSWORD', '-out', 'existing.pfx'],
	]);
	genrsaPkcs1('existing-rsa-encrypted.key', ['-aes256', '-passout', 'env:CERT_PASSPHRASE']);
	sh('openssl', [
		...['req', '-x509', '-new', '-key', 'existing-rsa-encrypted.key'],
		...['-passin', 'env:CERT_PASSPHRASE', '-sha256', '-days', '30'],
		...['-subj', '/CN=existing encrypted PKCS#1', '-out', 'existing-rsa-encrypted.pem'],
	]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('docs/SETUP.md has ```bash check blocks', () => {
	expect(blocks.length).toBeGreaterThan(0);
});

test.each(blocks.map((b) => [`${String(b.index).padStart(2, '0')}: ${b.label}`, b] as const))(
	'SETUP.md block %s runs',
	(_name, block) => {
		const file = path.join(work, `block-${block.index}.sh`);
		writeFileSync(file, block.script);
		const result = spawnSync('bash', ['-euo', 'pipefail', file], {
			cwd: run,
			env,
			encoding: 'utf8',
		});
		printed += result.stdout;
		if (result.status !== 0)
			throw new Error(
				`${block.script}--- stderr:\n${result.stderr.split('\n').slice(-8).join('\n')}`,
			);
	},
);

/**
 * A thumbprint exactly as the page's commands printed it ("sha1 Fingerprint=…"; "SHA1 …" in OpenSSL
 * 1.x).
 */
function printedThumbprint(algorithm: 'sha1' | 'sha256'): string {
	const line = new RegExp(`^${algorithm} Fingerprint=(.*)$`, 'im').exec(printed);
	if (!line) throw new Error(`the page's commands printed no ${algorithm} thumbprint:\n${printed}`);
	return hex(line[1].trim());
}

const opensslThumbprint = (file: string, algorithm: string) =>
	hex(
		sh('openssl', ['x509', '-in', file, '-noout', '-fingerprint', `-${algorithm}`])
			.split('=')[1]
			.trim(),
	);

function refusal(fn: () => unknown): Error & { field?: string; code?: string } {
	try {
		fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error, got none');
}

test('n8n-graph.pem is an X.509 certificate with an RSA key of 2048 bits or more', () => {
	const cert = new crypto.X509Certificate(read('n8n-graph.pem'));
	expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
	expect(cert.publicKey.asymmetricKeyDetails!.modulusLength).toBeGreaterThanOrEqual(2048);
});

test('n8n-graph.key is PKCS#8, loads with createPrivateKey and belongs to n8n-graph.pem', () => {
	const text = read('n8n-graph.key');
	expect(text.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
	const cert = new crypto.X509Certificate(read('n8n-graph.pem'));
	expect(cert.checkPrivateKey(crypto.createPrivateKey(text))).toBe(true);
});

test('n8n-graph-encrypted.key is refused without its passphrase or with a wrong one, loads with it, and matches its certificate', () => {
	const text = read('n8n-graph-encrypted.key');
	expect(text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
	refusal(() => crypto.createPrivateKey(text));
	refusal(() => crypto.createPrivateKey({ key: text, passphrase: 'wrong passphrase' }));
	const key = crypto.createPrivateKey({ key: text, passphrase: env.CERT_PASSPHRASE });
	expect(new crypto.X509Certificate(read('n8n-graph-encrypted.pem')).checkPrivateKey(key)).toBe(
		true,
	);
	expect(key.asymmetricKeyDetails!.modulusLength).toBeGreaterThanOrEqual(3072);
});

test('n8n-graph.cer (DER, block D) is the same certificate as n8n-graph.pem', () => {
	const der = new crypto.X509Certificate(readFileSync(path.join(run, 'n8n-graph.cer')));
	expect(der.fingerprint256).toBe(new crypto.X509Certificate(read('n8n-graph.pem')).fingerprint256);
});

test.each(['sha1', 'sha256'] as const)(
	'the %s thumbprint openssl printed = crypto.X509Certificate = loadCertificate()',
	(algorithm) => {
		const material = loadCertificate(read('n8n-graph.pem'), read('n8n-graph.key'), '');
		const cert = new crypto.X509Certificate(read('n8n-graph.pem'));
		const [node, ours] =
			algorithm === 'sha1'
				? [cert.fingerprint, material.thumbprintSha1]
				: [cert.fingerprint256, material.thumbprintSha256];
		expect(printedThumbprint(algorithm)).toBe(ours);
		expect(hex(node)).toBe(ours);
	},
);

test('option B: loadCertificate() decrypts the key with the passphrase; its thumbprints are openssl’s', () => {
	const pem = 'n8n-graph-encrypted.pem';
	const material = loadCertificate(read(pem), read('n8n-graph-encrypted.key'), env.CERT_PASSPHRASE);
	expect(material.thumbprintSha1).toBe(opensslThumbprint(pem, 'sha1'));
	expect(material.thumbprintSha256).toBe(opensslThumbprint(pem, 'sha256'));
	expect(material.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
});

test('loadCertificate() repairs flattened PEM (line breaks as spaces, or as a literal \\n)', () => {
	const plain = loadCertificate(read('n8n-graph.pem'), read('n8n-graph.key'), '');
	const spaces = (f: string) => read(f).replace(/\n/g, ' ');
	expect(
		loadCertificate(spaces('n8n-graph.pem'), spaces('n8n-graph.key'), '').thumbprintSha256,
	).toBe(plain.thumbprintSha256);
	const [pem, key] = ['n8n-graph-encrypted.pem', 'n8n-graph-encrypted.key'];
	const literal = (f: string) => read(f).replace(/\n/g, '\\n');
	expect(loadCertificate(literal(pem), literal(key), env.CERT_PASSPHRASE).thumbprintSha256).toBe(
		loadCertificate(read(pem), read(key), env.CERT_PASSPHRASE).thumbprintSha256,
	);
});

test.each([
	[
		'a wrong passphrase',
		'wrong passphrase',
		'The private key could not be decrypted: the Private Key Passphrase is wrong (or the key is damaged).',
	],
	[
		'an empty passphrase',
		'',
		'The private key is encrypted. Enter its passphrase in Private Key Passphrase.',
	],
])(
	'%s on an encrypted key gives the message quoted in docs/SETUP.md',
	(_name, passphrase, message) => {
		const error = refusal(() =>
			loadCertificate(read('n8n-graph-encrypted.pem'), read('n8n-graph-encrypted.key'), passphrase),
		);
		expect([error.name, error.message, error.field]).toEqual([
			'CredentialConfigError',
			message,
			'privateKeyPassphrase',
		]);
	},
);

test('a key and certificate from different key pairs are refused', () => {
	const error = refusal(() => loadCertificate(read('n8n-graph.pem'), read('existing-rsa.key'), ''));
	expect(error.message).toMatch(/does not belong to the Certificate/);
});

test('a PKCS#1 key ("BEGIN RSA PRIVATE KEY") is accepted as it is, and block E converts it to PKCS#8', () => {
	const pkcs1 = read('existing-rsa.key');
	const pkcs8 = read('existing-pkcs8.key');
	expect(pkcs1.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
	expect(pkcs8.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
	expect(loadCertificate(read('existing.pem'), pkcs1, '').thumbprintSha256).toBe(
		loadCertificate(read('existing.pem'), pkcs8, '').thumbprintSha256,
	);
	expect(crypto.createPrivateKey(pkcs8).asymmetricKeyType).toBe('rsa');
});

test('block F output (encrypted PKCS#8) loads with the passphrase and matches its certificate', () => {
	const text = read('existing-pkcs8-encrypted.key');
	expect(text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
	crypto.createPrivateKey({ key: text, passphrase: env.CERT_PASSPHRASE });
	loadCertificate(read('existing.pem'), text, env.CERT_PASSPHRASE);
});

test('an encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED) is accepted with its passphrase, also flattened', () => {
	const [pem, text] = [read('existing-rsa-encrypted.pem'), read('existing-rsa-encrypted.key')];
	expect(text).toMatch(/Proc-Type: 4,ENCRYPTED/);
	loadCertificate(pem, text, env.CERT_PASSPHRASE);
	loadCertificate(pem, text.replace(/\n/g, '\\n'), env.CERT_PASSPHRASE);
	expect(refusal(() => loadCertificate(pem, text, '')).field).toBe('privateKeyPassphrase');
});

test('block G takes the certificate and key out of the .pfx, without extra lines, and they match the originals', () => {
	const [cert, key] = [read('existing-from-pfx.pem'), read('existing-from-pfx.key')];
	expect(cert.startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
	expect(key.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
	expect(loadCertificate(cert, key, '').thumbprintSha256).toBe(
		loadCertificate(read('existing.pem'), read('existing-rsa.key'), '').thumbprintSha256,
	);
});
