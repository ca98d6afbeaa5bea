/**
 * The simulator speaks what @azure/msal-node actually sends
 * (https://learn.microsoft.com/entra/identity-platform/certificate-credentials,
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node):
 * secret and certificate.
 */
import * as crypto from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import {
	makeTestCertificate,
	startSimulator,
	type M365Simulator,
	DEMO,
	loadDemoScenario,
	decodePayload,
} from '..';

const CERT_APP = '66666666-6666-4666-8666-666666666666';

describe('msal-node against the simulator', () => {
	let sim: M365Simulator;
	const cert = makeTestCertificate({ passphrase: 'pw' });
	const privateKey = crypto
		.createPrivateKey({ key: cert.keyPem, passphrase: 'pw' })
		.export({ type: 'pkcs8', format: 'pem' })
		.toString();

	beforeAll(async () => {
		sim = await startSimulator();
		loadDemoScenario(sim);
		sim.addApp({
			tenantId: DEMO.tenantId,
			clientId: CERT_APP,
			certificates: [{ pem: cert.certPem }],
			permissions: ['Mail.Send'],
		});
	});
	afterAll(() => sim.close());

	const authority = (tenant: string): { authority: string; knownAuthorities: string[] } => ({
		authority: `${sim.authorityHost}/${tenant}`,
		knownAuthorities: [new URL(sim.authorityHost).host],
	});
	const scopes = (): string[] => [`${sim.graphEndpoint}/.default`];

	it('gets and caches a token with a client secret (GUID or domain authority)', async () => {
		for (const tenant of [DEMO.tenantId, DEMO.tenantDomain]) {
			const cca = new ConfidentialClientApplication({
				auth: { clientId: DEMO.clientId, clientSecret: DEMO.secretValue, ...authority(tenant) },
			});
			const first = await cca.acquireTokenByClientCredential({ scopes: scopes() });
			expect(first?.fromCache).toBe(false);
			expect(decodePayload(first?.accessToken ?? '')).toMatchObject({
				appid: DEMO.clientId,
				roles: ['Mail.Send', 'Mail.ReadWrite'],
			});
			const second = await cca.acquireTokenByClientCredential({ scopes: scopes() });
			expect(second?.fromCache).toBe(true);
		}
	});

	it('gets a token with a certificate (thumbprintSha256 → PS256, thumbprint → RS256)', async () => {
		for (const clientCertificate of [
			{ thumbprintSha256: cert.thumbprintSha256Hex, privateKey },
			{ thumbprint: cert.thumbprintSha1Hex, privateKey },
		]) {
			const cca = new ConfidentialClientApplication({
				auth: { clientId: CERT_APP, clientCertificate, ...authority(DEMO.tenantId) },
			});
			const result = await cca.acquireTokenByClientCredential({ scopes: scopes() });
			expect(decodePayload(result?.accessToken ?? '')).toMatchObject({
				appid: CERT_APP,
				appidacr: '2',
			});
		}
	});

	it('surfaces AADSTS errors as ServerError with errorNo and status', async () => {
		const cca = new ConfidentialClientApplication({
			auth: { clientId: DEMO.clientId, clientSecret: DEMO.secretId, ...authority(DEMO.tenantId) },
		});
		await expect(cca.acquireTokenByClientCredential({ scopes: scopes() })).rejects.toMatchObject({
			name: 'ServerError',
			errorCode: 'invalid_client',
			errorNo: 7000215,
			status: 401,
		});
	});
});
