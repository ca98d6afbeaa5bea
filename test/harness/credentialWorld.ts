import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import {
	buildCertificate,
	generateRsaKey,
	startSimulator,
	makeTestCertificate,
	type M365Simulator,
	type TestCertificate,
} from '../simulator';
import { startTenant, type TestTenant } from './fixtures';
import { pemSentinels, tapIssuedTokens, type Sentinel } from './leaks';

/** An app registered next to the fixture's main app, with its own sentinel secret. */
export interface ExtraApp {
	clientId: string;
	secret: string;
}

/**
 * A certificate credential as an admin would paste it; `plainKeyPem` is the unencrypted key (for
 * leak checks).
 */
export interface CertFixture extends TestCertificate {
	passphrase?: string;
	plainKeyPem: string;
}

/**
 * Everything the credential tests need, all with sentinel secrets:
 * - `t`: the fixture tenant on simulator A (its app has Mail.Send + Mail.ReadWrite and a client
 *   secret);
 * - more apps on the same tenant: expired secret, no admin consent, no Mail.Send, scoped by an
 *   application access policy, scoped by RBAC for Applications, a certificate app (two certificates
 *   uploaded);
 * - a second tenant on simulator A with its own app (the "app of another tenant" case);
 * - simulator B, "another cloud": a tenant and a Graph host that simulator A does not know;
 * - a TCP port nobody listens on, and an HTTPS server whose certificate no CA vouches for.
 */
export interface CredentialWorld {
	t: TestTenant;
	sim: M365Simulator;
	otherCloud: M365Simulator;
	otherCloudTenantId: string;
	secondTenantId: string;
	secondTenantApp: ExtraApp;
	unknownTenantId: string;
	unknownClientId: string;
	apps: {
		expired: ExtraApp;
		noConsent: ExtraApp;
		noMailSend: ExtraApp;
		policy: ExtraApp;
		rbac: ExtraApp;
		/** Certificate-only app: `certs.plain` and `certs.encrypted` are uploaded to it. */
		cert: { clientId: string };
	};
	certs: {
		plain: CertFixture;
		encrypted: CertFixture & { passphrase: string };
		/**
		 * The same key pair as `encrypted`, as a legacy encrypted PKCS#1 PEM ("Proc-Type:
		 * 4,ENCRYPTED").
		 */
		encryptedPkcs1KeyPem: string;
		/** An EC (P-256) private key: not accepted by Entra for client assertions. */
		ecKeyPem: string;
		/** A valid pair that was never uploaded. */
		notUploaded: CertFixture;
		/** A key of a different pair (does not match any certificate). */
		foreignKey: CertFixture;
		/** Expired yesterday. */
		expired: CertFixture;
	};
	onPremMailbox: string;
	wrongSecret: string;
	wrongPassphrase: string;
	/** A userinfo password put into a custom host URL. */
	urlPassword: string;
	closedPort: number;
	untrustedTlsUrl: string;
	/** Every secret value, key line and passphrase of this world. */
	sentinels: Sentinel[];
	/** Every access token the simulators issued so far (server-side tap). */
	issuedTokens: string[];
	/**
	 * Clears observations and faults of both simulators and the token cache (the directory stays).
	 */
	reset(): void;
	/** Requests both simulators received since the last reset, metadata and tokens included. */
	requestCount(): number;
	close(): Promise<void>;
}

function sentinelSecret(purpose: string): string {
	// Shaped like an Entra secret value (40 characters incl. '~' and '.'); unique per world.
	return `SENTINEL~${purpose}~${randomUUID().replace(/-/g, '')}.x`;
}

function certFixture(passphrase?: string, days?: number): CertFixture {
	const made = makeTestCertificate({ passphrase, days });
	const plainKeyPem = passphrase
		? createPrivateKey({ key: made.keyPem, passphrase })
				.export({ type: 'pkcs8', format: 'pem' })
				.toString()
		: made.keyPem;
	return { ...made, passphrase, plainKeyPem };
}

function closedPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** An HTTPS server with a self-signed certificate that is not in NODE_EXTRA_CA_CERTS. */
async function untrustedTlsServer(): Promise<{ url: string; close(): Promise<void> }> {
	const key = generateRsaKey();
	const cert = buildCertificate({
		commonName: 'untrusted.local',
		publicKeyPem: key.publicKeyPem,
		signingKeyPem: key.privateKeyPem,
		days: 2,
		ipAddresses: ['127.0.0.1'],
		extendedKeyUsage: 'serverAuth',
	});
	const server = https.createServer({ key: key.privateKeyPem, cert }, (_req, res) => res.end('{}'));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `https://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export async function startCredentialWorld(): Promise<CredentialWorld> {
	const t = await startTenant();
	const sim = t.sim;
	const otherCloud = await startSimulator({ publicHost: 'localhost' });
	const issuedTokens: string[] = [];
	tapIssuedTokens(sim, issuedTokens);
	tapIssuedTokens(otherCloud, issuedTokens);

	const addApp = (
		displayName: string,
		extra: Partial<Parameters<M365Simulator['addApp']>[0]> = {},
	): ExtraApp => {
		const app = { clientId: randomUUID(), secret: sentinelSecret(displayName) };
		sim.addApp({
			tenantId: t.tenantId,
			clientId: app.clientId,
			displayName,
			secrets: [{ id: randomUUID(), value: app.secret }],
			permissions: ['Mail.Send'],
			adminConsent: true,
			...extra,
		});
		return app;
	};
	const apps = {
		expired: addApp('expired', {}),
		noConsent: addApp('noconsent', { adminConsent: false }),
		noMailSend: addApp('nomailsend', { permissions: ['User.Read.All'] }),
		policy: addApp('policy'),
		rbac: addApp('rbac'),
		cert: { clientId: randomUUID() },
	};
	sim.updateApp(apps.expired.clientId, {
		secrets: [
			{
				id: randomUUID(),
				value: apps.expired.secret,
				expiresAt: new Date(Date.now() - 86_400_000),
			},
		],
	});
	sim.restrictApp({
		clientId: apps.policy.clientId,
		kind: 'applicationAccessPolicy',
		allowedMailboxes: [t.other],
	});
	sim.restrictApp({ clientId: apps.rbac.clientId, kind: 'rbac', allowedMailboxes: [t.other] });

	const passphrase = `SENTINEL-passphrase-${randomUUID()}`;
	const certs = {
		plain: certFixture(),
		encrypted: certFixture(passphrase) as CertFixture & { passphrase: string },
		notUploaded: certFixture(),
		foreignKey: certFixture(),
		expired: certFixture(undefined, -1),
	};
	const ecKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
		.privateKey.export({ type: 'pkcs8', format: 'pem' })
		.toString();
	const encryptedPkcs1KeyPem = createPrivateKey(certs.encrypted.plainKeyPem)
		.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase })
		.toString();
	sim.addApp({
		tenantId: t.tenantId,
		clientId: apps.cert.clientId,
		displayName: 'n8n cert sender',
		certificates: [
			{ pem: certs.plain.certPem },
			{ pem: certs.encrypted.certPem },
			{ pem: certs.expired.certPem },
		],
		permissions: ['Mail.Send'],
	});

	const onPremMailbox = `onprem@${t.domain}`;
	sim.addUser({
		tenantId: t.tenantId,
		id: randomUUID(),
		userPrincipalName: onPremMailbox,
		onPremises: true,
	});

	const secondTenantId = randomUUID();
	sim.addTenant({
		id: secondTenantId,
		domains: [`t${secondTenantId.slice(0, 8)}.onmicrosoft.com`],
	});
	const secondTenantApp = { clientId: randomUUID(), secret: sentinelSecret('second-tenant') };
	sim.addApp({
		tenantId: secondTenantId,
		clientId: secondTenantApp.clientId,
		secrets: [{ id: randomUUID(), value: secondTenantApp.secret }],
		permissions: ['Mail.Send'],
	});

	const otherCloudTenantId = randomUUID();
	otherCloud.addTenant({
		id: otherCloudTenantId,
		domains: [`t${otherCloudTenantId.slice(0, 8)}.onmicrosoft.us`],
	});

	const wrongSecret = sentinelSecret('wrong');
	const wrongPassphrase = `SENTINEL-wrong-passphrase-${randomUUID()}`;
	const urlPassword = `SENTINEL-url-password-${randomUUID().slice(0, 8)}`;
	const tls = await untrustedTlsServer();

	const sentinels: Sentinel[] = [
		{ label: 'main client secret', value: t.secret, partial: true },
		{ label: 'main secret ID', value: t.secretId, partial: true },
		{ label: 'wrong client secret', value: wrongSecret, partial: true },
		{ label: 'private key passphrase', value: passphrase, partial: true },
		{ label: 'wrong passphrase', value: wrongPassphrase, partial: true },
		{ label: 'password in a custom host URL', value: urlPassword, partial: true },
		{ label: 'second tenant secret', value: secondTenantApp.secret, partial: true },
		...Object.entries(apps).flatMap(([name, app]) =>
			'secret' in app ? [{ label: `${name} app secret`, value: app.secret, partial: true }] : [],
		),
		...pemSentinels('encrypted PKCS#1 private key', encryptedPkcs1KeyPem),
		...pemSentinels('EC private key', ecKeyPem),
		...Object.entries(certs).flatMap(([name, c]) => [
			...pemSentinels(`${name} private key`, c.plainKeyPem),
			...(c.plainKeyPem === c.keyPem
				? []
				: pemSentinels(`${name} encrypted private key`, c.keyPem)),
		]),
	];

	return {
		t,
		sim,
		otherCloud,
		otherCloudTenantId,
		secondTenantId,
		secondTenantApp,
		unknownTenantId: randomUUID(),
		unknownClientId: randomUUID(),
		apps,
		certs: { ...certs, encryptedPkcs1KeyPem, ecKeyPem },
		onPremMailbox,
		wrongSecret,
		wrongPassphrase,
		urlPassword,
		closedPort: await closedPort(),
		untrustedTlsUrl: tls.url,
		sentinels,
		issuedTokens,
		reset() {
			sim.reset();
			otherCloud.reset();
			clearTokenCache();
		},
		requestCount: () => sim.requests.length + otherCloud.requests.length,
		async close() {
			await Promise.all([sim.close(), otherCloud.close(), tls.close()]);
		},
	};
}

/** Credential data for the certificate app (cloud "custom" on simulator A). */
export function certCredentials(
	w: CredentialWorld,
	cert: CertFixture,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	return w.t.credentials({
		clientId: w.apps.cert.clientId,
		authentication: 'certificate',
		clientSecret: '',
		certificate: cert.certPem,
		privateKey: cert.keyPem,
		privateKeyPassphrase: cert.passphrase ?? '',
		...overrides,
	});
}

/** Credential data for one of the extra secret apps. */
export function appCredentials(
	w: CredentialWorld,
	app: ExtraApp,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	return w.t.credentials({ clientId: app.clientId, clientSecret: app.secret, ...overrides });
}
