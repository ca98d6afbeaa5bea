import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { runCredentialTest } from '../../nodes/shared/diagnostics/credentialTest';
import { tapRequestBodies, type BodyTap } from '../harness/bodyTap';
import { appCredentials } from '../harness/credentialWorld';
import { testCredential } from '../harness/credentialTest';
import { useCredentialWorld } from '../harness/world';

/**
 * A working credential: a fresh token, roles read locally, the mailbox probed without
 * delivering anything, an optional real test message, and a summary of what was verified. Both
 * through runCredentialTest and through n8n's declarative credential test.
 */
let bodies: BodyTap;
const w = useCredentialWorld({
	resetEachTest: true,
	setup: (world) => {
		bodies = tapRequestBodies(world.sim);
		w.onCleanup(() => bodies.stop());
	},
	eachTest: () => bodies.clear(),
});

const OK = { status: 'OK', message: 'Connection successful!' };

test('client secret: the summary names tenant, app, permissions and the mailbox; the probe delivers nothing', async () => {
	const report = await runCredentialTest(w.t.credentials());
	expect(report.summary).toBe(
		`Verified: Tenant ${w.t.tenantId} (Custom cloud); app "n8n mail sender" ${w.t.clientId} signed in with a client secret; ` +
			`application permissions: Mail.Send, Mail.ReadWrite; mailbox ${w.t.sender} can send (probe only, nothing delivered); ` +
			`the app can read ${w.t.sender} (Mail.Read): the Office 365 Mail Trigger can watch it.`,
	);
	expect(report).toMatchObject({
		roles: ['Mail.Send', 'Mail.ReadWrite'],
		mailboxProbe: 'reachable',
		testMessage: undefined,
	});

	// What the probe sent: no recipients at all and no Sent Items copy; Graph refused it for exactly
	// that.
	expect(w.sim.outbox).toEqual([]);
	expect(w.sim.requests.map((r) => [r.kind, r.method, r.status, r.errorCode ?? null])).toEqual([
		['token', 'POST', 200, null],
		['graph', 'POST', 400, 'ErrorInvalidRecipients'],
		['graph', 'GET', 200, null],
	]);
	expect(report.readProbe).toMatchObject({
		check: 'mailRead',
		ok: true,
		reason: 'mailboxReadable',
	});
	const probe = bodies.requests[0].json as {
		message: Record<string, unknown>;
		saveToSentItems: boolean;
	};
	expect(bodies.requests[0].path).toBe(`/v1.0/users/${encodeURIComponent(w.t.sender)}/sendMail`);
	expect(probe.saveToSentItems).toBe(false);
	expect(Object.keys(probe.message).sort()).toEqual(['body', 'subject']);

	expect(await testCredential(w.t.credentials() as never)).toEqual(OK);
	expect(w.sim.outbox).toEqual([]);
});

test('with Test Recipient: exactly one real message per Test, from the default sender', async () => {
	const recipient = `admin@${w.t.domain}`;
	const report = await runCredentialTest(w.t.credentials({ testRecipient: recipient }));
	expect(w.sim.outbox).toHaveLength(1);
	const [message] = w.sim.outbox;
	expect(message).toMatchObject({ mailbox: w.t.sender, clientId: w.t.clientId, via: 'sendMail' });
	expect(message.message.toRecipients).toEqual([{ emailAddress: { address: recipient } }]);
	expect(message.message.subject).toBe('n8n: Microsoft Graph Client Credentials test message');
	expect(message.message.body.content).toContain(`the app can send mail as ${w.t.sender}.`);
	// n8n's editor shows a fixed success banner, so the message carries what the credential test
	// verified.
	expect(message.message.body.content).toContain(
		`mailbox ${w.t.sender} can send (probe only, nothing delivered)`,
	);
	expect(message.message.body.content).toContain(
		'application permissions: Mail.Send, Mail.ReadWrite',
	);
	expect(report.testMessage).toEqual({ recipient, requestId: message.requestId });
	expect(report.summary).toContain(
		`; test message sent to ${recipient} (request-id ${message.requestId}).`,
	);

	// Save (or Retry) in the credential dialog: one more message, not two (the diagnosis runs once
	// per credential test).
	expect(await testCredential(w.t.credentials({ testRecipient: recipient }) as never)).toEqual(OK);
	expect(w.sim.outbox).toHaveLength(2);
	// 2 probes (refused, no recipients) + 2 test messages.
	expect(w.sim.counters.sendMailCalls).toBe(4);
});

test('mailbox given as its object ID', async () => {
	const report = await runCredentialTest(w.t.credentials({ senderMailbox: w.t.senderId }));
	expect(report.summary).toContain(`mailbox ${w.t.senderId} can send`);
	expect(w.sim.requests.find((r) => r.kind === 'graph')?.mailbox).toBe(w.t.sender);
	expect(await testCredential(w.t.credentials({ senderMailbox: w.t.senderId }) as never)).toEqual(
		OK,
	);
	expect(w.sim.outbox).toEqual([]);
});

test('tenant given as a verified domain: the summary shows the tenant ID from the token', async () => {
	const report = await runCredentialTest(w.t.credentials({ tenantId: w.t.domain.toUpperCase() }));
	expect(report.summary).toContain(`Verified: Tenant ${w.t.tenantId} (Custom cloud)`);
	expect(await testCredential(w.t.credentials({ tenantId: w.t.domain }) as never)).toEqual(OK);
});

test('without a Default Sender Mailbox: sign-in and permissions only, no mailbox touched', async () => {
	const report = await runCredentialTest(w.t.credentials({ senderMailbox: '' }));
	expect(report.summary).toBe(
		`Verified: Tenant ${w.t.tenantId} (Custom cloud); app "n8n mail sender" ${w.t.clientId} signed in with a client secret; application permissions: Mail.Send, Mail.ReadWrite.`,
	);
	expect(report.mailboxProbe).toBeUndefined();
	expect(w.sim.requests.map((r) => r.kind)).toEqual(['token']);
	expect(await testCredential(w.t.credentials({ senderMailbox: '' }) as never)).toEqual(OK);
});

test.each([
	['its UPN', () => w.t.sender],
	['its object ID and others', () => `boss@contoso.com, ${w.t.senderId}`],
	['its domain', () => `*@${w.t.domain}`],
])('Allowed Senders listing the default sender by %s', async (_name, rules) => {
	// An object ID only matches when the default sender is given as that object ID.
	const senderMailbox = rules().includes(w.t.senderId) ? w.t.senderId : w.t.sender;
	expect(
		await testCredential(w.t.credentials({ allowedSenders: rules(), senderMailbox }) as never),
	).toEqual(OK);
});

test('apps scoped by an access policy or RBAC for Applications pass for a mailbox inside their scope', async () => {
	for (const app of [w.apps.policy, w.apps.rbac]) {
		const report = await runCredentialTest(appCredentials(w, app, { senderMailbox: w.t.other }));
		expect(report.summary).toContain(`mailbox ${w.t.other} can send`);
		// Mail.Send only: reading is a finding for the Mail Trigger, and the test still passes.
		expect(report.readProbe).toMatchObject({ ok: false, reason: 'mailboxNotReadable' });
		expect(report.summary).toContain(`the app cannot read ${w.t.other}`);
		expect(
			await testCredential(appCredentials(w, app, { senderMailbox: w.t.other }) as never),
		).toEqual(OK);
	}
	expect(w.sim.outbox).toEqual([]);
});
