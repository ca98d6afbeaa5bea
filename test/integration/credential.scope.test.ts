import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import { testCredential } from '../harness/credentialTest';
import { credentialsOf } from '../harness/credentialsOf';
import { addApps, sentinelApps } from '../harness/apps';
import { useTenant } from '../harness/world';

/**
 * The credential's "Mailbox Outside the App's Scope". After the sender probe passed, the same
 * no-recipient probe against a mailbox the app must not reach passes only when Exchange refuses it
 * (403 ErrorAccessDenied from RBAC for Applications or an application access policy, modelled by
 * the simulator's restrictApp).
 */
const apps = sentinelApps('open', 'rbac', 'policy');
const t = useTenant({
	setup: (tenant) => {
		addApps(tenant, apps);
		tenant.sim.restrictApp({
			clientId: apps.rbac.clientId,
			kind: 'rbac',
			allowedMailboxes: [tenant.sender],
		});
		tenant.sim.restrictApp({
			clientId: apps.policy.clientId,
			kind: 'applicationAccessPolicy',
			allowedMailboxes: [tenant.sender],
		});
	},
});

const credentialsFor = (app: keyof typeof apps, overrides: Record<string, unknown> = {}) =>
	credentialsOf(t, {
		clientId: apps[app].clientId,
		clientSecret: apps[app].secret,
		scopeCheckMailbox: t.other,
		...overrides,
	});

async function failureOf(data: Record<string, unknown>): Promise<CredentialTestFailure> {
	const outcome = await runCredentialTest(data).then(
		() => undefined,
		(error: unknown) => error,
	);
	expect(outcome).toBeInstanceOf(CredentialTestFailure);
	return outcome as CredentialTestFailure;
}

const graphCalls = () =>
	t.sim.requests.filter((r) => r.kind === 'graph').map((r) => [r.mailbox, r.status, r.errorCode]);

test.each(['rbac', 'policy'] as const)(
	'passes when Exchange refuses the outside mailbox (%s scoping), says so, delivers nothing',
	async (app) => {
		const report = await runCredentialTest(credentialsFor(app));
		expect(report.scopeProbe).toMatchObject({ check: 'scopeProbe', ok: true });
		expect(report.summary).toContain(
			`Exchange refuses ${t.other} to the app (403 ErrorAccessDenied): the scoping is in effect`,
		);
		expect(graphCalls()).toEqual([
			[t.sender, 400, 'ErrorInvalidRecipients'],
			[t.other, 403, 'ErrorAccessDenied'],
			// The read probe (Mail.Read, for the Mail Trigger): these apps may only send.
			[t.sender, 403, 'ErrorAccessDenied'],
		]);
		expect(t.sim.outbox).toEqual([]);
		expect(await testCredential(credentialsFor(app))).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
	},
);

test('fails, with the fix and the waiting time, when the app can still send as the outside mailbox', async () => {
	const failure = await failureOf(credentialsFor('open'));
	expect(failure.reason).toBe('scopeNotInEffect');
	expect(failure.message).toContain(
		`RBAC for Applications / the application access policy is not in effect for ${t.other}`,
	);
	expect(failure.message).toContain('30 minutes to 2 hours');
	expect(failure.message).toContain('Retry');
	expect(failure.message).not.toContain(apps.open.secret);
	expect(t.sim.outbox).toEqual([]);
	// n8n's dialog shows the same words.
	const shown = await testCredential(credentialsFor('open'));
	expect(shown).toEqual({ status: 'Error', message: failure.message });
});

test('the Test Recipient message is not sent when the scope check fails', async () => {
	const failure = await failureOf(credentialsFor('open', { testRecipient: `admin@${t.domain}` }));
	expect(failure.reason).toBe('scopeNotInEffect');
	expect(t.sim.outbox).toEqual([]);
});

test('an outside mailbox that does not exist proves nothing: the test says so', async () => {
	const failure = await failureOf(
		credentialsFor('rbac', { scopeCheckMailbox: `nobody@${t.domain}` }),
	);
	expect(failure.reason).toBe('scopeUnproven');
	expect(failure.message).toContain(`nobody@${t.domain}`);
	expect(failure.message).toContain('ErrorInvalidUser');
});

test('needs a Default Sender Mailbox, and refuses the sender itself, before any request', async () => {
	const noSender = await failureOf(credentialsFor('rbac', { senderMailbox: '' }));
	expect(noSender.reason).toBe('invalid:senderMailbox');
	expect(noSender.message).toContain("Mailbox Outside the App's Scope needs a Default Sender");
	const same = await failureOf(
		credentialsFor('rbac', { scopeCheckMailbox: t.sender.toUpperCase() }),
	);
	expect(same.reason).toBe('invalid:scopeCheckMailbox');
	const bad = await failureOf(credentialsFor('rbac', { scopeCheckMailbox: 'not a mailbox' }));
	expect(bad.reason).toBe('invalid:scopeCheckMailbox');
	expect(t.sim.requests).toEqual([]);
});
