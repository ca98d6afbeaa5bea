import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * The credential's Sender Display Name and Default Reply-To apply when the node's From Name and
 * Reply To are empty; the node's values win. Checked on what the simulator received, and in Dry
 * Run.
 */
const t = useTenant();

const DEFAULTS = {
	senderName: 'Contoso Billing',
	replyTo: 'support@contoso.com; "Doe, John" <john@contoso.com>',
};
const MESSAGE = { toRecipients: 'ada@example.com', subject: 'Invoice', bodyContent: 'Hi' };
const CREDENTIAL_REPLY_TO = [
	{ emailAddress: { address: 'support@contoso.com' } },
	{ emailAddress: { address: 'john@contoso.com', name: 'Doe, John' } },
];

async function send(credential: Record<string, unknown>, parameters: Record<string, unknown>) {
	const result = await runSendMail({
		credentials: credentialsOf(t, credential),
		items: [{ json: {} }],
		parameters: { ...MESSAGE, ...parameters },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox).toHaveLength(1);
	return t.sim.outbox[0].message;
}

test("node fields empty: From gets the credential's display name, Reply-To its addresses", async () => {
	const message = await send(DEFAULTS, {});
	expect(message.from).toEqual({ emailAddress: { address: t.sender, name: 'Contoso Billing' } });
	expect(message.replyTo).toEqual(CREDENTIAL_REPLY_TO);
});

test("the node's From Name and Reply To win over the credential's", async () => {
	const message = await send(DEFAULTS, {
		options: { fromName: 'Billing Robot', replyTo: 'desk@contoso.com' },
	});
	expect(message.from).toEqual({ emailAddress: { address: t.sender, name: 'Billing Robot' } });
	expect(message.replyTo).toEqual([{ emailAddress: { address: 'desk@contoso.com' } }]);
});

test("From Address without a name takes the credential's display name", async () => {
	const message = await send(DEFAULTS, { options: { fromAddress: t.sender } });
	expect(message.from).toEqual({ emailAddress: { address: t.sender, name: 'Contoso Billing' } });
});

test('no defaults in the credential: From and Reply-To stay out, as before', async () => {
	const message = await send({}, {});
	expect(message.from).toBeUndefined();
	expect(message.replyTo).toBeUndefined();
});

test("object-ID sender: the credential's display name is left out, the node's From Name is an error", async () => {
	const message = await send(DEFAULTS, { sender: t.senderId });
	expect(message.from).toBeUndefined();
	expect(message.replyTo).toEqual(CREDENTIAL_REPLY_TO);
	t.sim.reset();
	const refused = await runSendMail({
		credentials: credentialsOf(t, DEFAULTS),
		items: [{ json: {} }],
		parameters: { ...MESSAGE, sender: t.senderId, options: { fromName: 'Billing Robot' } },
	});
	expect(refused.errorMessage).toContain('From Name');
	expect(t.sim.outbox).toEqual([]);
});

test('Dry Run shows the values used', async () => {
	const result = await runSendMail({
		credentials: credentialsOf(t, DEFAULTS),
		items: [{ json: {} }],
		parameters: { ...MESSAGE, options: { dryRun: true } },
	});
	expect(result.errorMessage).toBeUndefined();
	const request = result.items[0].json.request as { body: { message: Record<string, unknown> } };
	expect(request.body.message.from).toEqual({
		emailAddress: { address: t.sender, name: 'Contoso Billing' },
	});
	expect(request.body.message.replyTo).toEqual(CREDENTIAL_REPLY_TO);
	expect(t.sim.outbox).toEqual([]);
});
