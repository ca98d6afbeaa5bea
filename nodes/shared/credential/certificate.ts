import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';

import { outcomeOfSync } from '../outcome';
import { CredentialConfigError } from './errors';

/**
 * A certificate credential ready for msal-node: the key decrypted in memory, thumbprints computed,
 * never typed.
 */
export interface CertificateMaterial {
	certificatePem: string;
	/** Unencrypted PKCS#8 PEM, kept in memory only. */
	privateKeyPem: string;
	thumbprintSha256: string;
	thumbprintSha1: string;
	subject: string;
	notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Repairs PEM text that went through a single-line field or a JSON string: literal "\n", spaces or
 * CRLF instead of line breaks, lost 64-column wrapping. Returns every block found, rewrapped.
 */
export function normalizePem(text: string): { label: string; pem: string }[] {
	const unescaped = text.replace(/\\r/g, '').replace(/\\n/g, '\n').replace(/\r/g, '');
	const blocks: { label: string; pem: string }[] = [];
	for (const match of unescaped.matchAll(PEM_BLOCK)) {
		const label = match[1];
		// Flattened with spaces, legacy encryption headers share the line with the base64: give each
		// its own line.
		const inner = match[2].replace(/\b(Proc-Type|DEK-Info):[ \t]*(\S+)[ \t]+/g, '$1: $2\n');
		// Encrypted legacy PEMs ("Proc-Type:" headers) carry header lines that must survive.
		const lines = inner
			.split('\n')
			.map((l) => l.trim())
			.filter(Boolean);
		const headers = lines.filter((l) => /^[A-Za-z-]+:/.test(l));
		const base64 = lines
			.filter((l) => !/^[A-Za-z-]+:/.test(l))
			.join('')
			.replace(/\s+/g, '');
		const wrapped = base64.match(/.{1,64}/g) ?? [];
		const head = headers.length > 0 ? `${headers.join('\n')}\n\n` : '';
		blocks.push({
			label,
			pem: `-----BEGIN ${label}-----\n${head}${wrapped.join('\n')}\n-----END ${label}-----\n`,
		});
	}
	return blocks;
}

function readCertificate(text: string): X509Certificate {
	const block = normalizePem(text).find((b) => b.label === 'CERTIFICATE');
	if (!block) {
		throw new CredentialConfigError(
			'certificate',
			'The Certificate field holds no PEM certificate. Paste the public certificate you uploaded to the app registration, from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----".',
		);
	}
	const parsed = outcomeOfSync(() => new X509Certificate(block.pem));
	if (!parsed.ok) {
		throw new CredentialConfigError(
			'certificate',
			'The Certificate field is not a readable X.509 certificate (the PEM is damaged). Paste the .pem/.crt file content again, unchanged.',
		);
	}
	return parsed.value;
}

function readPrivateKey(text: string, passphrase: string): KeyObject {
	const block = normalizePem(text).find((b) => /PRIVATE KEY$/.test(b.label));
	if (!block) {
		throw new CredentialConfigError(
			'privateKey',
			'The Private Key field holds no PEM private key. Paste the key from "-----BEGIN PRIVATE KEY-----" (or "ENCRYPTED PRIVATE KEY" / "RSA PRIVATE KEY") to its END line.',
		);
	}
	// Said from the PEM itself: without a passphrase, Node 20 (OpenSSL 3) reports an encrypted key
	// only as "interrupted or cancelled", not as ERR_MISSING_PASSPHRASE.
	if (
		!passphrase &&
		(block.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/im.test(block.pem))
	) {
		throw new CredentialConfigError(
			'privateKeyPassphrase',
			'The private key is encrypted. Enter its passphrase in Private Key Passphrase.',
		);
	}
	const parsed = outcomeOfSync(() =>
		createPrivateKey(passphrase ? { key: block.pem, passphrase } : { key: block.pem }),
	);
	if (!parsed.ok) {
		const error = parsed.error;
		const code = (error as { code?: string }).code ?? '';
		const reason = (error as Error).message ?? '';
		if (code === 'ERR_MISSING_PASSPHRASE' || /passphrase required/i.test(reason)) {
			throw new CredentialConfigError(
				'privateKeyPassphrase',
				'The private key is encrypted. Enter its passphrase in Private Key Passphrase.',
			);
		}
		if (passphrase && /bad decrypt|decrypt|DECODER/i.test(reason + code)) {
			throw new CredentialConfigError(
				'privateKeyPassphrase',
				'The private key could not be decrypted: the Private Key Passphrase is wrong (or the key is damaged).',
			);
		}
		throw new CredentialConfigError(
			'privateKey',
			'The Private Key is not a readable PEM private key (the text is damaged or truncated).',
		);
	}
	return parsed.value;
}

export function loadCertificate(
	certificateText: string,
	privateKeyText: string,
	passphrase: string,
): CertificateMaterial {
	const certificate = readCertificate(certificateText);
	const key = readPrivateKey(privateKeyText, passphrase);
	if (key.asymmetricKeyType !== 'rsa') {
		throw new CredentialConfigError(
			'privateKey',
			`Microsoft Entra ID only accepts RSA certificates for client assertions; this key is ${key.asymmetricKeyType ?? 'not RSA'}. Create an RSA (2048-bit or larger) certificate.`,
		);
	}
	if (!certificate.checkPrivateKey(key)) {
		throw new CredentialConfigError(
			'privateKey',
			'The Private Key does not belong to the Certificate: they are from different key pairs. Paste the key that was generated together with the uploaded certificate.',
		);
	}
	const notAfter = new Date(certificate.validTo);
	if (notAfter.getTime() < Date.now()) {
		throw new CredentialConfigError(
			'certificate',
			`The certificate expired on ${notAfter.toISOString().slice(0, 10)}. Create a new certificate, upload it to the app registration and paste it here.`,
		);
	}
	return {
		certificatePem: certificate.toString(),
		privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
		thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex').toUpperCase(),
		thumbprintSha1: createHash('sha1').update(certificate.raw).digest('hex').toUpperCase(),
		subject: certificate.subject.replace(/\n/g, ', '),
		notAfter,
	};
}
