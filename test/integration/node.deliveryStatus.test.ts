import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DNS_SERVERS_ENV } from '../../nodes/Office365SendMail/execute/operations/checkSetup/dnsServers';
import { runCredentialTest } from '../../nodes/shared/diagnostics/credentialTest';
import { processTraceBudget } from '../../nodes/shared/transport/traceBudget';
import { startDnsServer, type DnsTestServer } from '../dns/server';
import { ZONE } from '../dns/zones';
import { runChain } from '../harness/engine';
import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail } from '../harness/engine';
import { SETUP_CHECK_NAMES } from '../harness/setupCheckNames';
import { useTenant } from '../harness/world';

/**
 * Get Delivery Status inside n8n's engine against the simulator's message trace (rows made from its
 * outbox): Send → Get Delivery Status in one execution, the fates of recipients, waiting, the
 * budget, permission and cloud.
 */
const TRACE = 'ExchangeMessageTrace.Read.All';
const PERMISSIONS = ['Mail.Send', 'Mail.ReadWrite', TRACE];
const t = useTenant({ permissions: PERMISSIONS, eachTest: () => processTraceBudget.clear() });

const FOUR = {
	delivered: 'ada@example.com',
	bounced: 'nobody@example.net',
	terrl: 'partner@example.org',
	quarantined: 'filtered@example.com',
};

const send = (to: string, subject = 'Invoice 4711'): INodeParameters => ({
	operation: 'send',
	toRecipients: to,
	subject,
	bodyContent: 'Your invoice',
	bodyContentType: 'text',
});

const status = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'getDeliveryStatus',
	...extra,
});

const traceCalls = () => t.sim.requests.filter((r) => r.path.includes('/admin/exchange/tracing/'));

async function sendThenStatus(to: string, statusParams: INodeParameters = {}) {
	const result = await runChain(
		credentialsOf(t),
		[{ json: {} }],
		[
			{ name: 'Send', parameters: send(to) },
			{ name: 'Status', parameters: status(statusParams), onError: 'continueRegularOutput' },
		],
	);
	expect(result.errorMessage).toBeUndefined();
	return { sent: result.items.Send[0].json, got: result.items.Status[0].json };
}

const byAddress = (json: IDataObject) =>
	Object.fromEntries((json.recipients as IDataObject[]).map((r) => [r.address, r]));

describe('Send → Get Delivery Status', () => {
	it('reports a delivered, a bounced, a TERRL-limited and a quarantined recipient with code, meaning and fix', async () => {
		t.sim.state.trace.setFate(FOUR.bounced, 'bounced');
		t.sim.state.trace.setFate(FOUR.terrl, 'terrl');
		t.sim.state.trace.setFate(FOUR.quarantined, 'quarantined');
		const { sent, got } = await sendThenStatus(Object.values(FOUR).join(', '));
		expect(got.internetMessageId).toBe(sent.internetMessageId);
		expect(got.status).toBe('mixed');
		expect(got.foundBy).toBe('messageId');
		const r = byAddress(got);
		expect(r[FOUR.delivered]).toMatchObject({ status: 'delivered', code: null, fix: '' });
		expect(r[FOUR.bounced]).toMatchObject({ status: 'failed', code: '5.1.10' });
		expect(r[FOUR.bounced].meaning).toMatch(/does not exist/);
		expect(r[FOUR.terrl]).toMatchObject({ status: 'failed', code: '5.7.233' });
		expect(r[FOUR.terrl].meaning).toMatch(/external recipient rate limit/);
		expect(r[FOUR.quarantined]).toMatchObject({ status: 'quarantined', code: null });
		expect(r[FOUR.quarantined].fix).toMatch(/Quarantine/);
		for (const one of Object.values(r) as IDataObject[])
			expect(Date.parse(one.at as string)).not.toBeNaN();
		// One list, then details only for the three that were not delivered.
		const calls = traceCalls();
		expect(calls.filter((c) => c.path.endsWith('/messageTraces'))).toHaveLength(1);
		expect(calls.filter((c) => c.path.includes('getDetailsByRecipient'))).toHaveLength(3);
	});

	it('says delivered when every recipient is, without detail requests; the default expression takes the Message-ID', async () => {
		const { sent, got } = await sendThenStatus('ada@example.com, bob@example.com');
		expect(got).toMatchObject({ status: 'delivered', internetMessageId: sent.internetMessageId });
		expect(traceCalls().filter((c) => c.path.includes('getDetailsByRecipient'))).toHaveLength(0);
	});

	it('says failed when no recipient got it', async () => {
		t.sim.state.trace.setFate('gone@example.com', 'bounced');
		const { got } = await sendThenStatus('gone@example.com');
		expect(got.status).toBe('failed');
	});

	it('says pending while Exchange has no final status, and notFound before the trace shows the message', async () => {
		t.sim.state.trace.configure({ finalAfterMs: 3_600_000 });
		const pending = await sendThenStatus('ada@example.com');
		expect(pending.got.status).toBe('pending');
		expect(byAddress(pending.got)['ada@example.com'].status).toBe('gettingStatus');
		t.sim.state.trace.configure({ appearAfterMs: 3_600_000 });
		const missing = await sendThenStatus('ada@example.com');
		expect(missing.got).toMatchObject({ status: 'notFound', recipients: [] });
	});

	it('Wait Seconds looks again until every recipient has a final status', async () => {
		t.sim.state.trace.configure({ appearAfterMs: 1_000, finalAfterMs: 2_000 });
		t.sim.state.trace.setFate('nobody@example.net', 'bounced');
		const { got } = await sendThenStatus('ada@example.com, nobody@example.net', {
			waitSeconds: 120,
		});
		expect(got.status).toBe('mixed');
		expect(byAddress(got)['nobody@example.net'].code).toBe('5.1.10');
		expect(traceCalls().filter((c) => c.path.endsWith('/messageTraces')).length).toBeGreaterThan(1);
	}, 60_000);
});

describe('a Message-ID Exchange did not keep', () => {
	async function sentItem() {
		const run = await runSendMail({
			credentials: credentialsOf(t),
			items: [{ json: {} }],
			parameters: send('ada@example.com, "Doe, John" <john@example.com>', 'Order 17'),
		});
		return run.items[0].json;
	}

	it('is found by sender, subject, recipients and time, and the real Message-ID is output', async () => {
		const sent = await sentItem();
		const input = {
			...sent,
			internetMessageId: '<replaced-by-exchange@n8n.local>',
			internetMessageIdConfirmed: false,
		};
		const result = await runChain(
			credentialsOf(t),
			[{ json: input }],
			[{ name: 'Status', parameters: status() }],
		);
		const got = result.items.Status[0].json;
		expect(got).toMatchObject({
			status: 'delivered',
			foundBy: 'search',
			internetMessageId: sent.internetMessageId,
		});
		expect(String((got.notes as string[])[0])).toMatch(/did not keep the Message-ID/);
	});

	it('is searched for too when the input does not say whether it was confirmed', async () => {
		const sent = await sentItem();
		const input = { ...sent, internetMessageId: '<unknown@n8n.local>' };
		const result = await runChain(
			credentialsOf(t),
			[{ json: input }],
			[{ name: 'Status', parameters: status() }],
		);
		expect(result.items.Status[0].json).toMatchObject({
			foundBy: 'search',
			internetMessageId: sent.internetMessageId,
		});
	});

	it('is not searched for when the input says Exchange confirmed it', async () => {
		const sent = await sentItem();
		const input = {
			...sent,
			internetMessageId: '<other@n8n.local>',
			internetMessageIdConfirmed: true,
		};
		const result = await runChain(
			credentialsOf(t),
			[{ json: input }],
			[{ name: 'Status', parameters: status() }],
		);
		expect(result.items.Status[0].json).toMatchObject({ status: 'notFound' });
		expect(traceCalls()).toHaveLength(1);
	});
});

it('Send → Get Delivery Status when the simulated Exchange overwrites the Message-ID: found by search, real ID output', async () => {
	t.sim.setExchangeBehaviour({ messageIds: 'overwrite' });
	const { sent, got } = await sendThenStatus('ada@example.com');
	expect(sent.internetMessageIdConfirmed).toBe(false);
	const real = t.sim.outbox[0].internetMessageId;
	expect(real).not.toBe(sent.internetMessageId);
	expect(got).toMatchObject({ status: 'delivered', foundBy: 'search', internetMessageId: real });
});

describe('the budget of 100 requests per 5 minutes per tenant', () => {
	const lookups = (n: number) =>
		Array.from({ length: n }, (_, i) => ({
			json: { internetMessageId: `<m${i}@n8n.local>`, internetMessageIdConfirmed: true },
		}));

	it('honours Retry-After when Microsoft answers 429', async () => {
		t.sim.state.trace.configure({ budgetRequests: 2, budgetWindowMs: 1_500 });
		const result = await runChain(credentialsOf(t), lookups(4), [
			{ name: 'Status', parameters: status() },
		]);
		expect(result.errorMessage).toBeUndefined();
		expect(result.items.Status.map((i) => i.json.status)).toEqual(Array(4).fill('notFound'));
		const calls = traceCalls();
		const throttled = calls.filter((c) => c.status === 429);
		expect(throttled.length).toBeGreaterThan(0);
		// The request after the first 429 waited at least its Retry-After (a lower bound: safe on a
		// busy machine).
		const first = throttled[0];
		const after = calls.filter((c) => c.startedAt > first.startedAt && c.status === 200);
		expect(after.length).toBeGreaterThan(0);
		expect(after[0].startedAt - first.startedAt).toBeGreaterThanOrEqual(900);
	}, 60_000);

	it('is shared across executions: past 100 requests the item fails at once and nothing more is sent', async () => {
		t.sim.state.trace.configure({ budgetRequests: 1_000 });
		const first = await runChain(credentialsOf(t), lookups(100), [
			{ name: 'Status', parameters: status() },
		]);
		expect(first.items.Status).toHaveLength(100);
		expect(traceCalls()).toHaveLength(100);
		const second = await runChain(credentialsOf(t), lookups(2), [
			{ name: 'Status', parameters: status(), onError: 'continueRegularOutput' },
		]);
		const failed = second.items.Status.map((i) => i.json);
		expect(failed[0]).toMatchObject({ status: 'failed', errorCode: 'MessageTraceBudget' });
		expect(String(failed[0].error)).toMatch(/100 requests per 5 minutes/);
		expect(traceCalls()).toHaveLength(100);
	}, 120_000);
});

describe('when message trace cannot be used', () => {
	const one = [{ json: { internetMessageId: '<a@n8n.local>', internetMessageIdConfirmed: true } }];
	const run = (overrides?: Record<string, unknown>, params: INodeParameters = {}) =>
		runChain(credentialsOf(t, overrides), one, [
			{ name: 'Status', parameters: status(params), onError: 'continueRegularOutput' },
		]);

	it('names the permission and the admin step when the app lacks it', async () => {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] });
		try {
			const got = (await run()).items.Status[0].json;
			expect(got).toMatchObject({
				status: 'failed',
				errorCode: 'MessageTraceUnavailable',
				reason: 'permission',
			});
			expect(String(got.error)).toContain(TRACE);
			expect(String(got.fix)).toMatch(/Grant admin consent/);
		} finally {
			t.sim.updateApp(t.clientId, { permissions: PERMISSIONS });
		}
	});

	it('names the Transport Data Platform prerequisite', async () => {
		t.sim.state.trace.setAvailability(t.tenantId, 'noServicePrincipal');
		const got = (await run()).items.Status[0].json;
		expect(got).toMatchObject({ reason: 'servicePrincipal' });
		expect(String(got.error)).toMatch(/Transport Data Platform/);
		expect(String(got.fix)).toMatch(/8bd644d1-64a1-4d4b-ae52-2e0cbf64e373/);
	});

	it.each(['usGovHigh', 'usGovDod', 'china'])(
		'says it is global-cloud only for %s, before any request',
		async (cloud) => {
			const got = (await run({ cloud })).items.Status[0].json;
			expect(got).toMatchObject({ reason: 'cloud' });
			expect(String(got.error)).toMatch(/global cloud only/);
			expect(t.sim.requests).toHaveLength(0);
		},
	);

	it('refuses Wait Seconds over 600 before any request, naming the field', async () => {
		const got = (await run({}, { waitSeconds: 700 })).items.Status[0].json;
		expect(got).toMatchObject({ status: 'failed', field: 'Wait Seconds' });
		expect(t.sim.requests).toHaveLength(0);
	});
});

it('Dry Run shows the trace requests and sends nothing', async () => {
	const input = {
		internetMessageId: '<x@n8n.local>',
		subject: 'Hi',
		toRecipients: ['ada@example.com'],
		sentAt: new Date().toISOString(),
	};
	const result = await runChain(
		credentialsOf(t),
		[{ json: input }],
		[{ name: 'Status', parameters: status({ deliveryStatusOptions: { dryRun: true } }) }],
	);
	const got = result.items.Status[0].json;
	expect(got.status).toBe('preview');
	const urls = (got.requests as { url: string }[]).map((r) => decodeURIComponent(r.url));
	expect(urls[0]).toContain("messageId eq '<x@n8n.local>'");
	expect(urls[1]).toContain("subject eq 'Hi'");
	expect(urls[2]).toContain('getDetailsByRecipient');
	expect(t.sim.requests).toHaveLength(0);
});

describe('Check Setup and the credential test say whether message trace is available', () => {
	let dns: DnsTestServer;
	beforeAll(async () => {
		dns = await startDnsServer(ZONE);
		process.env[DNS_SERVERS_ENV] = dns.address;
	});
	afterAll(async () => {
		delete process.env[DNS_SERVERS_ENV];
		await dns.close();
	});

	async function traceFinding(): Promise<IDataObject> {
		const result = await runSendMail({
			credentials: credentialsOf(t),
			items: [{ json: {} }],
			parameters: { operation: 'checkSetup' },
		});
		expect(result.errorMessage).toBeUndefined();
		const findings = result.items.map((i) => i.json);
		expect(findings.map((f) => f.check)).toEqual(SETUP_CHECK_NAMES);
		return findings.find((f) => f.check === 'messageTrace')!;
	}

	it('passes when trace answers, with one trace request', async () => {
		expect(await traceFinding()).toMatchObject({ ok: true, severity: 'info' });
		expect(traceCalls()).toHaveLength(1);
	});

	it('names the missing prerequisite as information, never as a failure', async () => {
		t.sim.state.trace.setAvailability(t.tenantId, 'noServicePrincipal');
		const finding = await traceFinding();
		expect(finding).toMatchObject({ ok: false, severity: 'info' });
		expect(String(finding.detail)).toMatch(/Transport Data Platform/);
	});

	it('says the permission is missing from the token, without a trace request', async () => {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] });
		try {
			const finding = await traceFinding();
			expect(finding).toMatchObject({ ok: false, severity: 'info' });
			expect(String(finding.detail)).toContain(TRACE);
			expect(traceCalls()).toHaveLength(0);
			const report = await runCredentialTest(credentialsOf(t));
			expect(report.messageTrace).toMatch(/not available: the app has no ExchangeMessageTrace/);
		} finally {
			t.sim.updateApp(t.clientId, { permissions: PERMISSIONS });
		}
	});

	it('the credential test reports the permission in the token (a report line, not a failure)', async () => {
		const report = await runCredentialTest(credentialsOf(t));
		expect(report.messageTrace).toContain(`the app has ${TRACE}`);
	});
});
