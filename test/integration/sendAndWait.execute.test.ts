import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { WAIT_INDEFINITELY, type INodeParameters } from 'n8n-workflow';

import { runSendMail } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Send and Wait for Response, send side, in n8n's WorkflowExecute against the simulator: the
 * question mail goes through the same plan as Send (Dry Run, Allowed Senders, errors naming item
 * and field), one mail per execution, and the execution then waits.
 */
const t = useTenant();

const ASK: INodeParameters = {
	operation: 'sendAndWait',
	toRecipients: 'boss@example.com',
	subject: 'Approval required',
	message: 'Pay invoice #42?',
	approvalOptions: { values: { approvalType: 'double' } },
};
const THREE = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];
const linksIn = (html: string): string[] =>
	[...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

test('one question mail per execution, with signed links to this node; then the execution waits', async () => {
	const result = await runSendMail({ credentials: t.credentials(), items: THREE, parameters: ASK });
	expect(result.errorMessage).toBeUndefined();
	expect(result.status).toBe('waiting');
	expect(result.run.waitTill?.getTime()).toBe(WAIT_INDEFINITELY.getTime());
	// While waiting, n8n shows the node's input; the answer replaces it on resume.
	expect(result.items.map((i) => i.json)).toEqual(THREE.map((i) => i.json));
	expect(t.sim.outbox).toHaveLength(1);
	const { message, mailbox } = t.sim.outbox[0];
	expect(mailbox.toLowerCase()).toBe(t.sender);
	expect(message.subject).toBe('Approval required');
	expect(message.body.contentType).toBe('HTML');
	expect(message.toRecipients).toEqual([{ emailAddress: { address: 'boss@example.com' } }]);
	const [approve, decline] = linksIn(message.body.content as string);
	const url = new URL(approve);
	expect(url.pathname).toMatch(/^\/webhook-waiting\/exec-run-\d+\/send$/);
	expect(url.searchParams.get('approved')).toBe('true');
	expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
	expect(new URL(decline).searchParams.get('approved')).toBe('false');
});

test('Limit Wait Time sets when the wait ends', async () => {
	const before = Date.now();
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [{ json: {} }],
		parameters: {
			...ASK,
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' },
				},
			},
		},
	});
	expect(result.status).toBe('waiting');
	const waitTill = result.run.waitTill!.getTime();
	expect(waitTill).toBeGreaterThanOrEqual(before + 45 * 60_000);
	expect(waitTill).toBeLessThan(Date.now() + 45 * 60_000 + 1000);
});

test('Dry Run shows the sendMail request with the question and does not wait', async () => {
	const result = await runSendMail({
		credentials: t.credentials(),
		items: THREE,
		parameters: { ...ASK, options: { dryRun: true, ccRecipients: 'cc@example.com' } },
	});
	expect(result.errorMessage).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(1);
	const json = result.items[0].json as Record<string, any>;
	expect(json.status).toBe('preview');
	expect(json.request.method).toBe('POST');
	expect(json.request.url).toMatch(/\/users\/sender%40[^/]+\/sendMail$/);
	expect(json.request.body.message.ccRecipients).toEqual([
		{ emailAddress: { address: 'cc@example.com' } },
	]);
	expect(json.request.body.message.body.content).toContain('Pay invoice #42?');
	expect(linksIn(json.request.body.message.body.content)).toHaveLength(2);
	expect(t.sim.outbox).toHaveLength(0);
	expect(t.sim.requests).toHaveLength(0);
});

test('Allowed Senders refuses a sender outside the list before any request, naming item and field', async () => {
	const result = await runSendMail({
		credentials: t.credentials({ allowedSenders: t.other }),
		items: THREE,
		parameters: { ...ASK, sender: t.sender },
	});
	expect(result.status).toBe('error');
	expect(result.errorMessage).toMatch(/^Item 0 › Sender: .*Allowed Senders/);
	expect(t.sim.requests).toHaveLength(0);
	expect(t.sim.outbox).toHaveLength(0);
});

test('a bad question is refused naming the field; under Continue On Fail the item is output and nothing waits', async () => {
	const result = await runSendMail({
		credentials: t.credentials(),
		items: THREE,
		parameters: { ...ASK, message: '   ' },
		onError: 'continueRegularOutput',
	});
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(1);
	expect(String(result.items[0].json.error)).toMatch(/^Item 0 › Message: Is empty/);
	expect(t.sim.requests).toHaveLength(0);
});

test('options the editor hides for this operation (attachments, read receipts) do not act', async () => {
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [
			{
				json: {},
				binary: { data: { data: Buffer.from('x'), fileName: 'x.txt', mimeType: 'text/plain' } },
			},
		],
		parameters: {
			...ASK,
			options: { attachments: 'data', isReadReceiptRequested: true, importance: 'high' },
		},
	});
	expect(result.status).toBe('waiting');
	const { message, attachments } = t.sim.outbox[0];
	expect(attachments).toHaveLength(0);
	expect(message.isReadReceiptRequested).toBeUndefined();
	expect(message.importance).toBe('high');
});
