import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomUUID } from 'node:crypto';

import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import { appCredentials } from '../harness/credentialWorld';
import { testCredential } from '../harness/credentialTest';
import { runSendMail } from '../harness/engine';
import { useCredentialWorld } from '../harness/world';

/**
 * Tokens and caches: the credential test never answers from a cache, so a wrong or revoked secret
 * fails at once even while the node holds a valid cached token for the same app; and node runs
 * never mix tokens between credentials.
 */
const w = useCredentialWorld({ resetEachTest: true });

const message = (subject: string) => ({
	toRecipients: 'bob@example.com',
	subject,
	bodyContent: 'x',
});
const send = (credentials: Record<string, unknown>, subject: string, sender?: string) =>
	runSendMail({
		credentials: credentials as never,
		items: [{ json: {} }],
		parameters: { ...message(subject), ...(sender ? { sender } : {}) },
	});
const reasonOf = (promise: Promise<unknown>) =>
	promise.then(
		() => 'passed',
		(e: unknown) => (e instanceof CredentialTestFailure ? e.reason : String(e)),
	);

test('same app, right secret cached by a node run, then a wrong secret: the credential test fails', async () => {
	expect((await send(w.t.credentials(), 'warm the cache')).items[0].json.status).toBe('sent');
	expect(w.sim.counters.tokenRequests).toBe(1);

	const wrong = w.t.credentials({ clientSecret: w.wrongSecret });
	expect(await reasonOf(runCredentialTest(wrong))).toBe('wrongSecret');
	const shown = await testCredential(wrong as never);
	expect(shown.status).toBe('Error');
	expect(shown.message).toContain('AADSTS7000215');
	// Both Tests asked Microsoft (fresh), and the node with the wrong secret fails too instead of
	// reusing the cached token.
	expect(w.sim.counters.tokenRequests).toBe(3);
	const wrongRun = await send(wrong, 'must not be sent');
	expect(wrongRun.errorMessage).toContain('AADSTS7000215');
	expect(w.sim.outbox.map((m) => m.message.subject)).toEqual(['warm the cache']);

	// The right secret's cached token is untouched.
	expect((await send(w.t.credentials(), 'still cached')).items[0].json.status).toBe('sent');
	expect(w.sim.counters.tokenRequests).toBe(4);
});

test('a secret revoked in Entra fails the credential test at once, though the node still holds a token for it', async () => {
	const secret = `SENTINEL~revoked~${randomUUID()}`;
	const app = { clientId: randomUUID(), secret };
	w.sim.addApp({
		tenantId: w.t.tenantId,
		clientId: app.clientId,
		secrets: [{ id: randomUUID(), value: secret }],
		permissions: ['Mail.Send'],
	});
	const credentials = appCredentials(w, app);

	expect((await send(credentials, 'before revocation')).items[0].json.status).toBe('sent');
	expect(await testCredential(credentials as never)).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
	w.sim.updateApp(app.clientId, { secrets: [] });

	const before = w.sim.counters.tokenRequests;
	expect(await reasonOf(runCredentialTest(credentials))).toBe('wrongSecret');
	expect((await testCredential(credentials as never)).message).toContain(
		`The Client Secret is wrong for app ${app.clientId}`,
	);
	expect(w.sim.counters.tokenRequests).toBe(before + 2);
	// msal-node's cache keeps serving the token issued before the revocation until it expires
	// (https://learn.microsoft.com/entra/msal/javascript/node/caching).
	expect((await send(credentials, 'from the cache')).items[0].json.status).toBe('sent');
	expect(w.sim.counters.tokenRequests).toBe(before + 2);
});

test('every credential test signs in anew and leaves the node cache alone', async () => {
	await runCredentialTest(w.t.credentials());
	await runCredentialTest(w.t.credentials());
	expect(await testCredential(w.t.credentials() as never)).toEqual({
		status: 'OK',
		message: 'Connection successful!',
	});
	expect(w.sim.counters.tokenRequests).toBe(3);
	await send(w.t.credentials(), 'node gets its own token');
	await send(w.t.credentials(), 'and reuses it');
	expect(w.sim.counters.tokenRequests).toBe(4);
});

test("two credentials (two apps) in concurrent runs never use each other's token", async () => {
	// App A may send as any mailbox; app B (RBAC-scoped) only as `other`. If B ever got A's token,
	// B's send from `sender` would succeed; if A got B's, A's send from `sender` would fail.
	const a = w.t.credentials();
	const b = appCredentials(w, w.apps.rbac);
	const runs = await Promise.all([
		send(a, 'A1', w.t.sender),
		send(b, 'B1', w.t.sender),
		send(a, 'A2', w.t.other),
		send(b, 'B2', w.t.other),
		send(a, 'A3', w.t.sender),
		send(b, 'B3', w.t.sender),
	]);
	const outcome = runs.map((r) => (r.errorMessage ? 'refused' : r.items[0].json.status));
	expect(outcome).toEqual(['sent', 'refused', 'sent', 'sent', 'sent', 'refused']);
	expect(runs[1].errorMessage).toContain(`Access denied for mailbox ${w.t.sender}`);

	const byClient = Object.fromEntries(w.sim.outbox.map((m) => [m.message.subject, m.clientId]));
	expect(byClient).toEqual({
		A1: w.t.clientId,
		A2: w.t.clientId,
		A3: w.t.clientId,
		B2: w.apps.rbac.clientId,
	});
	// One token per credential for all its runs, each used only with its own app. B's refusal (403)
	// asks once for a fresh token (consent may have been granted since), at most once every 10 s per
	// credential.
	expect(w.sim.counters.tokenRequestsByClient).toEqual({
		[w.t.clientId]: 1,
		[w.apps.rbac.clientId]: 2,
	});
	const graphCalls = w.sim.requests.filter((r) => r.kind === 'graph');
	// Each refused B send is repeated only when a different token came back: once or twice in all.
	expect(graphCalls.length).toBeGreaterThanOrEqual(7);
	expect(graphCalls.length).toBeLessThanOrEqual(8);
	expect(new Set(graphCalls.map((r) => r.clientId))).toEqual(
		new Set([w.t.clientId, w.apps.rbac.clientId]),
	);
});

test('same app, two valid secrets (rotation overlap): two cache entries; revoking one fails only its credential test', async () => {
	const app = {
		clientId: randomUUID(),
		old: `SENTINEL~old~${randomUUID()}`,
		next: `SENTINEL~next~${randomUUID()}`,
	};
	w.sim.addApp({
		tenantId: w.t.tenantId,
		clientId: app.clientId,
		secrets: [
			{ id: randomUUID(), value: app.old },
			{ id: randomUUID(), value: app.next },
		],
		permissions: ['Mail.Send'],
	});
	const oldCred = appCredentials(w, { clientId: app.clientId, secret: app.old });
	const nextCred = appCredentials(w, { clientId: app.clientId, secret: app.next });
	await Promise.all([send(oldCred, 'old'), send(nextCred, 'next')]);
	expect(w.sim.outbox).toHaveLength(2);
	expect(w.sim.counters.tokenRequestsByClient[app.clientId]).toBe(2);

	w.sim.updateApp(app.clientId, { secrets: [{ id: randomUUID(), value: app.next }] });
	expect(await reasonOf(runCredentialTest(oldCred))).toBe('wrongSecret');
	expect(await reasonOf(runCredentialTest(nextCred))).toBe('passed');
});
