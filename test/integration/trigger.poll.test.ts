import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { rmSync } from 'node:fs';

import type { INodeParameters } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { mailboxKeyOf } from '../../nodes/shared/transport/mailboxGate';
import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail } from '../harness/engine';
import { MailTriggerWorkflow } from '../harness/pollEngine';
import { useTenant } from '../harness/world';
import { threadOf } from '../simulator';

/**
 * The Office 365 Mail Trigger inside n8n-core's ActiveWorkflows (activation, scheduled polls, Fetch
 * Test Event) against the simulator's delta query: each message once, across changes after arrival
 * and restarts.
 */
const t = useTenant();
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));

function trigger(parameters: INodeParameters = {}, credentials: Record<string, unknown> = {}) {
	return new MailTriggerWorkflow(() => credentialsOf(t, credentials), parameters);
}

function deliver(subject: string, extra: Record<string, unknown> = {}) {
	return t.sim.deliverMessage({
		mailbox: t.sender,
		from: { address: 'ann@partner.example', name: 'Ann Partner' },
		to: [{ address: t.sender }],
		subject,
		body: { contentType: 'text', content: `Body of ${subject}` },
		...extra,
	});
}

const subjects = (items: { json: { subject?: unknown } }[] | null) =>
	(items ?? []).map((i) => i.json.subject);
const graphCalls = () => t.sim.requests.filter((r) => r.path.startsWith('/v1.0/'));

describe('Office 365 Mail Trigger', () => {
	it('starts from now, emits each new message once (not again when read, flagged or moved back) and resumes after a restart', async () => {
		deliver('older mail', { receivedDateTime: new Date(Date.now() - 60_000).toISOString() });
		const wf = trigger();
		const activation = await wf.activate();
		expect(activation.error).toBeUndefined();
		expect(activation.items).toBeNull();

		const first = deliver('first question');
		deliver('second question');
		const polled = await wf.tick();
		expect(subjects(polled.items)).toEqual(['first question', 'second question']);
		expect(polled.items![0].json).toMatchObject({
			id: first,
			from: { name: 'Ann Partner', address: 'ann@partner.example' },
			toRecipients: [{ address: t.sender }],
			body: { contentType: 'text', content: 'Body of first question' },
			hasAttachments: false,
			attachments: [],
			mailbox: t.sender,
		});
		expect(polled.items![0].json.internetMessageId).toMatch(/^<.+@partner\.example>$/);

		// Changes after arrival come back from Graph's delta query; none of them is new mail.
		t.sim.changeMessage(first, { isRead: true });
		t.sim.changeMessage(first, { flagStatus: 'flagged' });
		t.sim.changeMessage(first, { folder: 'archive' });
		t.sim.changeMessage(first, { folder: 'inbox' });
		expect((await wf.tick()).items).toBeNull();
		const deltaRequests = graphCalls().filter((r) => r.path.endsWith('/messages/delta'));
		expect(deltaRequests.length).toBeGreaterThanOrEqual(3);

		// A new n8n process with the static data as saved: only the third message, from the saved delta
		// link.
		const before = wf.savedSync!;
		expect(before.deltaLink).toContain('$deltatoken=');
		wf.restart();
		deliver('third question');
		expect(subjects((await wf.activate()).items)).toEqual(['third question']);
		expect(wf.savedSync).toMatchObject({ horizon: before.horizon });
		// A poll without new mail costs one Graph request (the delta link).
		const requestsBefore = graphCalls().length;
		expect((await wf.tick()).items).toBeNull();
		expect(graphCalls().length - requestsBefore).toBe(1);

		// The emitted id works for Reply, in the thread.
		const reply = await runSendMail({
			credentials: credentialsOf(t),
			items: [{ json: {} }],
			parameters: {
				operation: 'reply',
				messageId: String(polled.items![1].json.id),
				bodyContent: 'Thanks',
				bodyContentType: 'text',
			},
		});
		expect(reply.status).toBe('success');
		const sent = t.sim.outbox.at(-1)!;
		expect(threadOf(sent.message).inReplyTo).toBe(polled.items![1].json.internetMessageId);
	});

	it("spreads a burst over polls by Max Messages per Poll through Graph's pages, none twice", async () => {
		const wf = trigger({ options: { maxMessagesPerPoll: 10 } });
		await wf.activate();
		for (let i = 1; i <= 25; i++) deliver(`burst ${i}`);
		const seen: unknown[] = [];
		for (const expected of [10, 10, 5]) {
			const { items } = await wf.tick();
			expect(items).toHaveLength(expected);
			seen.push(...subjects(items));
			// Unfinished rounds go on from Graph's nextLink in the next poll.
			const link = wf.savedSync?.nextLink;
			if (expected === 10) expect(link).toContain('$skiptoken=');
			else expect(link).toBeUndefined();
		}
		expect((await wf.tick()).items).toBeNull();
		expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `burst ${i + 1}`));
	});

	it('emits the folder backlog with Include Existing, and only messages that pass the filters', async () => {
		deliver('old invoice', { receivedDateTime: '2024-01-01T00:00:00Z' });
		deliver('old note', { receivedDateTime: '2024-01-02T00:00:00Z' });
		const all = trigger({ options: { includeExisting: true } });
		expect(subjects((await all.activate()).items)).toEqual(['old invoice', 'old note']);

		const filtered = trigger({
			options: {
				from: '*@partner.example, boss@contoso.com',
				subjectContains: 'INVOICE',
				unreadOnly: true,
			},
		});
		await filtered.activate();
		deliver('Invoice 7');
		deliver('Invoice 8 (already read)', { isRead: true });
		deliver('Invoice 9', { from: { address: 'spam@elsewhere.example' } });
		deliver('Invoice 10', { from: { address: 'BOSS@contoso.com' } });
		deliver('lunch');
		expect(subjects((await filtered.tick()).items)).toEqual(['Invoice 7', 'Invoice 10']);
	});

	it('adds attachments as binary up to Max Attachment Size, headers on request, and marks messages as read', async () => {
		const wf = trigger({
			options: {
				downloadAttachments: true,
				maxAttachmentSizeMb: 0.001,
				includeHeaders: true,
				markAsRead: true,
				hasAttachments: true,
			},
		});
		await wf.activate();
		const small = Buffer.from('small file');
		const id = deliver('files', {
			headers: [{ name: 'X-Ticket', value: '42' }],
			attachments: [
				{ name: 'a.txt', contentType: 'text/plain', base64: small.toString('base64') },
				{ name: 'big.bin', base64: Buffer.alloc(2000, 1).toString('base64') },
			],
		});
		deliver('no files');
		const { items } = await wf.tick();
		expect(items).toHaveLength(1);
		const item = items![0];
		expect(item.json).toMatchObject({
			hasAttachments: true,
			markedAsRead: true,
			internetMessageHeaders: [{ name: 'X-Ticket', value: '42' }],
			attachments: [
				{
					name: 'a.txt',
					size: small.length,
					contentType: 'text/plain',
					binaryProperty: 'attachment_0',
				},
				{ name: 'big.bin', size: 2000, skipped: expect.stringContaining('Max Attachment Size') },
			],
		});
		expect(item.binary?.attachment_0).toMatchObject({ fileName: 'a.txt', mimeType: 'text/plain' });
		expect(t.sim.state.mailStore.messages.get(id)?.isRead).toBe(true);
		// Marking as read is a change Graph reports again: not emitted again.
		expect((await wf.tick()).items).toBeNull();
	});

	it('Fetch Test Event returns the newest message and leaves the saved state alone', async () => {
		deliver('older', { receivedDateTime: '2025-01-01T00:00:00Z' });
		deliver('newest', { receivedDateTime: '2025-06-01T00:00:00Z' });
		const wf = trigger();
		const test = await wf.fetchTestEvent();
		expect(subjects(test.items)).toEqual(['newest']);
		expect(wf.saved).toEqual({});
		expect(graphCalls().some((r) => r.path.endsWith('/delta'))).toBe(false);
	});

	it('starts a new round from the horizon when Graph drops the sync state (410): nothing lost, nothing twice', async () => {
		const wf = trigger();
		await wf.activate();
		deliver('before expiry');
		expect(subjects((await wf.tick()).items)).toEqual(['before expiry']);
		t.sim.expireDeltaTokens();
		deliver('after expiry');
		expect(subjects((await wf.tick()).items)).toEqual(['after expiry']);
		expect(graphCalls().some((r) => r.status === 410)).toBe(true);
	});

	it('refuses bad input before any request, naming the field, and names Mail.Read when Graph refuses', async () => {
		const cases: [INodeParameters, Record<string, unknown>, RegExp][] = [
			[{ mailbox: 'not a mailbox' }, {}, /^Mailbox: "not a mailbox" is not a mailbox/],
			[{ folder: '../me/messages' }, {}, /^Folder: .* neither a well-known folder name/],
			[{ options: { from: 'nobody' } }, {}, /^From: "nobody" is not an address/],
			[
				{ options: { maxMessagesPerPoll: 0 } },
				{},
				/^Max Messages per Poll: Must be a number from 1 to 1000/,
			],
			[
				{},
				{ allowedSenders: 'alerts@contoso.com' },
				/^Mailbox: .* not among the credential's Allowed Senders/,
			],
			[
				{ mailbox: '' },
				{ senderMailbox: '' },
				/^Mailbox: Is empty and the credential has no Default Sender Mailbox/,
			],
		];
		for (const [parameters, credentials, message] of cases) {
			const result = await trigger(parameters, credentials).tick();
			expect(result.error?.message).toMatch(message);
		}
		expect(graphCalls()).toHaveLength(0);

		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] });
		clearTokenCache();
		try {
			const refused = await trigger().activate();
			expect(refused.error?.message).toMatch(/Mail\.Read application permission/);
			expect(refused.error?.message).toMatch(/ErrorAccessDenied/);
			expect(JSON.stringify(refused.error)).not.toContain(t.secret);
		} finally {
			t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
			clearTokenCache();
		}
	});
	it("follows links on Graph's origin only, and shares the per-mailbox gate key with the sending node", async () => {
		const wf = trigger();
		t.sim.injectFault({
			match: { kind: 'graph', path: /messages\/delta$/ },
			times: 1,
			action: 'respond',
			status: 200,
			body: {
				value: [],
				'@odata.nextLink': 'https://evil.example/v1.0/users/x/mailFolders/inbox/messages/delta',
			},
		});
		const result = await wf.activate();
		expect(result.error?.message).toMatch(
			/link to another host \(evil\.example\); it was not followed/,
		);
		expect(graphCalls()).toHaveLength(1);

		// Same key, same gate (processMailboxGate): the trigger's reads count against the mailbox's 4
		// slots.
		const graph = t.sim.graphEndpoint;
		const read = `${graph}/v1.0/users/${encodeURIComponent(t.sender)}/mailFolders/inbox/messages/delta`;
		const send = `${graph}/v1.0/users/${encodeURIComponent(t.sender)}/sendMail`;
		expect(mailboxKeyOf(read, 'tenant/app')).toBe(mailboxKeyOf(send, 'tenant/app'));
	});
});
