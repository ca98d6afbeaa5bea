import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import type { INodeParameters } from 'n8n-workflow';

import { casesOf, expectCaseOutcome, runFailureCase } from '../harness/credentialCases';
import { runSendMail } from '../harness/engine';
import { useCredentialWorld } from '../harness/world';

/**
 * Safety: input validation before any network call (tenant GUID/domain with nothing that can change
 * the URL, client ID GUID, custom hosts https only and origin only, mailbox UPN or GUID), and
 * Allowed Senders refusing other senders before any request. Every case asserts that NO request
 * reached either simulator.
 */
const w = useCredentialWorld();

describe.each(['validation', 'senders'] as const)('%s', (group) => {
	test.each(casesOf(group).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
		const outcome = await runFailureCase(w, c);
		expectCaseOutcome(w, c, outcome);
		expect(outcome.testRequests).toBe(0);
	});
});

describe('Allowed Senders in the node', () => {
	const message = { toRecipients: 'bob@example.com', subject: 'allowed senders', bodyContent: 'x' };
	const send = (allowedSenders: string, sender: string, options: Record<string, unknown> = {}) =>
		runSendMail({
			credentials: w.t.credentials({ allowedSenders, senderMailbox: '' }) as never,
			items: [{ json: {} }],
			parameters: { ...message, sender, options: options as INodeParameters },
		});

	test.each([
		['a listed UPN', () => w.t.sender, () => w.t.sender],
		['a listed UPN, other case', () => w.t.sender.toUpperCase(), () => w.t.sender],
		['a *@domain pattern', () => `*@${w.t.domain}`, () => w.t.sender],
		['a listed object ID', () => w.t.senderId, () => w.t.senderId],
		[
			'one of several entries (commas, new lines)',
			() => `boss@contoso.com,\n*@billing.contoso.com; ${w.t.sender}`,
			() => w.t.sender,
		],
	])('%s is allowed and sends', async (_name, rules, sender) => {
		w.reset();
		const result = await send(rules(), sender());
		expect(result.errorMessage).toBeUndefined();
		expect(result.items[0].json.status).toBe('sent');
		expect(w.sim.outbox).toHaveLength(1);
	});

	test.each([
		['a mailbox not in the list', () => w.t.sender, () => w.t.other],
		['a domain pattern of another domain', () => '*@billing.contoso.com', () => w.t.sender],
		['a subdomain trick', () => `*@${w.t.domain}`, () => `ceo@evil.${w.t.domain}.example`],
		[
			'an object ID when only UPNs are listed (cannot be matched without a lookup)',
			() => `*@${w.t.domain}`,
			() => w.t.senderId,
		],
	])('%s is refused before any request', async (_name, rules, sender) => {
		w.reset();
		const result = await send(rules(), sender());
		expect(result.status).toBe('error');
		expect(result.errorMessage).toContain(
			`Mailbox "${sender()}" is not in the credential's Allowed Senders`,
		);
		expect(w.requestCount()).toBe(0);
	});

	test('a From Address outside Allowed Senders is refused before any request', async () => {
		w.reset();
		const result = await send(w.t.sender, w.t.sender, { fromAddress: 'ceo@contoso.com' });
		expect(result.status).toBe('error');
		expect(result.errorMessage).toContain(
			'"ceo@contoso.com" is not in the credential\'s Allowed Senders',
		);
		expect(w.requestCount()).toBe(0);
	});
});
