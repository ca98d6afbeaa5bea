import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';

import { DNS_SERVERS_ENV } from '../../nodes/Office365SendMail/execute/operations/checkSetup/dnsServers';
import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { startDnsServer, type DnsTestServer } from '../dns/server';
import { ZONE } from '../dns/zones';
import { addApps, sentinelApps } from '../harness/apps';
import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type RunResult, type TestItem } from '../harness/engine';
import { startTenant, type TestTenant } from '../harness/fixtures';
import { makeTestCertificate, type TestCertificate } from '../simulator';
import { SETUP_CHECK_NAMES } from '../harness/setupCheckNames';

/**
 * Check Setup: the node inside n8n's engine against the Microsoft 365 simulator (real msal-node
 * tokens) and a real DNS server on 127.0.0.1 holding the sender domains' SPF, DKIM and DMARC
 * records.
 */
let t: TestTenant;
let dns: DnsTestServer;
const CHECKS = SETUP_CHECK_NAMES;
const apps = sentinelApps('open', 'rbac', 'none', 'rbacOnly');
const certApp = randomUUID();
let certs: Record<'year' | 'soon' | 'expired', TestCertificate>;
// One mailbox per test domain of test/dns/zones.ts, so the probe passes and only DNS differs.
const DOMAINS = ['good.test', 'new.test', 'missing.test', 'wrong.test', 'servfail.test'];

beforeAll(async () => {
	dns = await startDnsServer(ZONE);
	process.env[DNS_SERVERS_ENV] = dns.address;
	t = await startTenant();
	certs = {
		year: makeTestCertificate({ days: 200 }),
		soon: makeTestCertificate({ days: 10 }),
		expired: makeTestCertificate({ days: -1 }),
	};
	// rbac may also read mail (the Mail Trigger's Mail.Read); none and rbacOnly have no Entra
	// permission.
	const permissions: Record<string, string[]> = {
		none: [],
		rbacOnly: [],
		rbac: ['Mail.Send', 'Mail.Read'],
	};
	addApps(t, apps, (name) => permissions[name] ?? ['Mail.Send']);
	t.sim.addApp({
		tenantId: t.tenantId,
		clientId: certApp,
		certificates: Object.values(certs).map((c) => ({ pem: c.certPem })),
		permissions: ['Mail.Send'],
	});
	for (const domain of DOMAINS)
		t.sim.addUser({ tenantId: t.tenantId, id: randomUUID(), userPrincipalName: `mail@${domain}` });
	const scoped = [t.sender, ...DOMAINS.map((d) => `mail@${d}`)];
	t.sim.restrictApp({ clientId: apps.rbac.clientId, kind: 'rbac', allowedMailboxes: scoped });
	// Mail.Send only through RBAC for Applications: the token carries no roles at all.
	t.sim.restrictApp({
		clientId: apps.rbacOnly.clientId,
		kind: 'rbac',
		allowedMailboxes: scoped,
		roles: ['Mail.Send'],
	});
});
afterAll(async () => {
	delete process.env[DNS_SERVERS_ENV];
	await t.sim.close();
	await dns.close();
});
beforeEach(() => {
	t.sim.reset();
	clearTokenCache();
});

type Finding = { check: string; ok: boolean; severity: string; detail: string; fix: string };

async function checkSetup(
	credentials: Record<string, unknown>,
	parameters: Record<string, unknown> = {},
	items: TestItem[] = [{ json: {} }],
): Promise<{ result: RunResult; by: Record<string, Finding>; findings: Finding[] }> {
	const result = await runSendMail({
		credentials: credentialsOf(t, credentials),
		items,
		parameters: { operation: 'checkSetup', ...parameters },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.status).toBe('success');
	const findings = result.items.map((i) => i.json as unknown as Finding);
	expect(findings.map((f) => f.check)).toEqual(CHECKS);
	for (const f of findings) {
		expect(Object.keys(f).sort()).toEqual(['check', 'detail', 'fix', 'ok', 'severity']);
		if (f.severity !== 'info') expect(f.fix.length).toBeGreaterThan(10);
	}
	// No secret, key or token in any output.
	const text = JSON.stringify(findings);
	for (const app of Object.values(apps)) expect(text).not.toContain(app.secret);
	expect(text).not.toMatch(/PRIVATE KEY|eyJ[A-Za-z0-9_-]{20,}/);
	expect(t.sim.outbox).toEqual([]);
	return { result, findings, by: Object.fromEntries(findings.map((f) => [f.check, f])) };
}

const app = (name: keyof typeof apps, more: Record<string, unknown> = {}) => ({
	clientId: apps[name].clientId,
	clientSecret: apps[name].secret,
	...more,
});

test('a scoped app with a good domain: every check passes, nothing is delivered', async () => {
	const { by } = await checkSetup(
		app('rbac', { senderMailbox: 'mail@good.test', scopeCheckMailbox: t.other }),
	);
	for (const check of CHECKS.filter((c) => c !== 'messageTrace'))
		expect(by[check]).toMatchObject({ check, ok: true, severity: 'info' });
	// Optional: the app has no ExchangeMessageTrace.Read.All, which is said, never as a warning or
	// error.
	expect(by.messageTrace).toMatchObject({ ok: false, severity: 'info' });
	expect(by.signIn.detail).toMatch(/signed in to tenant .* with a client secret; fresh token/);
	expect(by.permissions.detail).toContain('Mail.Send');
	expect(by.senderProbe.detail).toContain('mail@good.test can send');
	expect(by.scopeProbe.detail).toContain(`Exchange refuses ${t.other} to the app (403`);
	expect(by.dmarc.detail).toMatch(/reject/);
	const graph = t.sim.requests.filter((r) => r.kind === 'graph');
	expect(graph.map((r) => [r.mailbox, r.status, r.errorCode])).toEqual([
		['mail@good.test', 400, 'ErrorInvalidRecipients'],
		[t.other, 403, 'ErrorAccessDenied'],
		['mail@good.test', 200, undefined],
	]);
});

test('scope probe: a mailbox the app can still send from (inside the scope) is a failing finding', async () => {
	const { by } = await checkSetup(app('open', { scopeCheckMailbox: t.other }));
	expect(by.senderProbe.ok).toBe(true);
	expect(by.scopeProbe).toMatchObject({ ok: false, severity: 'error' });
	expect(by.scopeProbe.detail).toContain(`The app can send as ${t.other}`);
	expect(by.scopeProbe.fix).toContain('30 minutes to 2 hours');
});

test('scope probe: not configured, or the sender cannot send, says "not checked"', async () => {
	const empty = await checkSetup(app('rbac'));
	expect(empty.by.scopeProbe).toMatchObject({ ok: false, severity: 'info' });
	expect(empty.by.scopeProbe.detail).toContain("Mailbox Outside the App's Scope is empty");
	// The rbac app may not send as alerts@, so the sender probe fails and the scope cannot be proven.
	const blocked = await checkSetup(app('rbac', { scopeCheckMailbox: t.unlicensed }), {
		sender: t.other,
	});
	expect(blocked.by.senderProbe).toMatchObject({ ok: false, severity: 'error' });
	expect(blocked.by.scopeProbe).toMatchObject({ ok: false, severity: 'info' });
	expect(blocked.by.scopeProbe.detail).toMatch(/^Not checked/);
	expect(t.sim.requests.filter((r) => r.mailbox === t.unlicensed)).toEqual([]);
});

describe('sender domain through DNS', () => {
	const domainOf = async (domain: string) =>
		(await checkSetup(app('open'), { sender: `mail@${domain}` })).by;

	test('good domain, older DKIM target format, DMARC reject', async () => {
		const by = await domainOf('good.test');
		expect(by.spf).toMatchObject({ ok: true, severity: 'info' });
		expect(by.dkim.detail).toContain('._domainkey.goodtenant.onmicrosoft.com');
		expect(by.dkim.ok).toBe(true);
		expect(by.dmarc).toMatchObject({ ok: true });
		expect(by.dmarc.detail).toMatch(/policy reject/);
	});

	test('newer DKIM target format (dkim.mail.microsoft), nested SPF include, DMARC quarantine', async () => {
		const by = await domainOf('new.test');
		expect(by.spf.ok).toBe(true);
		expect(by.dkim).toMatchObject({ ok: true });
		expect(by.dkim.detail).toContain('n-v1.dkim.mail.microsoft');
		expect(by.dmarc.detail).toMatch(/quarantine/);
	});

	test('missing SPF, DKIM and DMARC: each a failing finding with the record to add', async () => {
		const by = await domainOf('missing.test');
		expect(by.spf).toMatchObject({ ok: false, severity: 'error' });
		expect(by.spf.fix).toContain('v=spf1 include:spf.protection.outlook.com -all');
		expect(by.dkim).toMatchObject({ ok: false, severity: 'warning' });
		expect(by.dkim.detail).toContain('selector1._domainkey.missing.test');
		expect(by.dmarc).toMatchObject({ ok: false, severity: 'error' });
		expect(by.dmarc.fix).toContain('_dmarc.missing.test');
	});

	test('SPF without Microsoft, DKIM pointing elsewhere, DMARC p=none', async () => {
		const by = await domainOf('wrong.test');
		expect(by.spf).toMatchObject({ ok: false, severity: 'error' });
		expect(by.spf.detail).toContain('does not authorize Microsoft 365');
		expect(by.dkim).toMatchObject({ ok: false, severity: 'error' });
		expect(by.dkim.detail).toContain('selector1._domainkey.othermailer.test');
		expect(by.dmarc.ok).toBe(false);
		expect(by.dmarc.detail).toMatch(/p=none|policy none/);
	});

	test('a DNS failure is unknown, not a fault of the domain', async () => {
		const by = await domainOf('servfail.test');
		for (const check of ['spf', 'dkim', 'dmarc']) {
			expect(by[check]).toMatchObject({ ok: false, severity: 'warning' });
			expect(by[check].detail).toContain('SERVFAIL');
			expect(by[check].detail).toContain('This is not a finding about the domain');
		}
		// Graph checks are unaffected.
		expect(by.senderProbe.ok).toBe(true);
	});

	test('the DNS hook must be IP addresses; anything else is unknown, before any query', async () => {
		const before = dns.queries.length;
		process.env[DNS_SERVERS_ENV] = 'dns.example.com';
		const by = await domainOf('good.test').finally(() => {
			process.env[DNS_SERVERS_ENV] = dns.address;
		});
		expect(by.spf).toMatchObject({ ok: false, severity: 'warning' });
		expect(by.spf.detail).toContain(DNS_SERVERS_ENV);
		expect(dns.queries.length).toBe(before);
	});
});

describe('credential expiry from the certificate PEM', () => {
	const withCert = (cert: TestCertificate) => ({
		clientId: certApp,
		authentication: 'certificate',
		clientSecret: '',
		certificate: cert.certPem,
		privateKey: cert.keyPem,
	});

	test('200 days left passes and says so; sign-in used the certificate', async () => {
		const { by } = await checkSetup(withCert(certs.year));
		expect(by.credentialExpiry).toMatchObject({ ok: true, severity: 'info' });
		expect(by.credentialExpiry.detail).toMatch(/\((199|200) days left\)/);
		expect(by.signIn.detail).toContain('with a certificate (SHA-256 thumbprint');
	});

	test('10 days left is a warning with the way to renew', async () => {
		const { by } = await checkSetup(withCert(certs.soon));
		expect(by.credentialExpiry).toMatchObject({ ok: false, severity: 'warning' });
		expect(by.credentialExpiry.detail).toMatch(/in (9|10) days/);
		expect(by.credentialExpiry.fix).toContain('Upload certificate');
		expect(by.signIn.ok).toBe(true);
	});

	test('an expired certificate: sign-in and expiry fail as findings, the node does not', async () => {
		const { by } = await checkSetup(withCert(certs.expired));
		expect(by.credentialExpiry).toMatchObject({ ok: false, severity: 'error' });
		expect(by.credentialExpiry.detail).toContain('expired on');
		expect(by.signIn).toMatchObject({ ok: false, severity: 'error' });
		expect(by.signIn.fix).toContain('certificate');
		expect(by.senderProbe.detail).toMatch(/^Not checked/);
		// The sender's domain is still checked.
		expect(by.dmarc.detail).not.toMatch(/^Not checked/);
	});

	test('a client secret: the expiry cannot be read, the finding says where to look', async () => {
		const { by } = await checkSetup(app('open'));
		expect(by.credentialExpiry).toMatchObject({ ok: true, severity: 'info' });
		expect(by.credentialExpiry.fix).toContain('Client secrets');
	});
});

test('sign-in failure (wrong secret) is a failing finding, not a node error', async () => {
	const { by } = await checkSetup(app('open', { clientSecret: `SENTINEL~wrong~${randomUUID()}` }));
	expect(by.signIn).toMatchObject({ ok: false, severity: 'error' });
	expect(by.signIn.detail).toContain('AADSTS7000215');
	for (const check of ['permissions', 'senderProbe', 'scopeProbe'])
		expect(by[check]).toMatchObject({
			ok: false,
			severity: 'info',
			detail: 'Not checked: sign-in failed.',
		});
	expect(t.sim.requests.filter((r) => r.kind === 'graph')).toEqual([]);
});

test('Mail.Send only through RBAC for Applications (no roles in the token): Exchange decides, permissions pass', async () => {
	const { by } = await checkSetup(app('rbacOnly', { scopeCheckMailbox: t.other }));
	expect(by.permissions).toMatchObject({ ok: true, severity: 'info' });
	expect(by.permissions.detail).toMatch(/none \(no roles claim\).*RBAC for Applications/);
	expect(by.senderProbe.ok).toBe(true);
	expect(by.scopeProbe.ok).toBe(true);
});

test('a tenant-wide Entra Mail.Send that no scoping limits is a warning saying to scope the app', async () => {
	for (const scopeCheckMailbox of ['', t.other]) {
		const { by } = await checkSetup(app('open', { scopeCheckMailbox }));
		expect(by.senderProbe.ok).toBe(true);
		expect(by.permissions).toMatchObject({ ok: false, severity: 'warning' });
		expect(by.permissions.detail).toContain('every mailbox in the tenant');
		expect(by.permissions.fix).toContain('application access policy');
	}
});

test('no Mail.Send in the token and the probe refused: permissions and sender probe fail', async () => {
	const { by } = await checkSetup(app('none'));
	expect(by.signIn.ok).toBe(true);
	expect(by.permissions).toMatchObject({ ok: false, severity: 'error' });
	expect(by.permissions.fix).toContain('Grant admin consent');
	expect(by.senderProbe).toMatchObject({ ok: false, severity: 'error' });
});

test("the node's Sender wins over the Default Sender Mailbox; Allowed Senders applies before any probe", async () => {
	const own = await checkSetup(app('open'), { sender: 'mail@new.test' });
	expect(own.by.senderProbe.detail).toContain('mail@new.test can send');
	const refused = await checkSetup(app('open', { allowedSenders: t.sender }), {
		sender: 'mail@good.test',
	});
	expect(refused.by.senderProbe).toMatchObject({ ok: false, severity: 'error' });
	expect(refused.by.senderProbe.detail).toContain("not in the credential's Allowed Senders");
	expect(t.sim.requests.filter((r) => r.mailbox === 'mail@good.test')).toEqual([]);
});

test('no sender anywhere: the probe and the domain checks say what to fill in', async () => {
	const { by } = await checkSetup(app('open', { senderMailbox: '' }));
	expect(by.senderProbe).toMatchObject({ ok: false, severity: 'warning' });
	expect(by.senderProbe.fix).toContain('Default Sender Mailbox');
	expect(by.spf).toMatchObject({ ok: false, severity: 'info' });
});

test('runs once for many input items (the Sender of the first item)', async () => {
	const { findings } = await checkSetup(app('open'), { sender: '={{ $json.from }}' }, [
		{ json: { from: 'mail@good.test' } },
		{ json: { from: 'mail@wrong.test' } },
	]);
	expect(findings).toHaveLength(CHECKS.length);
	expect(findings.find((f) => f.check === 'senderProbe')?.detail).toContain('mail@good.test');
	// The send probe and the read probe, once each.
	const graph = t.sim.requests.filter((r) => r.kind === 'graph');
	expect(graph.map((r) => [r.method, r.mailbox])).toEqual([
		['POST', 'mail@good.test'],
		['GET', 'mail@good.test'],
	]);
	// Without Mail.Read: a finding for the Mail Trigger, not an error.
	const read = findings.find((f) => f.check === 'mailRead')!;
	expect(read).toMatchObject({ ok: false, severity: 'info' });
	expect(read.detail).toContain('Mail.Read application permission');
	expect(read.fix).toContain('Mail.Read');
});
