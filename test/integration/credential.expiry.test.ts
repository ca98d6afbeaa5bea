import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';

import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import { checkCredentialExpiry } from '../../nodes/shared/setupChecks';
import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { testCredential } from '../harness/credentialTest';
import { credentialsOf } from '../harness/credentialsOf';
import { startTenant, type TestTenant } from '../harness/fixtures';
import { makeTestCertificate, type TestCertificate } from '../simulator';

/**
 * The credential test reports the certificate's days left (also in the Test Recipient message) with
 * Check Setup's credentialExpiry finding, and fails for an expired one.
 */
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
	// Whole days left, rounded down as Check Setup counts them: 199 once a moment of the 200 days has
	// passed.
	const days = report.certificateDaysLeft;
	expect([199, 200]).toContain(days);
	expect(report.summary).toContain(`The certificate is valid until `);
	expect(report.summary).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\d \\(${days} days left\\)`));
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.outbox[0].message.body.content).toContain(`(${days} days left)`);
});

test('a certificate close to expiry is a warning with the fix, and the test still passes', async () => {
	const { certificate } = certCredentials(certs.soon) as { certificate: string };
	expect(checkCredentialExpiry({ authentication: 'certificate', certificate })).toMatchObject({
		check: 'credentialExpiry',
		ok: false,
		severity: 'warning',
		detail: expect.stringMatching(/in (9|10) days/),
		fix: expect.stringContaining('Upload certificate'),
	});
	expect(await testCredential(certCredentials(certs.soon))).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
});

test('a client secret has no expiry in the report: its date cannot be read', async () => {
	const report = await runCredentialTest(credentialsOf(t));
	expect(report.certificateDaysLeft).toBeUndefined();
	expect(report.summary).not.toContain('days left');
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
