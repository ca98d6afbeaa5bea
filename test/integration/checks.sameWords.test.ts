import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { DNS_SERVERS_ENV } from '../../nodes/Office365SendMail/execute/operations/checkSetup/dnsServers';
import { answerTokenOfTenant } from '../harness/credentialCases';
import { testCredential } from '../harness/credentialTest';
import { appCredentials, certCredentials, type CredentialWorld } from '../harness/credentialWorld';
import { runSendMail } from '../harness/engine';
import { useCredentialWorld } from '../harness/world';

/**
 * The credential test (n8n's path: Save and Retry in the credential dialog) and Check Setup run one
 * set of checks with one wording per finding: for the same failure, the dialog's message is the
 * text of Check Setup's finding. That text is the detail followed by the fix, or the detail alone
 * where the detail already says what to do in the Send Mail node's words (sign-in and Graph
 * refusals; the fix then only adds the step after it).
 */
const w = useCredentialWorld({ resetEachTest: true });

// The sender domain's DNS checks are Check Setup's alone: an unusable DNS setting keeps them from
// asking anyone.
beforeAll(() => {
	process.env[DNS_SERVERS_ENV] = 'not-a-dns-server';
});
afterAll(() => {
	delete process.env[DNS_SERVERS_ENV];
});

interface Row {
	title: string;
	check: string;
	/** The detail already holds the fix (words shared with the Send Mail node). */
	fixInDetail: boolean;
	credentials: (w: CredentialWorld) => Record<string, unknown>;
	arrange?: (w: CredentialWorld) => void;
}

const FOREIGN_TENANT = randomUUID();

const ROWS: Row[] = [
	{
		title: 'wrong client secret',
		check: 'signIn',
		fixInDetail: true,
		credentials: (w) => w.t.credentials({ clientSecret: w.wrongSecret }),
	},
	{
		title: 'unknown tenant',
		check: 'signIn',
		fixInDetail: true,
		credentials: (w) => w.t.credentials({ tenantId: w.unknownTenantId }),
	},
	{
		title: 'private key of another certificate (refused before any request)',
		check: 'signIn',
		fixInDetail: true,
		credentials: (w) =>
			certCredentials(w, w.certs.plain, { privateKey: w.certs.foreignKey.keyPem }),
	},
	{
		title: 'token issued for another tenant',
		check: 'signIn',
		fixInDetail: false,
		credentials: (w) => w.t.credentials(),
		arrange: (w) => answerTokenOfTenant(w, FOREIGN_TENANT),
	},
	{
		title: 'Default Sender Mailbox not in Allowed Senders',
		check: 'senderProbe',
		fixInDetail: false,
		credentials: (w) => w.t.credentials({ allowedSenders: '*@billing.contoso.com' }),
	},
	{
		title: 'Default Sender Mailbox does not exist',
		check: 'senderProbe',
		fixInDetail: true,
		credentials: (w) => w.t.credentials({ senderMailbox: `nobody@${w.t.domain}` }),
	},
	{
		title: 'Graph unreachable during the sender probe',
		check: 'senderProbe',
		fixInDetail: false,
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({ match: { kind: 'graph' }, action: 'resetBeforeProcessing' }),
	},
	{
		title: 'Mail.Send missing, the sender probe refused',
		check: 'permissions',
		fixInDetail: false,
		credentials: (w) => appCredentials(w, w.apps.noMailSend),
	},
	{
		title: 'admin consent missing, no sender (read from the token)',
		check: 'permissions',
		fixInDetail: false,
		credentials: (w) => appCredentials(w, w.apps.noConsent, { senderMailbox: '' }),
	},
	{
		title: 'Mail.Send missing, no sender (read from the token)',
		check: 'permissions',
		fixInDetail: false,
		credentials: (w) => appCredentials(w, w.apps.noMailSend, { senderMailbox: '' }),
	},
	{
		title: "the app can still send as the Mailbox Outside the App's Scope",
		check: 'scopeProbe',
		fixInDetail: false,
		credentials: (w) => w.t.credentials({ scopeCheckMailbox: w.t.other }),
	},
	{
		title: "Mailbox Outside the App's Scope without a sender",
		check: 'scopeProbe',
		fixInDetail: false,
		credentials: (w) => w.t.credentials({ senderMailbox: '', scopeCheckMailbox: w.t.other }),
	},
];

type Finding = { check: string; ok: boolean; severity: string; detail: string; fix: string };

test.each(ROWS)('$title: the dialog shows the $check finding of Check Setup', async (row) => {
	const credentials = row.credentials(w) as ICredentialDataDecryptedObject;
	row.arrange?.(w);
	const dialog = await testCredential(credentials);
	w.reset();
	row.arrange?.(w);
	const run = await runSendMail({
		credentials,
		items: [{ json: {} }],
		parameters: { operation: 'checkSetup' },
	});
	expect(run.status).toBe('success');
	const finding = run.items
		.map((i) => i.json as unknown as Finding)
		.find((f) => f.check === row.check);
	expect(finding).toMatchObject({ ok: false, severity: 'error' });
	const text = row.fixInDetail ? finding!.detail : `${finding!.detail} ${finding!.fix}`;
	expect(dialog).toEqual({ status: 'Error', message: text });
	// The same failure is the first failing finding of Check Setup too (the order both paths follow).
	const first = run.items
		.map((i) => i.json as unknown as Finding)
		.find((f) => !f.ok && f.severity === 'error');
	expect(first?.check).toBe(row.check);
	expect(w.sim.outbox).toEqual([]);
});
