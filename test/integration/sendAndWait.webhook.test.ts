import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

import { Container } from '@n8n/di';
import {
	generateUrlSignature,
	InstanceSettings,
	prepareUrlForSigning,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	SEND_AND_WAIT_OPERATION,
	Workflow,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRunExecutionData,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { Office365SendMail } from '../../nodes/Office365SendMail/Office365SendMail.node';
import { prepareSendAndWait } from '../../nodes/Office365SendMail/sendAndWait/prepare';
import { sendAndWaitProperties } from '../../nodes/Office365SendMail/sendAndWait/properties';
import { resetCoordination } from '../../nodes/shared/coordination';
import { manualRunHooks, nodeTypes } from '../harness/engine';
import { startRedis, withEnv, type TestRedis } from '../harness/redis';

/**
 * Send and Wait for Response, resume side: the links that prepareSendAndWait() puts in the mail are
 * opened over real HTTP; the server in front plays n8n's waiting-webhook router (signature check as
 * n8n does it, urlencoded body parsed with querystring as n8n's body parser does) and runs the
 * node's webhook() in n8n-core's WebhookContext. A link scanner's GET or HEAD must never resume;
 * only the confirmation page's POST does, once.
 */

/**
 * The node cut down: an `operation` parameter with sendAndWait, whose execute builds the mail and
 * sends nothing.
 */
class SendAndWaitProbe extends Office365SendMail {
	constructor() {
		super();
		this.description = {
			...this.description,
			properties: [
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					default: 'send',
					options: [
						{ name: 'Send', value: 'send' },
						{ name: 'Send and Wait for Response', value: SEND_AND_WAIT_OPERATION },
					],
				},
				{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
				...sendAndWaitProperties,
			],
		};
	}
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mail = prepareSendAndWait(this, 0, PROBE_MESSAGE_ID);
		return [[{ json: { ...mail, waitTill: mail.waitTill.toISOString() } }]];
	}
}
const NODE_TYPE = 'test.sendAndWaitProbe';
/**
 * The Message-ID the probe's links name; the answer carries it, unconfirmed (the probe sends
 * nothing).
 */
const PROBE_MESSAGE_ID = '<probe.1@contoso.com>';
const answered = (data: IDataObject) => ({
	data,
	internetMessageId: PROBE_MESSAGE_ID,
	internetMessageIdConfirmed: false,
});
const types = nodeTypes({ [NODE_TYPE]: new SendAndWaitProbe() });

let server: Server;
let base: string;
let runCounter = 0;
/** Every workflowData a webhook call returned: each one would resume the execution. */
const resumes: { executionId: string; json: IDataObject }[] = [];
/** Executions waiting on the node: execution id → workflow. */
const waiting = new Map<string, Workflow>();

function workflowOf(parameters: INodeParameters): { workflow: Workflow; node: INode } {
	const node: INode = {
		id: `node-${++runCounter}`,
		name: 'Ask',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { operation: SEND_AND_WAIT_OPERATION, subject: 'Approval required', ...parameters },
	};
	const workflow = new Workflow({
		id: 'wf-saw',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: types,
	});
	return { workflow, node: workflow.getNode('Ask')! };
}

function additionalData(
	executionId: string,
	extra: IDataObject = {},
): IWorkflowExecuteAdditionalData {
	return {
		executionId,
		variables: {},
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * Runs the node's execute phase in n8n's WorkflowExecute; returns the mail it built and registers
 * the wait.
 */
async function ask(
	parameters: INodeParameters,
	again?: { executionId: string },
): Promise<{ json: IDataObject; executionId: string; error?: string }> {
	const executionId = again?.executionId ?? `exec-saw-${runCounter + 1}`;
	const workflow = again ? waiting.get(executionId)! : workflowOf(parameters).workflow;
	const node = workflow.getNode('Ask')!;
	const { hooks, finished } = manualRunHooks(executionId, {
		id: 'wf-saw',
		name: 'saw',
		nodes: [node],
		connections: {},
	});
	const data = { ...additionalData(executionId), hooks } as IWorkflowExecuteAdditionalData;
	const runData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(data, 'manual', runData).processRunExecutionData(workflow);
	const run = await finished;
	const task = run.data.resultData.runData.Ask?.[0];
	const json = (task?.data?.main?.[0]?.[0]?.json ?? {}) as IDataObject;
	waiting.set(executionId, workflow);
	return { json, executionId, error: (task?.error ?? run.data.resultData.error)?.message };
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** n8n's check of the `signature` query parameter (WaitingWebhooks.validateSignatureInRequest). */
function signatureValid(url: URL): boolean {
	const token = url.searchParams.get('signature');
	if (!token) return false;
	const unsigned = new URL(url.toString());
	unsigned.searchParams.delete('signature');
	const expected = generateUrlSignature(
		prepareUrlForSigning(unsigned),
		Container.get(InstanceSettings).hmacSignatureSecret,
	);
	return token === expected;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = new URL(req.url!, base);
	const [, prefix, executionId, nodeId] = url.pathname.split('/');
	const workflow = waiting.get(executionId);
	if (prefix !== 'webhook-waiting' || !workflow) return void res.writeHead(404).end();
	if (!signatureValid(url)) return void res.writeHead(401).end('{"error":"Invalid token"}');
	const node = Object.values(workflow.nodes).find((n) => n.id === nodeId)!;
	const raw = await readBody(req);
	const request = Object.assign(req, {
		query: parseQuery(url.search.slice(1)),
		body:
			req.headers['content-type'] === 'application/x-www-form-urlencoded' ? parseQuery(raw) : raw,
	});
	const webhookData = {
		httpMethod: req.method,
		node: node.name,
		path: nodeId,
		webhookDescription: {},
		workflowId: workflow.id,
	} as unknown as IWebhookData;
	const ctx = new WebhookContext(
		workflow,
		node,
		additionalData(executionId, { httpRequest: request, httpResponse: res }),
		'webhook' as WorkflowExecuteMode,
		webhookData,
		[],
		null,
	);
	const result = await new SendAndWaitProbe().webhook.call(ctx);
	for (const item of result.workflowData?.[0] ?? []) resumes.push({ executionId, json: item.json });
	if (!res.writableEnded) res.writeHead(500).end('webhook() sent no response');
}

beforeAll(async () => {
	server = createServer((req, res) => {
		handle(req, res).catch((e: Error) => res.writeHead(500).end(e.message));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise((resolve) => server.close(resolve)));

const SCANNER = { 'user-agent': 'Mozilla/5.0 (compatible; Microsoft Defender Safe Links scanner)' };
const linksIn = (html: string): string[] =>
	[...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
const resumesOf = (executionId: string) => resumes.filter((r) => r.executionId === executionId);
const post = async (url: string, form: Record<string, string>) =>
	await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
	});

describe('approval', () => {
	const params = {
		message: 'Pay invoice <b>#42</b> & ship?',
		responseType: 'approval',
		approvalOptions: {
			values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Hold "it"' },
		},
	};

	test('the mail links to signed resume URLs of this node, with escaped labels and message', async () => {
		const { json, executionId, error } = await ask(params);
		expect(error).toBeUndefined();
		const html = json.html as string;
		const [approve, decline] = linksIn(html);
		expect(new URL(approve).pathname).toBe(`/webhook-waiting/${executionId}/node-${runCounter}`);
		expect(new URL(approve).searchParams.get('approved')).toBe('true');
		expect(new URL(decline).searchParams.get('approved')).toBe('false');
		expect(signatureValid(new URL(approve))).toBe(true);
		expect(html).toContain('Pay invoice &lt;b&gt;#42&lt;/b&gt; &amp; ship?');
		expect(html).toContain('>Hold &quot;it&quot;</a>');
		expect(html).not.toContain('<b>#42');
		expect(json.text).toContain(`Pay it: ${approve}`);
		expect(json.subject).toBe('Approval required');
	});

	test('scanner GETs and HEADs never resume; the page POST does, once; later answers see "already answered"', async () => {
		const { json, executionId } = await ask(params);
		const [approve] = linksIn(json.html as string);
		for (let i = 0; i < 3; i++) {
			const page = await fetch(approve, { headers: SCANNER });
			expect(page.status).toBe(200);
			expect(page.headers.get('referrer-policy')).toBe('no-referrer');
			expect(page.headers.get('cache-control')).toBe('no-store');
			const body = await page.text();
			expect(body).toContain('<form method="post">');
			expect(body).toContain('Confirm: Pay it');
			expect((await fetch(approve, { method: 'HEAD', headers: SCANNER })).status).toBe(200);
		}
		expect(resumesOf(executionId)).toEqual([]);

		const recorded = await post(approve, { confirm: 'true' });
		expect(recorded.status).toBe(200);
		expect(await recorded.text()).toContain('Your answer was recorded');
		expect(resumesOf(executionId)).toEqual([{ executionId, json: answered({ approved: true }) }]);

		const again = await post(approve, { confirm: 'true' });
		expect(again.status).toBe(409);
		expect(await again.text()).toContain('already been answered');
		expect((await fetch(approve)).status).toBe(409);
		expect(resumesOf(executionId)).toHaveLength(1);
	});

	test('disapprove link resumes with approved: false', async () => {
		const { json, executionId } = await ask(params);
		const [, decline] = linksIn(json.html as string);
		expect(await (await fetch(decline)).text()).toContain('Confirm: Hold &quot;it&quot;');
		expect((await post(decline, { confirm: 'false' })).status).toBe(200);
		expect(resumesOf(executionId)).toEqual([{ executionId, json: answered({ approved: false }) }]);
	});

	test('the same node asking again in the same execution (Decline, then ask again) gets its own links', async () => {
		const first = await ask(params);
		const [, decline] = linksIn(first.json.html as string);
		expect((await post(decline, { confirm: 'false' })).status).toBe(200);
		const second = await ask(params, first);
		expect(second.executionId).toBe(first.executionId);
		const [approve] = linksIn(second.json.html as string);
		expect(new URL(approve).pathname).toBe(new URL(decline).pathname);
		expect((await fetch(approve)).status).toBe(200);
		expect((await post(approve, { confirm: 'true' })).status).toBe(200);
		expect((await post(decline, { confirm: 'false' })).status).toBe(409);
		expect(resumesOf(first.executionId)).toEqual([
			{ executionId: first.executionId, json: answered({ approved: false }) },
			{ executionId: first.executionId, json: answered({ approved: true }) },
		]);
	});

	test('a link without a wait token (sent before tokens existed) is still answered once', async () => {
		const { json, executionId } = await ask(params);
		const [approve] = linksIn(json.html as string);
		const unsigned = new URL(approve);
		unsigned.searchParams.delete('wait');
		unsigned.searchParams.delete('signature');
		const oldLink = `${unsigned.toString()}&signature=${generateUrlSignature(
			prepareUrlForSigning(unsigned),
			Container.get(InstanceSettings).hmacSignatureSecret,
		)}`;
		expect((await post(oldLink, { confirm: 'true' })).status).toBe(200);
		expect((await post(oldLink, { confirm: 'true' })).status).toBe(409);
		expect(resumesOf(executionId)).toHaveLength(1);
	});

	test('a POST without the confirmation, with a mismatched one, or not as a form is refused', async () => {
		const { json, executionId } = await ask(params);
		const [approve] = linksIn(json.html as string);
		expect((await post(approve, {})).status).toBe(400);
		expect((await post(approve, { confirm: 'false' })).status).toBe(400);
		const plain = await fetch(approve, { method: 'POST', body: 'confirm=true' });
		expect(plain.status).toBe(400);
		expect(resumesOf(executionId)).toEqual([]);
	});

	test('a link whose answer was changed fails the signature; single approval has no decline', async () => {
		const { json, executionId } = await ask({ message: 'Go?', responseType: 'approval' });
		const links = linksIn(json.html as string);
		expect(links).toHaveLength(1);
		const forged = new URL(links[0]);
		forged.searchParams.set('approved', 'false');
		expect((await post(forged.toString(), { confirm: 'false' })).status).toBe(401);
		expect(resumesOf(executionId)).toEqual([]);
	});
});

describe('free text', () => {
	test('GET shows the form; an empty answer is refused; the text resumes', async () => {
		const { json, executionId } = await ask({
			message: 'What should we tell <Contoso>?',
			responseType: 'freeText',
			options: { messageButtonLabel: 'Answer', responseFormTitle: 'Reply to Contoso' },
		});
		const links = linksIn(json.html as string);
		expect(links).toHaveLength(1);
		expect(json.html).toContain('>Answer</a>');
		const page = await (await fetch(links[0], { headers: SCANNER })).text();
		expect(page).toContain('<h1>Reply to Contoso</h1>');
		expect(page).toContain('What should we tell &lt;Contoso&gt;?');
		expect(page).toContain('<textarea id="field-0" name="field-0" required');
		expect((await post(links[0], { 'field-0': '   ' })).status).toBe(400);
		expect(resumesOf(executionId)).toEqual([]);
		expect((await post(links[0], { 'field-0': 'Ship on Monday' })).status).toBe(200);
		expect(resumesOf(executionId)).toEqual([
			{ executionId, json: answered({ text: 'Ship on Monday' }) },
		]);
	});
});

describe('custom form', () => {
	const params = {
		message: 'Order details',
		responseType: 'customForm',
		formFields: {
			values: [
				{ fieldLabel: 'Quantity', fieldType: 'number', requiredField: true },
				{
					fieldLabel: 'Colour',
					fieldType: 'dropdown',
					fieldOptions: { values: [{ option: 'Red' }, { option: 'Blue & green' }] },
				},
				{ fieldLabel: 'Contact', fieldType: 'email' },
				{ fieldLabel: 'Deliver on', fieldType: 'date' },
				{ fieldLabel: 'Notes', fieldType: 'textarea' },
			],
		},
	};

	test('fields render, bad values are refused naming the field, good values resume keyed by field name', async () => {
		const { json, executionId } = await ask(params);
		const [link] = linksIn(json.html as string);
		const page = await (await fetch(link)).text();
		expect(page).toContain('<input type="number" id="field-0" name="field-0" required');
		expect(page).toContain('<option>Blue &amp; green</option>');
		expect(page).toContain('<input type="email" id="field-2"');

		const bad = await post(link, { 'field-0': '3', 'field-1': 'Purple' });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('&quot;Colour&quot; is not one of the offered options.');
		expect((await post(link, { 'field-0': 'three' })).status).toBe(400);
		expect((await post(link, { 'field-0': '3', 'field-2': 'not-an-address' })).status).toBe(400);
		expect(resumesOf(executionId)).toEqual([]);

		const ok = await post(link, {
			'field-0': '3',
			'field-1': 'Blue & green',
			'field-2': 'jane@contoso.com',
			'field-3': '2026-03-01',
		});
		expect(ok.status).toBe(200);
		expect(resumesOf(executionId)).toEqual([
			{
				executionId,
				json: answered({
					Quantity: 3,
					Colour: 'Blue & green',
					Contact: 'jane@contoso.com',
					'Deliver on': '2026-03-01',
					Notes: '',
				}),
			},
		]);
	});

	test('a form without fields fails before any mail is built, naming the field', async () => {
		const { error } = await ask({ message: 'x', responseType: 'customForm' });
		expect(error).toContain('Custom Form needs at least one field');
	});
});

describe('wait time', () => {
	test('Limit Wait Time sets waitTill; without it the execution waits indefinitely', async () => {
		const before = Date.now();
		const limited = await ask({
			message: 'Go?',
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		});
		const waitTill = Date.parse(limited.json.waitTill as string);
		expect(waitTill - before).toBeGreaterThanOrEqual(2 * 3_600_000);
		expect(waitTill - before).toBeLessThan(2 * 3_600_000 + 60_000);
		const unlimited = await ask({ message: 'Go?' });
		expect(new Date(unlimited.json.waitTill as string).getUTCFullYear()).toBe(3000);
		const past = await ask({
			message: 'Go?',
			options: {
				limitWaitTime: {
					values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2001-01-01T00:00:00Z' },
				},
			},
		});
		expect(past.error).toContain('in the future');
	});
});

describe('queue mode: the first answer wins across webhook processes (Redis)', () => {
	let redis: TestRedis;
	let restoreEnv: () => void;
	beforeAll(async () => {
		redis = await startRedis();
		restoreEnv = withEnv(redis.env);
	});
	afterAll(async () => {
		restoreEnv();
		await resetCoordination();
		await redis.stop();
	});

	test('two answers at once record one; a new process still sees "already answered"', async () => {
		const { json, executionId } = await ask({
			message: 'Pay it?',
			responseType: 'approval',
			approvalOptions: { values: { approvalType: 'double' } },
		});
		const [approve, decline] = linksIn(json.html as string);
		const [a, b] = await Promise.all([
			post(approve, { confirm: 'true' }),
			post(decline, { confirm: 'false' }),
		]);
		expect([a.status, b.status].sort()).toEqual([200, 409]);
		expect(resumesOf(executionId)).toHaveLength(1);
		// Another webhook process: nothing in its memory, the claim is in Redis.
		await resetCoordination();
		expect((await post(approve, { confirm: 'true' })).status).toBe(409);
		expect((await fetch(approve)).status).toBe(409);
		expect(resumesOf(executionId)).toHaveLength(1);
	});
});
