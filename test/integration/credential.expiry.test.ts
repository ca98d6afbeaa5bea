import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';

import { readGraphSettings } from '../../nodes/shared/credential/settings';
import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import { certificateFinding } from '../../nodes/shared/diagnostics/probes';
import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { testCredential } from '../harness/credentialTest';
import { credentialsOf } from '../harness/credentialsOf';
import { startTenant, type TestTenant } from '../harness/fixtures';
import { makeTestCertificate, type TestCertificate } from '../simulator';

/** The credential test reports the certificate's days left (also in the Test Recipient message) and fails for an expired one. */
let t: TestTenant;
const clientId = randomUUID();
let certs: Record<'year' | 'soon' | 'expired', TestCertificate>;

beforeAll(async () => {
	t = await startTenant();
	certs = {
		year: makeTestCertificate({ days: 200 }),
		soon: makeTestCertificate({ days: 10 }),
		expired: makeTestCertificate({ days: -1 }),
	};
	t.sim.addApp({
		tenantId: t.tenantId,
		clientId,
		displayName: 'cert app',
		certificates: Object.values(certs).map((c) => ({ pem: c.certPem })),
		permissions: ['Mail.Send'],
		adminConsent: true,
	});
});
afterAll(async () => {
	await t.sim.close();
});
beforeEach(() => {
	t.sim.reset();
	clearTokenCache();
});

const certCredentials = (cert: TestCertificate, overrides: Record<string, unknown> = {}) =>
	credentialsOf(t, {
		clientId,
		authentication: 'certificate',
		clientSecret: '',
		certificate: cert.certPem,
		privateKey: cert.keyPem,
		...overrides,
	});

test('the days left are in the summary and in the Test Recipient message', async () => {
	const report = await runCredentialTest(
		certCredentials(certs.year, { testRecipient: `admin@${t.domain}` }),
	);
	expect(report.certificateDaysLeft).toBe(200);
	expect(report.summary).toMatch(/certificate valid until \d{4}-\d\d-\d\d \(200 days left\)/);
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.outbox[0].message.body.content).toContain('(200 days left)');
});

test('a certificate close to expiry is a warning with the fix, and the test still passes', async () => {
	const settings = readGraphSettings(certCredentials(certs.soon));
	expect(certificateFinding(settings)).toMatchObject({
		check: 'certificateExpiry',
		ok: true,
		severity: 'warning',
		reason: 'certificateExpiresSoon',
		detail: expect.stringContaining('(10 days left)'),
		fix: expect.stringContaining('upload it to the app registration'),
	});
	expect(await testCredential(certCredentials(certs.soon))).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
});

test('a client secret has no expiry finding', () => {
	expect(certificateFinding(readGraphSettings(credentialsOf(t)))).toBeUndefined();
});

test('an expired certificate fails the test before any request, with the date and the fix', async () => {
	const failure = await runCredentialTest(certCredentials(certs.expired)).then(
		() => undefined,
		(error: unknown) => error as CredentialTestFailure,
	);
	expect(failure).toBeInstanceOf(CredentialTestFailure);
	expect(failure?.reason).toBe('invalid:certificate');
	expect(failure?.message).toMatch(/The certificate expired on \d{4}-\d\d-\d\d\. Create a new/);
	expect(t.sim.requests).toEqual([]);
});
