import { X509Certificate } from 'node:crypto';

import { checkCredentialExpiry, senderDomainOf } from '../../nodes/shared/setupChecks';
import { makeTestCertificate } from '../simulator';

/** Credential expiry (Check Setup): days left from the certificate's PEM. */
const DAY = 24 * 60 * 60 * 1000;
const cert = makeTestCertificate({ days: 365 });
const validTo = new Date(new X509Certificate(cert.certPem).validTo);

test('a certificate with a year left passes and says how many days', () => {
	const f = checkCredentialExpiry({ authentication: 'certificate', certificate: cert.certPem });
	expect(f).toMatchObject({ check: 'credentialExpiry', ok: true, severity: 'info', fix: '' });
	expect(f.detail).toMatch(/\((364|365) days left\)/);
	expect(f.detail).toContain(validTo.toISOString().slice(0, 10));
});

test('fewer than 30 days left: warning that says where to upload a new certificate', () => {
	const now = new Date(validTo.getTime() - 12.5 * DAY);
	const f = checkCredentialExpiry({
		authentication: 'certificate',
		certificate: cert.certPem,
		now,
	});
	expect(f).toMatchObject({ ok: false, severity: 'warning' });
	expect(f.detail).toMatch(/in 12 days/);
	expect(f.fix).toMatch(/App registrations › <your app> › Certificates & secrets/);
});

test('30 days left is still fine; one day before that boundary warns', () => {
	const at30 = checkCredentialExpiry({
		authentication: 'certificate',
		certificate: cert.certPem,
		now: new Date(validTo.getTime() - 30 * DAY),
	});
	expect(at30.ok).toBe(true);
	const at29 = checkCredentialExpiry({
		authentication: 'certificate',
		certificate: cert.certPem,
		now: new Date(validTo.getTime() - 29.5 * DAY),
	});
	expect(at29).toMatchObject({ ok: false, severity: 'warning' });
});

test('an expired certificate is an error', () => {
	const expired = makeTestCertificate({ days: -1 });
	const f = checkCredentialExpiry({ authentication: 'certificate', certificate: expired.certPem });
	expect(f).toMatchObject({ ok: false, severity: 'error' });
	expect(f.detail).toMatch(/expired on \d{4}-\d{2}-\d{2}/);
	expect(f.fix).toMatch(/Upload certificate/);
});

test('a PEM flattened into one line with literal \\n is still read', () => {
	const flat = cert.certPem.replace(/\n/g, '\\n');
	expect(checkCredentialExpiry({ authentication: 'certificate', certificate: flat }).ok).toBe(true);
});

test('no readable certificate: error with the fix, no throw', () => {
	for (const certificate of [
		'',
		'not a pem',
		'-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
	]) {
		const f = checkCredentialExpiry({ authentication: 'certificate', certificate });
		expect(f).toMatchObject({ ok: false, severity: 'error' });
		expect(f.fix).toMatch(/BEGIN CERTIFICATE/);
	}
});

test('client secret: expiry is not readable app-only; the finding says so and advises noting the date', () => {
	const f = checkCredentialExpiry({ authentication: 'clientSecret' });
	expect(f).toMatchObject({ ok: true, severity: 'info' });
	expect(f.detail).toMatch(/cannot be read/);
	expect(f.fix).toMatch(/Note the secret's "Expires" date/);
});

test('sender domain: from an address, not from an object ID', () => {
	expect(senderDomainOf(' Alerts@Contoso.COM ')).toEqual({ ok: true, domain: 'contoso.com' });
	expect(senderDomainOf('"a@b"@contoso.com')).toEqual({ ok: true, domain: 'contoso.com' });
	const id = senderDomainOf('5f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8');
	expect(id.ok).toBe(false);
	expect(!id.ok && id.reason).toMatch(/object ID/);
	expect(senderDomainOf('a@localhost').ok).toBe(false);
	expect(senderDomainOf('a@bad..domain').ok).toBe(false);
	expect(senderDomainOf('').ok).toBe(false);
});
