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

/** Emits the test's items; binary data goes through n8n's own prepareBinaryData, like a Read File node. */
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
 * A credentials helper like n8n's own: it hands out the decrypted credential and applies the credential type's
 * `authenticate` exactly as n8n's CredentialsHelper does for function-style authenticate.
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

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	/** Output items of the Send Mail node (empty when it failed without Continue On Fail). */
	items: INodeExecutionData[];
	/** The node's error message, if the node failed. */
	errorMessage?: string;
	error?: Error;
}

let runCounter = 0;

export interface RunSendMailOptions {
	credentials: ICredentialDataDecryptedObject | (() => ICredentialDataDecryptedObject);
	items: TestItem[];
	parameters: INodeParameters;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** Node settings such as Retry On Fail (retryOnFail, maxTries, waitBetweenTries). */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
}

/** Lifecycle hooks of a manual execution of the workflow, and the run they report when it has finished. */
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

/** Runs Source → Office 365 Send Mail through n8n-core's WorkflowExecute, as an n8n instance would. */
export async function runSendMail(options: RunSendMailOptions): Promise<RunResult> {
	await initBinaryData();
	const key = `run-${++runCounter}`;
	SourceNode.pending.set(key, options.items);
	const credentialData =
		typeof options.credentials === 'function'
			? options.credentials
			: () => options.credentials as ICredentialDataDecryptedObject;
	const nodes: INode[] = [
		{
			id: 'source',
			name: 'Source',
			type: 'test.source',
			typeVersion: 1,
			position: [0, 0],
			parameters: { key },
		},
		{
			id: 'send',
			name: 'Send Mail',
			type: 'test.office365SendMail',
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } },
			onError: options.onError,
			...options.settings,
		},
	];
	const connections = {
		Source: { main: [[{ node: 'Send Mail', type: 'main' as const, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: 'wf-test',
		nodes,
		connections,
		active: false,
		nodeTypes: nodeTypes(),
	});
	const { hooks, finished } = manualRunHooks(`exec-${key}`, {
		id: 'wf-test',
		name: 'test',
		nodes,
		connections,
	});
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentialData),
		variables: {},
		userId: 'user-1',
		executionId: `exec-${key}`,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		currentNodeParameters: undefined,
		formWaitingBaseUrl: 'http://localhost/form-waiting',
	} as unknown as IWorkflowExecuteAdditionalData;
	const runExecutionData: IRunExecutionData = {
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
	const task = run.data.resultData.runData['Send Mail']?.[0];
	const items = (task?.data?.main?.[0] ?? []) as INodeExecutionData[];
	const error = (task?.error ?? run.data.resultData.error) as Error | undefined;
	return { run, status: run.status, items, errorMessage: error?.message, error };
}

export function readJson<T>(path: string): T {
	return JSON.parse(readFileSync(path, 'utf8')) as T;
}
