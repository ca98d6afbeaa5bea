import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { runCredentialTest } from '../../nodes/shared/diagnostics/credentialTest';
import { casesOf, expectCaseOutcome, runFailureCase } from '../harness/credentialCases';
import {
	certCredentials,
	type CertFixture,
	type CredentialWorld,
} from '../harness/credentialWorld';
import { testCredential } from '../harness/credentialTest';
import { runSendMail } from '../harness/engine';
import { findLeaks, OutputCapture, safeJson } from '../harness/leaks';
import { useCredentialWorld } from '../harness/world';

/**
 * Certificate credentials (certificate not uploaded / wrong key / bad passphrase / malformed PEM).
 * Certificates come from the simulator's makeTestCertificate and are uploaded to the app
 * ("certificates: [{pem}]").
 */
const w = useCredentialWorld();

describe('certificate failures', () => {
	test.each(casesOf('certificate').map((c) => [c.id, c] as const))('%s', async (_id, c) => {
		expectCaseOutcome(w, c, await runFailureCase(w, c));
	});
});

/** PEM as it arrives after a single-line field or a JSON string. */
const flatten = {
	spaces: (pem: string) => pem.trim().replace(/\n/g, ' '),
	literalBackslashN: (pem: string) => pem.trim().replace(/\n/g, '\\n'),
	crlf: (pem: string) => pem.replace(/\n/g, '\r\n'),
	unwrapped: (pem: string) => {
		const lines = pem.trim().split('\n');
		return `${lines[0]}\n${lines.slice(1, -1).join('')}\n${lines[lines.length - 1]}`;
	},
};

type Variant = {
	name: string;
	cert: (w: CredentialWorld) => CertFixture;
	overrides?: (w: CredentialWorld, c: CertFixture) => Record<string, unknown>;
};

const VARIANTS: Variant[] = [
	{ name: 'unencrypted PKCS#8 key', cert: (w) => w.certs.plain },
	{ name: 'encrypted PKCS#8 key with its passphrase', cert: (w) => w.certs.encrypted },
	{
		name: 'encrypted PKCS#1 key ("Proc-Type: 4,ENCRYPTED") with its passphrase',
		cert: (w) => w.certs.encrypted,
		overrides: (w) => ({ privateKey: w.certs.encryptedPkcs1KeyPem }),
	},
	...(Object.keys(flatten) as (keyof typeof flatten)[]).flatMap((how): Variant[] => [
		{
			name: `certificate and key flattened (${how})`,
			cert: (w) => w.certs.plain,
			overrides: (_w, c) => ({
				certificate: flatten[how](c.certPem),
				privateKey: flatten[how](c.keyPem),
			}),
		},
		{
			name: `encrypted key flattened (${how})`,
			cert: (w) => w.certs.encrypted,
			overrides: (_w, c) => ({
				certificate: flatten[how](c.certPem),
				privateKey: flatten[how](c.keyPem),
			}),
		},
	]),
	{
		name: 'encrypted PKCS#1 key flattened (literal \\n), headers kept',
		cert: (w) => w.certs.encrypted,
		overrides: (w) => ({ privateKey: flatten.literalBackslashN(w.certs.encryptedPkcs1KeyPem) }),
	},
	{
		name: 'encrypted PKCS#1 key flattened (spaces), headers on the same line',
		cert: (w) => w.certs.encrypted,
		overrides: (w) => ({ privateKey: flatten.spaces(w.certs.encryptedPkcs1KeyPem) }),
	},
	{
		name: 'PEM blocks with text around them (openssl "Bag Attributes" lines)',
		cert: (w) => w.certs.plain,
		overrides: (_w, c) => ({
			certificate: `Bag Attributes\n${c.certPem}\n`,
			privateKey: `subject=CN=x\n${c.keyPem}trailing`,
		}),
	},
];

describe('certificate sign-in works', () => {
	test.each(VARIANTS.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
		w.reset();
		const cert = v.cert(w);
		const credentials = certCredentials(w, cert, v.overrides?.(w, cert));
		const capture = new OutputCapture().start();
		try {
			const report = await runCredentialTest(credentials);
			expect(report.summary).toContain(
				`signed in with a certificate (SHA-256 thumbprint ${cert.thumbprintSha256Hex})`,
			);
			expect(report.summary).toContain(`application permissions: Mail.Send`);
			expect(report.summary).toContain(
				`mailbox ${w.t.sender} can send (probe only, nothing delivered)`,
			);
			expect(await testCredential(credentials as never)).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			const sent = await runSendMail({
				credentials: credentials as never,
				items: [{ json: {} }],
				parameters: { toRecipients: 'bob@example.com', subject: 'cert', bodyContent: 'x' },
			});
			expect(sent.items[0]?.json.status).toBe('sent');
			capture.stop();
			expect(w.sim.outbox.map((m) => m.clientId)).toEqual([w.apps.cert.clientId]);
			// Two fresh credential test sign-ins and one for the node, all with a certificate assertion.
			expect(w.sim.counters.tokenRequestsByClient[w.apps.cert.clientId]).toBe(3);
			const outputs = [
				{ where: 'report summary', text: report.summary },
				{ where: 'node items', text: safeJson(sent.items) },
				...capture.chunks,
			];
			expect(
				findLeaks(outputs, [
					...w.sentinels,
					...w.issuedTokens.map((value, i) => ({ label: `token ${i}`, value })),
				]),
			).toEqual([]);
		} finally {
			capture.stop();
		}
	});

	test('the wrong key for an uploaded certificate is caught locally, the right one then works', async () => {
		w.reset();
		const wrong = await runCredentialTest(
			certCredentials(w, w.certs.plain, { privateKey: w.certs.encrypted.plainKeyPem }),
		).catch((e: Error & { reason?: string }) => e);
		expect((wrong as { reason?: string }).reason).toBe('invalid:privateKey');
		expect(w.requestCount()).toBe(0);
		await expect(runCredentialTest(certCredentials(w, w.certs.plain))).resolves.toMatchObject({
			mailboxProbe: 'reachable',
		});
	});
});
