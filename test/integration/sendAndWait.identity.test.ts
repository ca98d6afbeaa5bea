import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { parse as parseQuery } from 'node:querystring';

import { Container } from '@n8n/di';
import {
	generateUrlSignature,
	InstanceSettings,
	prepareUrlForSigning,
	WebhookContext,
} from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INodeParameters,
	type IRunExecutionData,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { MARKER_PROPERTY_ID } from '../../nodes/Office365SendMail/delivery/findSent';
import { Office365SendMail } from '../../nodes/Office365SendMail/Office365SendMail.node';
import { CREDENTIAL_TYPE, nodeTypes, runSendMail, type RunResult } from '../harness/engine';
import { useTenant } from '../harness/world';

/**
 * Send and Wait for Response: the answered item names the question mail's Message-ID. The node runs
 * in n8n's WorkflowExecute against the simulator until the execution waits; then the link from the
 * delivered mail is answered through the node's webhook() in n8n-core's WebhookContext, given the
 * waiting execution's data as n8n's waiting-webhook handler gives it (the node's run before the
 * wait removed). Each test runs against an Exchange that keeps client-set Message-IDs and one that
 * overwrites them.
 */
const t = useTenant();
const MODES = ['keep', 'overwrite'] as const;
const ASK: INodeParameters = {
	operation: 'sendAndWait',
	toRecipients: 'boss@example.com',
	subject: 'Approval required',
	message: 'Pay invoice #42?',
	approvalOptions: { values: { approvalType: 'double' } },
};
const STAMP = 'String 0x1035';

const lastMail = () => t.sim.outbox[t.sim.outbox.length - 1];
const linksIn = (html: string): URL[] =>
	[...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1].replace(/&amp;/g, '&')));

/** n8n's check of the `signature` query parameter (WaitingWebhooks.validateSignatureInRequest). */
function signatureValid(url: URL): boolean {
	const unsigned = new URL(url.toString());
	unsigned.searchParams.delete('signature');
	const secret = Container.get(InstanceSettings).hmacSignatureSecret;
	return (
		url.searchParams.get('signature') ===
		generateUrlSignature(prepareUrlForSigning(unsigned), secret)
	);
}

/** The response object the webhook writes its page to. */
class PageResponse {
	statusCode = 0;
	headers: Record<string, string> = {};
	body = '';
	writableEnded = false;
	setHeader(name: string, value: string): void {
		this.headers[name.toLowerCase()] = value;
	}
	end(body?: string): void {
		this.body = body ?? '';
		this.writableEnded = true;
	}
}

/** Asks, and checks that the execution waits with one question mail in the outbox. */
async function ask(
	options: IDataObject = {},
	nodeName?: string,
): Promise<{ result: RunResult; links: URL[] }> {
	const parameters = { ...ASK, options } as INodeParameters;
	const credentials = t.credentials();
	const result = await runSendMail({ credentials, items: [{}], parameters, nodeName });
	expect(result.errorMessage).toBeUndefined();
	expect(result.status).toBe('waiting');
	return { result, links: linksIn(lastMail().message.body.content as string) };
}

/**
 * Answers `link` as n8n's waiting-webhook handler does: signature checked, the node's last run
 * removed from the execution data, webhook() called with the execution data (or none, as for an
 * execution n8n cannot read back).
 */
async function answer(
	{ result }: { result: RunResult },
	link: URL,
	withExecutionData = true,
): Promise<IDataObject> {
	expect(signatureValid(link)).toBe(true);
	const [, , executionId] = link.pathname.split('/');
	const data = structuredClone(result.run.data) as IRunExecutionData;
	const node = data.executionData!.nodeExecutionStack[0].node;
	data.resultData.runData[node.name].pop();
	const workflow = new Workflow({
		id: 'wf-test',
		nodes: [{ ...node, credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } } }],
		connections: {},
		active: false,
		nodeTypes: nodeTypes(),
	});
	const res = new PageResponse();
	const req = {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		query: parseQuery(link.search.slice(1)),
		body: { confirm: link.searchParams.get('approved') ?? '' },
	};
	const additionalData = { executionId, httpRequest: req, httpResponse: res };
	const ctx = new WebhookContext(
		workflow,
		workflow.getNode(node.name)!,
		additionalData as unknown as IWorkflowExecuteAdditionalData,
		'webhook' as WorkflowExecuteMode,
		{ httpMethod: 'POST', node: node.name, path: 'send' } as unknown as IWebhookData,
		[],
		withExecutionData ? data : null,
	);
	const out = await new Office365SendMail().webhook.call(ctx);
	expect(res.statusCode).toBe(200);
	const items = out.workflowData?.[0] ?? [];
	expect(items).toHaveLength(1);
	return items[0].json;
}

function stampedId(): string | undefined {
	const props = (lastMail().message.singleValueExtendedProperties ?? []) as IDataObject[];
	return props.find((p) => p.id === STAMP)?.value as string | undefined;
}

describe.each(MODES)('Exchange that %ss client Message-IDs', (mode) => {
	beforeEach(() => t.sim.setExchangeBehaviour({ messageIds: mode, sentItemsDelayMs: 300 }));

	test('default: the answer names the Message-ID the node stamped, unconfirmed; one request', async () => {
		const asked = await ask();
		expect(t.sim.outbox).toHaveLength(1);
		const mid = stampedId();
		expect(mid).toEqual(expect.stringMatching(/^<.+@.+>$/));
		for (const link of asked.links) expect(link.searchParams.get('mid')).toBe(mid);
		const json = await answer(asked, asked.links[1]);
		expect(json).toEqual({
			data: { approved: false },
			internetMessageId: mid,
			internetMessageIdConfirmed: false,
		});
		// Unconfirmed means exactly that: Exchange may or may not have used it.
		expect(mid === t.sim.outbox[0].internetMessageId).toBe(mode === 'keep');
		expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(1);
	});

	test('Confirm Message-ID: the sent copy is read before the wait; the answer names Exchange’s Message-ID, confirmed', async () => {
		const asked = await ask({ confirmMessageId: true });
		const delivered = t.sim.outbox[0];
		const marker = (delivered.message.singleValueExtendedProperties as IDataObject[]).find(
			(p) => p.id === MARKER_PROPERTY_ID,
		);
		expect(marker).toBeDefined();
		const graph = t.sim.requests.filter((r) => r.kind === 'graph');
		expect(graph[0].method).toBe('POST');
		expect(graph.slice(1).every((r) => r.method === 'GET' && /sentitems/.test(r.path))).toBe(true);
		expect(graph.length).toBeGreaterThanOrEqual(2);
		const json = await answer(asked, asked.links[0]);
		expect(json).toEqual({
			data: { approved: true },
			internetMessageId: delivered.internetMessageId,
			internetMessageIdConfirmed: true,
		});
		expect(json.internetMessageId === stampedId()).toBe(mode === 'keep');
	});

	test('execution data n8n cannot read back: the link’s own Message-ID, unconfirmed', async () => {
		const asked = await ask({ confirmMessageId: true });
		const json = await answer(asked, asked.links[0], false);
		expect(json.internetMessageId).toBe(stampedId());
		expect(json.internetMessageIdConfirmed).toBe(false);
	});
});

test('a link of another wait of the node names its own mail, never the remembered one', async () => {
	const first = await ask({ confirmMessageId: true });
	const firstId = stampedId();
	const second = await ask({ confirmMessageId: true });
	// The second run's execution data remembers the second question; the first mail's link names the
	// first.
	const json = await answer(second, first.links[0]);
	expect(json.internetMessageId).toBe(firstId);
	expect(json.internetMessageIdConfirmed).toBe(false);
});

test.each(['Ask {{ the boss }}', 'Ask \'Ops\' \\ "now" }}{{ $json'])(
	'a node named %j still answers with the confirmed Message-ID (its name is quoted inside the expression that reads the context)',
	async (nodeName) => {
		t.sim.setExchangeBehaviour({ messageIds: 'overwrite', sentItemsDelayMs: 0 });
		const asked = await ask({ confirmMessageId: true }, nodeName);
		const json = await answer(asked, asked.links[0]);
		expect(json.internetMessageId).toBe(t.sim.outbox[0].internetMessageId);
		expect(json.internetMessageIdConfirmed).toBe(true);
	},
);

test('the signature covers the Message-ID: a link whose mid was changed fails n8n’s check', async () => {
	const { links } = await ask();
	const changed = new URL(links[0].toString());
	changed.searchParams.set('mid', '<forged@example.com>');
	expect(signatureValid(links[0])).toBe(true);
	expect(signatureValid(changed)).toBe(false);
});

test('Confirm Message-ID without Mail.Read: the item fails naming Mail.Read, no question is sent, nothing waits', async () => {
	t.sim.updateApp(t.clientId, { permissions: ['Mail.Send'] });
	try {
		const result = await runSendMail({
			credentials: t.credentials(),
			items: [{}],
			parameters: { ...ASK, options: { confirmMessageId: true } },
		});
		expect(result.status).toBe('error');
		expect(result.errorMessage).toMatch(
			/Confirm Message-ID: .*needs the Mail\.Read \(or Mail\.ReadWrite\)/,
		);
		expect(t.sim.outbox).toHaveLength(0);
	} finally {
		t.sim.updateApp(t.clientId, { permissions: ['Mail.Send', 'Mail.ReadWrite'] });
	}
});

test('Dry Run with Confirm Message-ID shows the send and the lookup, sends nothing and does not wait', async () => {
	const result = await runSendMail({
		credentials: t.credentials(),
		items: [{}],
		parameters: { ...ASK, options: { confirmMessageId: true, dryRun: true } },
	});
	expect(result.status).toBe('success');
	const requests = result.items[0].json.requests as { method: string; url: string }[];
	// Without a token to read the roles from, the permission probe is shown too.
	expect(requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
	expect(t.sim.requests.filter((r) => r.kind === 'graph')).toHaveLength(0);
});
