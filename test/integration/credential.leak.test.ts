import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import {
	FAILURE_CASES,
	runFailureCase,
	secretsOf,
	type CaseOutcome,
	type FailureCase,
} from '../harness/credentialCases';
import { appCredentials, certCredentials, type CredentialWorld } from '../harness/credentialWorld';
import { testCredential } from '../harness/credentialTest';
import { runSendMail } from '../harness/engine';
import { findLeaks, OutputCapture, safeJson } from '../harness/leaks';
import { useCredentialWorld } from '../harness/world';

/**
 * Safety: the whole suite's failure cases run with sentinel secrets, and every output is searched
 * for them. Every case of the catalogue (test/harness/credentialCases.ts) runs through
 * runCredentialTest, n8n's credential test and two Send Mail runs; then the successful paths run
 * too. Searched: every message, error (as JSON, with stack), node output item and run data, and
 * everything written to stdout/stderr, the console and n8n's logger. Searched for: every client
 * secret and Secret ID, passphrase, private-key line (encrypted and decrypted forms), a password
 * put into a host URL, every access token the simulators issued, and any JWT at all.
 */
const a = useCredentialWorld();
const b = useCredentialWorld();

test("the whole suite's failure cases and the successful paths leak no secret, key, passphrase or token", async () => {
	const outcomes: { c: FailureCase; o: CaseOutcome; world: CredentialWorld }[] = [];
	const slow = FAILURE_CASES.filter((c) => c.timeoutMs);
	const slowRuns = Promise.all(
		slow.map(async (c) => outcomes.push({ c, o: await runFailureCase(b, c), world: b })),
	);
	for (const c of FAILURE_CASES.filter((x) => !x.timeoutMs))
		outcomes.push({ c, o: await runFailureCase(a, c), world: a });
	await slowRuns;
	expect(outcomes).toHaveLength(FAILURE_CASES.length);

	// Every case really failed the way it is meant to (otherwise this sweep would search the wrong
	// output).
	for (const { c, o } of outcomes) {
		expect({
			id: c.id,
			reason: o.failure instanceof CredentialTestFailure ? o.failure.reason : safeJson(o.failure),
		}).toEqual({ id: c.id, reason: c.reason });
	}

	// The successful paths, on world a: Tests with a test message, certificate with passphrase, node
	// runs.
	a.reset();
	const capture = new OutputCapture().start();
	const success: { where: string; text: string }[] = [];
	try {
		const credentialSets = {
			secret: a.t.credentials({ testRecipient: `admin@${a.t.domain}` }),
			certificate: certCredentials(a, a.certs.encrypted, { testRecipient: `admin@${a.t.domain}` }),
			scoped: appCredentials(a, a.apps.rbac, { senderMailbox: a.t.other }),
		};
		for (const [name, credentials] of Object.entries(credentialSets)) {
			const report = await runCredentialTest(credentials);
			success.push(
				{ where: `${name}: report summary`, text: report.summary },
				{ where: `${name}: test message`, text: safeJson(report.testMessage) },
			);
			success.push({
				where: `${name}: n8n credential test`,
				text: safeJson(await testCredential(credentials as never)),
			});
			const run = await runSendMail({
				credentials: credentials as never,
				items: [{ json: {} }, { json: {} }],
				parameters: { toRecipients: 'bob@example.com', subject: name, bodyContent: 'x' },
			});
			expect(run.items.map((i) => i.json.status)).toEqual(['sent', 'sent']);
			success.push(
				{ where: `${name}: node items`, text: safeJson(run.items) },
				{ where: `${name}: node run`, text: safeJson(run.run) },
			);
		}
		expect(a.sim.outbox).toHaveLength(2 * 2 + 3 * 2);
	} finally {
		capture.stop();
	}

	const outputs = [
		...outcomes.flatMap(({ c, o }) =>
			o.outputs.map((out) => ({ where: `${c.id} › ${out.where}`, text: out.text })),
		),
		...success,
		...capture.chunks.map((out) => ({ where: `successful paths › ${out.where}`, text: out.text })),
	];
	// The search is only meaningful if the outputs and the tokens are really there.
	expect(a.issuedTokens.length).toBeGreaterThan(30);
	expect(outputs.some((o) => o.where.includes('n8n logger'))).toBe(true);
	expect(
		outputs.some(
			(o) => o.where.includes('node run (continue): items') && o.text.includes('"error"'),
		),
	).toBe(true);

	const sentinels = [...secretsOf(a), ...secretsOf(b)];
	// The same search must see a secret planted the ways a leak would show it (raw, URL-encoded,
	// upper-cased JSON, a bearer token); otherwise the empty result below would prove nothing.
	const jwt = 'eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ4eHh4eHh4In0.c2lnbmF0dXJl';
	const planted = [
		a.t.secret,
		encodeURIComponent(a.t.secret),
		JSON.stringify(a.t.secret.toUpperCase()),
	];
	for (const text of [...planted, `Bearer ${jwt}`])
		expect(findLeaks([{ where: 'planted', text: `before ${text} after` }], sentinels)).not.toEqual(
			[],
		);

	const leaks = findLeaks(outputs, sentinels);
	expect(leaks).toEqual([]);

	if (process.env.WRITE_CREDENTIAL_MESSAGES) {
		const dir = join(__dirname, '..', '..', 'test-artifacts');
		mkdirSync(dir, { recursive: true });
		const rows = outcomes.map(({ c, o, world }) => ({
			id: c.id,
			group: c.group,
			title: c.title,
			reason: c.reason,
			test: (o.failure as Error).message,
			n8n: o.n8n.message,
			node: o.node.errorMessage ?? null,
			world: world === a ? 'a' : 'b',
		}));
		writeFileSync(join(dir, 'credential-messages.json'), JSON.stringify(rows, null, 2));
	}
}, 180_000);
