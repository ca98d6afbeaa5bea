import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { runCredentialTest } from '../../nodes/shared/diagnostics/credentialTest';
import { casesOf, expectCaseOutcome, runFailureCase } from '../harness/credentialCases';
import { useCredentialWorld } from '../harness/world';

/**
 * After sign-in: missing admin consent and missing Mail.Send read from the token, then the
 * mailbox probe: unknown user, unlicensed or on-premises mailbox (MailboxNotEnabledForRESTAPI),
 * mailbox blocked by an application access policy, mailbox outside an RBAC for Applications scope;
 * plus Graph's other answers. Each case: reason, Microsoft's code, admin words, the credential
 * dialog (Save, Retry) shows the same message, no leak, nothing delivered.
 */
const w = useCredentialWorld();

describe.each(['permissions', 'mailbox', 'graph-answer'] as const)('%s', (group) => {
	test.each(casesOf(group).map((c) => [c.id, c] as const))(
		'%s',
		async (_id, c) => {
			const outcome = await runFailureCase(w, c);
			expectCaseOutcome(w, c, outcome);
			// The node runs came last: whatever they did, the two credential test runs before them
			// delivered nothing.
			expect(outcome.testRequests).toBeGreaterThan(0);
		},
		60_000,
	);
});

test('the probe delivers nothing even when the mailbox is fine, and names the mailbox it checked', async () => {
	w.reset();
	const report = await runCredentialTest(w.t.credentials({ senderMailbox: w.t.other }));
	expect(report.mailboxProbe).toBe('reachable');
	expect(report.summary).toContain(`mailbox ${w.t.other} can send (probe only, nothing delivered)`);
	expect(w.sim.outbox).toEqual([]);
	const probes = w.sim.requests.filter((r) => r.kind === 'graph');
	expect(probes.map((r) => [r.method, r.mailbox, r.status, r.errorCode])).toEqual([
		['POST', w.t.other, 400, 'ErrorInvalidRecipients'],
		// Whether the app can read the mailbox (for the Mail Trigger): a GET, nothing changed.
		['GET', w.t.other, 200, undefined],
	]);
});
