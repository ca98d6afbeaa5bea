import { readFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';

import { stopN8nServices } from './n8nServices';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IConnections,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { MicrosoftGraphClientCredentialsApi } from '../../credentials/MicrosoftGraphClientCredentialsApi.credentials';
import { Office365SendMail } from '../../nodes/Office365SendMail/Office365SendMail.node';

export const CREDENTIAL_TYPE = 'microsoftGraphClientCredentialsApi';

/** Binary input for a test item: bytes in memory or a file streamed into n8n's binary store. */
export interface TestBinary {
	data?: Buffer;
	file?: string;
	fileName?: string;
	mimeType?: string;
}

export interface TestItem {
	json?: Record<string, unknown>;
	binary?: Record<string, TestBinary>;
}

/**
 * Emits the test's items; binary data goes through n8n's own prepareBinaryData, like a Read File
 * node.
 */
export class SourceNode implements INodeType {
	static readonly pending = new Map<string, TestItem[]>();

	description = {
		displayName: 'Test Source',
		name: 'testSource',
		group: ['input'],
		version: 1,
		description: 'Emits the items of a test',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0) as string;
		const items = SourceNode.pending.get(key) ?? [];
		const out: INodeExecutionData[] = [];
		for (const [index, item] of items.entries()) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [name, b] of Object.entries(item.binary ?? {})) {
				const content = b.file ? createReadStream(b.file) : (b.data ?? Buffer.alloc(0));
				binary[name] = await this.helpers.prepareBinaryData(content, b.fileName, b.mimeType);
				if (b.fileName) binary[name].fileName = b.fileName;
			}
			out.push({
				json: (item.json ?? {}) as INodeExecutionData['json'],
				binary: item.binary ? binary : undefined,
				pairedItem: { item: index },
			});
		}
		return [out];
	}
}

/**
 * A credentials helper like n8n's own: it hands out the decrypted credential and applies the
 * credential type's `authenticate` exactly as n8n's CredentialsHelper does for function-style
 * authenticate.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly credentialType = new MicrosoftGraphClientCredentialsApi();

	constructor(private readonly data: () => ICredentialDataDecryptedObject) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_type: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return await this.credentialType.authenticate(credentials, requestOptions);
	}
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}
	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data() };
	}
	async updateCredentials(): Promise<void> {}
	async updateCredentialsOauthTokenData(): Promise<void> {}
	getCredentialsProperties() {
		return this.credentialType.properties;
	}
}

export function nodeTypes(extra: Record<string, INodeType> = {}): INodeTypes {
	const types: Record<string, INodeType> = {
		'test.source': new SourceNode(),
		'test.office365SendMail': new Office365SendMail(),
		...extra,
	};
	return {
		getByName: (name: string) => types[name],
		getByNameAndVersion: (name: string, version?: number) =>
			NodeHelpers.getVersionedNodeType(types[name], version),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

export { stopN8nServices };

let binaryReady: Promise<void> | undefined;
/** n8n's binary data service, configured from the environment set by env.ts. */
export function initBinaryData(): Promise<void> {
	binaryReady ??= Container.get(BinaryDataService).init();
	return binaryReady;
}

/** Where the test instance says it lives; nothing listens there (webhook tests serve their own). */
export const INSTANCE_URLS = {
	restApiUrl: 'http://localhost/rest',
	instanceBaseUrl: 'http://localhost/',
	webhookBaseUrl: 'http://localhost/webhook',
	webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
	webhookTestBaseUrl: 'http://localhost/webhook-test',
	formWaitingBaseUrl: 'http://localhost/form-waiting',
};

type CredentialData = ICredentialDataDecryptedObject | (() => ICredentialDataDecryptedObject);

/**
 * Lifecycle hooks of a manual execution of the workflow, and the run they report when it has
 * finished.
 */
export function manualRunHooks(
	executionId: string,
	workflow: { id: string; name: string; nodes: INode[]; connections: IConnections },
): { hooks: ExecutionLifecycleHooks; finished: Promise<IRun> } {
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		...workflow,
		active: false,
		settings: {},
	} as never);
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolveRun(run));
	return { hooks, finished };
}

/** One Office 365 Send Mail node of a chain: its name, parameters, On Error and node settings. */
export interface ChainStep {
	name: string;
	/** The node id (webhook URLs carry it); `step-{index}` when not given. */
	id?: string;
	parameters: INodeParameters;
	onError?: INode['onError'];
	/** Node settings such as Retry On Fail (retryOnFail, maxTries, waitBetweenTries). */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
}

export interface ChainResult {
	run: IRun;
	/** Output items of each step by name (empty when the step failed or did not run). */
	items: Record<string, INodeExecutionData[]>;
	/** The first error of the execution, if any. */
	errorMessage?: string;
}

let runCounter = 0;

/** Source (emitting the items stored under `key`) → the steps, each connected to the next. */
function chainNodes(
	key: string,
	steps: ChainStep[],
): { nodes: INode[]; connections: IConnections } {
	const nodes: INode[] = [
		{
			id: 'source',
			name: 'Source',
			type: 'test.source',
			typeVersion: 1,
			position: [0, 0],
			parameters: { key },
		},
		...steps.map((step, i) => ({
			id: step.id ?? `step-${i}`,
			name: step.name,
			type: 'test.office365SendMail',
			typeVersion: 1,
			position: [200 * (i + 1), 0] as [number, number],
			parameters: step.parameters,
			credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } },
			onError: step.onError,
			...step.settings,
		})),
	];
	const connections: IConnections = {};
	for (const [i, node] of nodes.slice(0, -1).entries())
		connections[node.name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { nodes, connections };
}

/**
 * Source → step 1 → step 2 … in one manual n8n execution (n8n-core's WorkflowExecute, as an n8n
 * instance runs it), every step an Office 365 Send Mail node with the same credential: e.g. Send →
 * Get Delivery Status, the second reading the first's output through expressions.
 */
export async function runChain(
	credentials: CredentialData,
	items: TestItem[],
	steps: ChainStep[],
): Promise<ChainResult> {
	await initBinaryData();
	const key = `run-${++runCounter}`;
	SourceNode.pending.set(key, items);
	const { nodes, connections } = chainNodes(key, steps);
	const workflow = new Workflow({
		id: 'wf-test',
		nodes,
		connections,
		active: false,
		nodeTypes: nodeTypes(),
	});
	const executionId = `exec-${key}`;
	const { hooks, finished } = manualRunHooks(executionId, {
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
	});
	const additionalData = {
		...INSTANCE_URLS,
		hooks,
		credentialsHelper: new TestCredentialsHelper(
			typeof credentials === 'function' ? credentials : () => credentials,
		),
		variables: {},
		userId: 'user-1',
		executionId,
	} as unknown as IWorkflowExecuteAdditionalData;
	const runExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{ node: workflow.getNode('Source')!, data: { main: [[{ json: {} }]] }, source: null },
			],
		},
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const run = await finished;
	SourceNode.pending.delete(key);
	const out: Record<string, INodeExecutionData[]> = {};
	for (const step of steps) {
		const task = run.data.resultData.runData[step.name]?.[0];
		out[step.name] = (task?.data?.main?.[0] ?? []) as INodeExecutionData[];
	}
	return { run, items: out, errorMessage: run.data.resultData.error?.message };
}

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	/** Output items of the Send Mail node (empty when it failed without Continue On Fail). */
	items: INodeExecutionData[];
	/** The node's error message, if the node failed. */
	errorMessage?: string;
	error?: Error;
}

export interface RunSendMailOptions {
	credentials: CredentialData;
	items: TestItem[];
	parameters: INodeParameters;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** Node settings such as Retry On Fail (retryOnFail, maxTries, waitBetweenTries). */
	settings?: ChainStep['settings'];
	/** The node's name; "Send Mail" when not given. */
	nodeName?: string;
}

/** Runs Source → Office 365 Send Mail (named "Send Mail") through n8n-core's WorkflowExecute. */
export async function runSendMail(options: RunSendMailOptions): Promise<RunResult> {
	const { credentials, items, parameters, onError, settings } = options;
	const name = options.nodeName ?? 'Send Mail';
	const { run, items: out } = await runChain(credentials, items, [
		{ name, id: 'send', parameters, onError, settings },
	]);
	const task = run.data.resultData.runData[name]?.[0];
	const error = (task?.error ?? run.data.resultData.error) as Error | undefined;
	return { run, status: run.status, items: out[name], errorMessage: error?.message, error };
}

export function readJson<T>(path: string): T {
	return JSON.parse(readFileSync(path, 'utf8')) as T;
}
