import { checkMailAuthentication, type Finding } from '../../nodes/shared/setupChecks';
import { startDnsServer, type DnsTestServer } from '../dns/server';
import { ZONE } from '../dns/zones';

/**
 * Sender-domain mail authentication (Check Setup) against a real DNS server on 127.0.0.1 over UDP,
 * through node:dns like in production; only the server list is injected.
 */
let dns: DnsTestServer;
beforeAll(async () => {
	dns = await startDnsServer(ZONE);
});
afterAll(async () => {
	await dns.close();
});

const TIMEOUT_MS = 800;

async function check(sender: string, cloud: 'global' | 'usGovHigh' | 'custom' = 'global') {
	const findings = await checkMailAuthentication({
		sender,
		cloud,
		dns: { servers: [dns.address], timeoutMs: TIMEOUT_MS },
	});
	const by = Object.fromEntries(findings.map((f) => [f.check, f])) as Record<string, Finding>;
	expect(findings.map((f) => f.check)).toEqual(['spf', 'dkim', 'dmarc']);
	for (const f of findings) {
		expect(f.detail.length).toBeGreaterThan(10);
		if (!f.ok) expect(f.fix.length).toBeGreaterThan(10);
	}
	return by;
}

test('good domain, older DKIM format: all three pass', async () => {
	const r = await check('Alerts@Good.Test');
	expect(r.spf).toMatchObject({ ok: true, severity: 'info' });
	expect(r.spf.detail).toMatch(/include:spf\.protection\.outlook\.com; 1 of 10 DNS lookups/);
	expect(r.dkim).toMatchObject({ ok: true, severity: 'info' });
	expect(r.dkim.detail).toContain('selector2-good-test._domainkey.goodtenant.onmicrosoft.com');
	expect(r.dmarc).toMatchObject({ ok: true });
	expect(r.dmarc.detail).toMatch(/policy reject/);
});

test('nested include, newer DKIM format (dkim.mail.microsoft), split TXT strings: all pass', async () => {
	const r = await check('sender@new.test');
	expect(r.spf.ok).toBe(true);
	expect(r.spf.detail).toMatch(/2 of 10/);
	expect(r.dkim.ok).toBe(true);
	expect(r.dkim.detail).toContain('n-v1.dkim.mail.microsoft');
	expect(r.dmarc).toMatchObject({ ok: true });
	expect(r.dmarc.detail).toMatch(/quarantine/);
});

test('missing records: SPF and DMARC errors, DKIM warning, each with the record to add', async () => {
	const r = await check('a@missing.test');
	expect(r.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(r.spf.fix).toContain('"v=spf1 include:spf.protection.outlook.com -all"');
	expect(r.dkim).toMatchObject({ ok: false, severity: 'warning' });
	expect(r.dkim.detail).toMatch(/selector1\._domainkey\.missing\.test and selector2/);
	expect(r.dkim.fix).toMatch(/Defender portal/);
	expect(r.dmarc).toMatchObject({ ok: false, severity: 'error' });
	expect(r.dmarc.fix).toContain('_dmarc.missing.test');
});

test('nonexistent domain (NXDOMAIN) is reported as missing records, not as a DNS failure', async () => {
	const r = await check('a@nowhere.test');
	expect(r.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(r.spf.detail).toMatch(/no SPF record/);
	expect(r.dmarc.detail).toMatch(/no DMARC record/);
});

test('wrong records: SPF without Microsoft, DKIM pointing elsewhere, DMARC p=none', async () => {
	const r = await check('a@wrong.test');
	expect(r.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(r.spf.detail).toMatch(/does not authorize Microsoft 365/);
	expect(r.dkim).toMatchObject({ ok: false, severity: 'error' });
	expect(r.dkim.detail).toContain('selector1._domainkey.othermailer.test');
	expect(r.dkim.detail).not.toContain('selector2._domainkey.wrong.test →');
	expect(r.dmarc).toMatchObject({ ok: false, severity: 'warning' });
	expect(r.dmarc.detail).toMatch(/not enforced/);
});

test('two SPF records and two DMARC records are errors; one DKIM selector missing is a warning', async () => {
	const r = await check('a@twospf.test');
	expect(r.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(r.spf.detail).toMatch(/2 SPF records/);
	expect(r.dkim).toMatchObject({ ok: false, severity: 'warning' });
	expect(r.dkim.detail).toMatch(/^selector2\._domainkey\.twospf\.test does not exist/);
	expect(r.dmarc).toMatchObject({ ok: false, severity: 'error' });
	expect(r.dmarc.detail).toMatch(/2 DMARC records/);
});

test('+all, an include without SPF record, and DMARC without p=', async () => {
	const plus = await check('a@plusall.test');
	expect(plus.spf).toMatchObject({ ok: false, severity: 'warning' });
	expect(plus.spf.detail).toMatch(/\+all/);
	const broken = await check('a@broken.test');
	expect(broken.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(broken.spf.detail).toMatch(/gone\.test/);
	expect(broken.dmarc).toMatchObject({ ok: false, severity: 'error' });
	expect(broken.dmarc.detail).toMatch(/p=missing/);
});

test('an include or redirect that is no domain name is an SPF error of the record, not a DNS failure', async () => {
	const direct = await check('a@badsyntax.test');
	expect(direct.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(direct.spf.detail).toBe(
		'The SPF record of badsyntax.test names "..evil", which is not a domain name; receivers return a permanent error for the whole record (RFC 7208 §4.6).',
	);
	expect(direct.spf.fix).toBe(
		'Correct or remove include:..evil in the SPF record of badsyntax.test.',
	);
	const nested = await check('a@badsyntax-nested.test');
	expect(nested.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(nested.spf.detail).toMatch(/^The SPF record of nested-bad\.test names "-x-\.test"/);
	expect(nested.spf.fix).toBe(
		'Correct or remove redirect=-x-.test in the SPF record of nested-bad.test.',
	);
});

test('SPF past 10 DNS lookups is an error, and the walk stops at the limit (bounded queries)', async () => {
	const before = dns.queries.length;
	const r = await check('a@long.test');
	expect(r.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(r.spf.detail).toMatch(/more than 10 DNS lookups/);
	const chain = dns.queries.slice(before).filter((q) => q.endsWith('.chain.test'));
	// include:l0 … include:l9 are lookups 1–10 and are read; include:l10 would be the 11th: never
	// queried.
	expect(chain).toEqual(Array.from({ length: 10 }, (_, i) => `TXT l${i}.chain.test`));

	const loopBefore = dns.queries.length;
	const loop = await check('a@loop.test');
	expect(loop.spf.detail).toMatch(/more than 10 DNS lookups/);
	const loops = dns.queries.slice(loopBefore).filter((q) => q === 'TXT loop.test');
	expect(loops.length).toBeLessThanOrEqual(11);
});

test('national cloud: the GCC High include passes for usGovHigh, fails for Global; Custom accepts either', async () => {
	expect((await check('a@gov.test', 'usGovHigh')).spf.ok).toBe(true);
	const global = await check('a@gov.test', 'global');
	expect(global.spf).toMatchObject({ ok: false, severity: 'error' });
	expect(global.spf.detail).toMatch(
		/another Microsoft cloud \(include:spf\.protection\.office365\.us\)/,
	);
	expect(global.spf.fix).toContain('include:spf.protection.outlook.com');
	expect((await check('a@gov.test', 'custom')).spf.ok).toBe(true);
	const wrongCloud = await check('a@good.test', 'usGovHigh');
	expect(wrongCloud.spf.fix).toContain('with include:spf.protection.office365.us');
});

test("a subdomain without DMARC uses the parent's record and its sp= policy", async () => {
	const r = await check('a@mail.parent.test');
	expect(r.dmarc).toMatchObject({ ok: true });
	expect(r.dmarc.detail).toMatch(/_dmarc\.parent\.test .*policy reject/);
});

describe('DNS failures are unknown (warning), never a fault of the domain', () => {
	test.each([
		['SERVFAIL', 'servfail.test', /SERVFAIL/],
		['REFUSED', 'refused.test', /refused/],
		['no answer', 'silent.test', /did not answer in time/],
	])('%s', async (_name, domain, reason) => {
		const before = dns.queries.length;
		const r = await check(`a@${domain}`);
		for (const f of Object.values(r)) {
			expect(f).toMatchObject({ ok: false, severity: 'warning' });
			expect(f.detail).toMatch(/DNS could not answer/);
			expect(f.detail).toMatch(reason);
			expect(f.detail).toMatch(/not a finding about the domain/);
		}
		// Bounded, in the DNS server's own order of queries rather than a stopwatch: SPF, DKIM and
		// DMARC ask side by side (every name once before any is asked again), each name at most twice
		// (the resolver's own retry), and nothing beyond the TXT, DMARC and two DKIM selector names:
		// about one timeout per query chain.
		const asked = dns.queries.slice(before);
		const names = [...new Set(asked)];
		expect(names.length).toBeGreaterThanOrEqual(3);
		expect(names.length).toBeLessThanOrEqual(4);
		expect(new Set(asked.slice(0, names.length)).size).toBe(names.length);
		for (const name of names) expect(asked.filter((q) => q === name).length).toBeLessThanOrEqual(2);
	});

	test('an include that cannot be read is unknown, not an error', async () => {
		const r = await check('a@goodspf-badinclude.test');
		expect(r.spf).toMatchObject({ ok: false, severity: 'warning' });
		expect(r.spf.detail).toMatch(/x\.servfail\.test: the DNS server answered SERVFAIL/);
	});
});

test('object-ID sender: the checks say they cannot tell the domain, with no DNS query', async () => {
	const before = dns.queries.length;
	const r = await check('5f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8');
	for (const f of Object.values(r)) {
		expect(f).toMatchObject({ ok: false, severity: 'info' });
		expect(f.detail).toMatch(/object ID/);
		expect(f.fix).toMatch(/address/);
	}
	expect(dns.queries.length).toBe(before);
});

test('initial domain (onmicrosoft.com): SPF and DKIM are Microsoft-managed, only DMARC is read', async () => {
	const before = dns.queries.length;
	const r = await check('sender@contoso.onmicrosoft.com');
	expect(r.spf).toMatchObject({ ok: true });
	expect(r.dkim).toMatchObject({ ok: true });
	expect(r.spf.detail).toMatch(/initial domain/);
	expect(r.dmarc).toMatchObject({ ok: true });
	expect(dns.queries.slice(before)).toEqual(['TXT _dmarc.contoso.onmicrosoft.com']);
});

test('initial domain without DMARC, or with p=none: the record is added in the admin center, not at a DNS host', async () => {
	const missing = await check('sender@fabrikam.onmicrosoft.com');
	expect(missing.dmarc).toMatchObject({ ok: false, severity: 'error' });
	const watching = await check('sender@watching.onmicrosoft.com');
	expect(watching.dmarc).toMatchObject({ ok: false, severity: 'warning' });
	for (const [f, domain] of [
		[missing.dmarc, 'fabrikam.onmicrosoft.com'],
		[watching.dmarc, 'watching.onmicrosoft.com'],
	] as const) {
		expect(f.fix).toContain(
			`${domain} is the tenant's initial domain, whose DNS Microsoft runs: add or change the record in the Microsoft 365 admin center (Settings › Domains › ${domain} › DNS records), type TXT, name _dmarc, value "v=DMARC1; p=reject", not at a DNS host.`,
		);
		expect(f.fix).toMatch(/custom domain of your own/);
	}
	// A domain of the tenant's own keeps the DNS-host advice.
	const own = await check('sender@wrong.test');
	expect(own.dmarc.fix).toMatch(/^Once the DMARC reports show/);
});
