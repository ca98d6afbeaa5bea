import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { randomBytes } from 'node:crypto';

import { MARKER_PROPERTY_ID } from '../../nodes/Office365SendMail/delivery/findSent';
import { runSendMail, type TestItem } from '../harness/engine';
import { refuseRecipientsOnce } from '../harness/faults';
import { useTenant } from '../harness/world';

/**
 * internetMessageId is the one recipients see, and internetMessageIdConfirmed says whether it was
 * read from Exchange. Every test runs against an Exchange that keeps client-set Message-IDs and one
 * that overwrites them ([MS-OXCMAIL] 2.1.3.2.11): the output must be right, or honestly
 * unconfirmed, either way.
 */

const t = useTenant();
const MODES = ['keep', 'overwrite'] as const;

async function send(options: Record<string, unknown>, items: TestItem[] = [{}]) {
	const result = await runSendMail({
		credentials: t.credentials(),
		items,
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Identity',
			bodyContent: '<p>Hi</p>',
			options: options as Record<string, string>,
		},
	});
	return result;
}

function graphCalls(path: RegExp) {
	return t.sim.requests.filter((r) => r.kind === 'graph' && path.test(r.path));
}

describe.each(MODES)('Exchange that %ss client Message-IDs', (mode) => {
	beforeEach(() => t.sim.setExchangeBehaviour({ messageIds: mode, sentItemsDelayMs: 300 }));

	test('default Send: one request, the Message-ID the node set, marked unconfirmed', async () => {
		const { items, errorMessage } = await send({});
		expect(errorMessage).toBeUndefined();
		const out = items[0].json;
		expect(out.internetMessageIdConfirmed).toBe(false);
		expect(out.internetMessageId).toEqual(expect.stringMatching(/^<.+@.+>$/));
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(1);
		// Unconfirmed means exactly that: Exchange may or may not have used it.
		const used = t.sim.outbox[0].internetMessageId;
		expect(out.internetMessageId === used).toBe(mode === 'keep');
	});

	test('Confirm Message-ID on JSON sendMail: the sent copy is found by the marker after Sent Items lags', async () => {
		const { items, errorMessage } = await send({ confirmMessageId: true });
		expect(errorMessage).toBeUndefined();
		const out = items[0].json;
		const delivered = t.sim.outbox[0];
		expect(out.internetMessageIdConfirmed).toBe(true);
		expect(out.internetMessageId).toBe(delivered.internetMessageId);
		expect(out.id).toBe(delivered.sentItemId);
		const marker = (delivered.message.singleValueExtendedProperties as { id: string }[]).find(
			(p) => p.id === MARKER_PROPERTY_ID,
		);
		expect(marker).toBeDefined();
		// The token lists Mail.ReadWrite, so no probe before the send; at least one lookup after it.
		expect(graphCalls(/mailFolders\/sentitems\/messages$/).length).toBeGreaterThanOrEqual(1);
		if (mode === 'overwrite') expect(out.notes).toEqual([expect.stringContaining('Exchange used')]);
		else expect(out.notes).toBeUndefined();
	});

	test('Confirm Message-ID on a MIME message: sent as a MIME draft, Graph answered its Message-ID', async () => {
		const { items } = await send({ confirmMessageId: true, inReplyTo: '<x1@example.org>' });
		const out = items[0].json;
		const delivered = t.sim.outbox[0];
		expect(delivered.via).toBe('draft');
		expect(delivered.mime).toBeDefined();
		expect(out.internetMessageIdConfirmed).toBe(true);
		expect(out.internetMessageId).toBe(delivered.internetMessageId);
	});

	test('the draft path (large attachment) is confirmed by the draft Graph created', async () => {
		const big = randomBytes(3 * 1024 * 1024 + 1);
		const { items } = await send({ attachments: 'big' }, [
			{ binary: { big: { data: big, fileName: 'big.bin' } } },
		]);
		expect(items[0].json.internetMessageIdConfirmed).toBe(true);
		expect(items[0].json.internetMessageId).toBe(t.sim.outbox[0].internetMessageId);
	});

	test('Create Draft and Send At: confirmed by the draft Graph created, whatever Exchange does with IDs', async () => {
		const draft = await runSendMail({
			credentials: t.credentials(),
			items: [{}],
			parameters: { operation: 'createDraft', toRecipients: 'ada@example.com', subject: 'D' },
		});
		expect(draft.items[0].json).toMatchObject({
			status: 'draft',
			internetMessageIdConfirmed: true,
		});
		const [held] = [...t.sim.state.drafts.values()];
		expect(draft.items[0].json.internetMessageId).toBe(held.internetMessageId);
		const sendAt = new Date(Date.now() + 3_600_000).toISOString();
		const { items } = await send({ sendAt });
		expect(items[0].json).toMatchObject({ status: 'scheduled', internetMessageIdConfirmed: true });
	});

	test('a copy that never appears: the item is sent, unconfirmed, with a note (never sent twice)', async () => {
		t.sim.setExchangeBehaviour({ sentItemsDelayMs: 3_600_000 });
		const { items, errorMessage } = await send({ confirmMessageId: true, requestTimeout: 1 });
		expect(errorMessage).toBeUndefined();
		expect(t.sim.outbox).toHaveLength(1);
		const out = items[0].json;
		expect(out.status).toBe('sent');
		expect(out.internetMessageIdConfirmed).toBe(false);
		expect(out.notes).toEqual(
			expect.arrayContaining([expect.stringContaining('did not appear in Sent Items')]),
		);
	});
});

test('Confirm Message-ID with Save to Sent Items off on the one-request path is refused before any request', async () => {
	const { items, errorMessage } = await send({ confirmMessageId: true, saveToSentItems: false });
	expect(errorMessage).toMatch(/Confirm Message-ID.*Save to Sent Items/);
	expect(items).toHaveLength(0);
	expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
});

describe('the permission to read Sent Items', () => {
	const restore = () => {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
		t.sim.state.restrictions.delete(t.clientId.toLowerCase());
	};
	afterEach(restore);

	test.each([
		['Mail.Send only', ['Mail.Send']],
		[
			'Mail.ReadBasic.All, which does not see extended properties',
			['Mail.Send', 'Mail.ReadBasic.All'],
		],
	])('%s: the item fails naming Mail.Read before anything is sent', async (_name, permissions) => {
		t.sim.updateApp(t.clientId, { permissions });
		const { errorMessage } = await send({ confirmMessageId: true });
		expect(errorMessage).toMatch(
			/Confirm Message-ID: .*needs the Mail\.Read \(or Mail\.ReadWrite\)/,
		);
		expect(t.sim.outbox).toHaveLength(0);
		// Only the probe, refused (repeated once with a fresh token, as for every permission refusal);
		// no send.
		const graph = t.sim.requests.filter((r) => r.kind === 'graph');
		expect(graph.length).toBeGreaterThanOrEqual(1);
		expect(graph.every((r) => r.method === 'GET' && r.status === 403)).toBe(true);
	});

	test('Mail.Read in the token: no probe, the send and the lookup', async () => {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.Read'] });
		const { items } = await send({ confirmMessageId: true });
		expect(items[0].json.internetMessageIdConfirmed).toBe(true);
		const graph = t.sim.requests.filter((r) => r.kind === 'graph');
		expect(graph.map((r) => r.method)).toEqual(['POST', 'GET']);
	});

	test('granted only through RBAC for Applications (no roles in the token): probed, then confirmed', async () => {
		t.sim.updateApp(t.clientId, { permissions: [] });
		t.sim.restrictApp({
			clientId: t.clientId,
			kind: 'rbac',
			allowedMailboxes: [t.sender],
			roles: ['Mail.Send', 'Mail.Read'],
		});
		const { items, errorMessage } = await send({ confirmMessageId: true });
		expect(errorMessage).toBeUndefined();
		expect(items[0].json.internetMessageIdConfirmed).toBe(true);
		const graph = t.sim.requests.filter((r) => r.kind === 'graph');
		expect(graph.map((r) => [r.method, r.status])).toEqual([
			['GET', 200],
			['POST', 202],
			['GET', 200],
		]);
	});

	test('Dry Run shows the lookup after the send, and sends nothing', async () => {
		const { items } = await send({ confirmMessageId: true, dryRun: true });
		const requests = items[0].json.requests as { method: string; url: string }[];
		expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
		expect(decodeURIComponent(requests[2].url)).toContain(
			`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_PROPERTY_ID}'`,
		);
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
	});
});

test('Retry On Fail with Confirm Message-ID: the confirmed item is not sent again (the marker is not part of the message the retry compares)', async () => {
	refuseRecipientsOnce(t.sim, { kind: 'graph', path: 'sendMail$', mailbox: t.other });
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [0, 1].map((i) => ({ json: { i } })),
		parameters: {
			sender: `={{ $json.i === 1 ? "${t.other}" : "${t.sender}" }}`,
			toRecipients: 'ada@example.com',
			subject: '={{ "Retry " + $json.i }}',
			bodyContent: 'x',
			options: { maxConcurrency: 1, confirmMessageId: true },
		},
		settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(t.sim.outbox.map((m) => m.message.subject).sort()).toEqual(['Retry 0', 'Retry 1']);
	expect(result.items.map((i) => i.json.internetMessageIdConfirmed)).toEqual([true, true]);
});
