/**
 * X.509 helpers for the simulator: RSA keys come from node:crypto (fast, native); node-forge is
 * only used to assemble and sign certificates, which node:crypto cannot do.
 */
import * as crypto from 'node:crypto';
import * as forge from 'node-forge';

export interface GeneratedKey {
	/** PKCS#8 PEM, unencrypted. */
	privateKeyPem: string;
	publicKeyPem: string;
	privateKey: crypto.KeyObject;
}

export function generateRsaKey(bits = 2048): GeneratedKey {
	const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
	return {
		privateKey,
		privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
	};
}

export interface CertificateRequest {
	commonName: string;
	/** SPKI PEM of the key being certified. */
	publicKeyPem: string;
	/**
	 * PKCS#8/PKCS#1 PEM of the signing key (the CA's key, or the subject's own key when self-signed).
	 */
	signingKeyPem: string;
	/** Issuer certificate PEM; absent = self-signed. */
	issuerCertPem?: string;
	days: number;
	isCa?: boolean;
	dnsNames?: string[];
	ipAddresses?: string[];
	extendedKeyUsage?: 'serverAuth' | 'clientAuth';
}

function randomSerialHex(): string {
	const bytes = crypto.randomBytes(16);
	bytes[0] = bytes[0] & 0x7f; // keep the DER INTEGER positive
	return bytes.toString('hex');
}

/** Builds and signs (sha256WithRSAEncryption) an X.509 v3 certificate; returns its PEM. */
export function buildCertificate(request: CertificateRequest): string {
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
	cert.serialNumber = randomSerialHex();
	const now = Date.now();
	cert.validity.notBefore = new Date(now - 60 * 60 * 1000); // tolerate small clock differences
	cert.validity.notAfter = new Date(now + request.days * 24 * 60 * 60 * 1000);
	const subject = [{ name: 'commonName', value: request.commonName }];
	cert.setSubject(subject);

	const extensions: object[] = [];
	if (request.issuerCertPem) {
		const issuer = forge.pki.certificateFromPem(request.issuerCertPem);
		cert.setIssuer(issuer.subject.attributes);
		extensions.push({
			name: 'authorityKeyIdentifier',
			keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes(),
		});
	} else {
		cert.setIssuer(subject);
	}
	if (request.isCa) {
		extensions.push(
			{ name: 'basicConstraints', cA: true, critical: true },
			{
				name: 'keyUsage',
				keyCertSign: true,
				cRLSign: true,
				digitalSignature: true,
				critical: true,
			},
		);
	} else {
		extensions.push(
			{ name: 'basicConstraints', cA: false },
			{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
		);
	}
	if (request.extendedKeyUsage === 'serverAuth')
		extensions.push({ name: 'extKeyUsage', serverAuth: true });
	if (request.extendedKeyUsage === 'clientAuth')
		extensions.push({ name: 'extKeyUsage', clientAuth: true });
	const altNames = [
		...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
		...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
	];
	if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
	extensions.push({ name: 'subjectKeyIdentifier' });
	cert.setExtensions(extensions);

	cert.sign(forge.pki.privateKeyFromPem(request.signingKeyPem), forge.md.sha256.create());
	return forge.pki.certificateToPem(cert);
}

export interface CertificateThumbprints {
	sha1Hex: string;
	sha256Hex: string;
	/** base64url of the SHA-1 of the DER: the `x5t` JWT header. */
	x5t: string;
	/** base64url of the SHA-256 of the DER: the `x5t#S256` JWT header. */
	x5tS256: string;
}

export function thumbprintsOf(certPem: string): CertificateThumbprints {
	const der = new crypto.X509Certificate(certPem).raw;
	const sha1 = crypto.createHash('sha1').update(der).digest();
	const sha256 = crypto.createHash('sha256').update(der).digest();
	return {
		sha1Hex: sha1.toString('hex').toUpperCase(),
		sha256Hex: sha256.toString('hex').toUpperCase(),
		x5t: sha1.toString('base64url'),
		x5tS256: sha256.toString('base64url'),
	};
}

export interface TestCertificate {
	certPem: string;
	/** PKCS#8 PEM; encrypted with aes-256-cbc when a passphrase was given. */
	keyPem: string;
	thumbprintSha256Hex: string;
	thumbprintSha1Hex: string;
}

/**
 * A self-signed certificate + key such as an admin would upload to an app registration
 * ("Certificates & secrets").
 */
export function makeTestCertificate(
	opts: { commonName?: string; passphrase?: string; days?: number } = {},
): TestCertificate {
	const key = generateRsaKey();
	const certPem = buildCertificate({
		commonName: opts.commonName ?? 'n8n-office365-send-mail-test',
		publicKeyPem: key.publicKeyPem,
		signingKeyPem: key.privateKeyPem,
		days: opts.days ?? 365,
		extendedKeyUsage: 'clientAuth',
	});
	const keyPem =
		opts.passphrase === undefined
			? key.privateKeyPem
			: key.privateKey
					.export({
						type: 'pkcs8',
						format: 'pem',
						cipher: 'aes-256-cbc',
						passphrase: opts.passphrase,
					})
					.toString();
	const thumbprints = thumbprintsOf(certPem);
	return {
		certPem,
		keyPem,
		thumbprintSha256Hex: thumbprints.sha256Hex,
		thumbprintSha1Hex: thumbprints.sha1Hex,
	};
}

export interface ServerTls {
	keyPem: string;
	certPem: string;
}

let serverKey: GeneratedKey | undefined;
const serverCertsByCa = new Map<string, ServerTls>();

/**
 * TLS identity of the simulator's HTTPS server: valid for 127.0.0.1, ::1 and localhost, issued by
 * the test CA. The key is generated once per process and the certificate once per CA, so starting a
 * simulator stays fast.
 */
export function serverTlsFor(ca: { certPem: string; keyPem: string }): ServerTls {
	const cached = serverCertsByCa.get(ca.certPem);
	if (cached) return cached;
	serverKey ??= generateRsaKey();
	const certPem = buildCertificate({
		commonName: 'localhost',
		publicKeyPem: serverKey.publicKeyPem,
		signingKeyPem: ca.keyPem,
		issuerCertPem: ca.certPem,
		days: 30,
		dnsNames: ['localhost'],
		ipAddresses: ['127.0.0.1', '::1'],
		extendedKeyUsage: 'serverAuth',
	});
	const tls = { keyPem: serverKey.privateKeyPem, certPem };
	serverCertsByCa.set(ca.certPem, tls);
	return tls;
}
