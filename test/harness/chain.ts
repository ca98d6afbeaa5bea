import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRun,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';

import {
	CREDENTIAL_TYPE,
	initBinaryData,
	manualRunHooks,
	nodeTypes,
	SourceNode,
	TestCredentialsHelper,
	type TestItem,
} from './engine';

/** One Office 365 Send Mail node of a chain: its name, parameters and On Error setting. */
export interface ChainStep {
	name: string;
	parameters: INodeParameters;
	onError?: INode['onError'];
}

export interface ChainResult {
	run: IRun;
	/** Output items of each step by name (empty when the step failed or did not run). */
	items: Record<string, INodeExecutionData[]>;
	/** The first error of the execution, if any. */
	errorMessage?: string;
}

let chainCounter = 0;

/**
 * Source → step 1 → step 2 … in one n8n execution (WorkflowExecute), every step an Office 365 Send Mail node with
 * the same credential: e.g. Send → Get Delivery Status, the second reading the first's output through expressions.
 */
export async function runChain(
	credentials: ICredentialDataDecryptedObject,
	items: TestItem[],
	steps: ChainStep[],
): Promise<ChainResult> {
	await initBinaryData();
	const key = `chain-${++chainCounter}`;
	SourceNode.pending.set(key, items);
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
			id: `step-${i}`,
			name: step.name,
			type: 'test.office365SendMail',
			typeVersion: 1,
			position: [200 * (i + 1), 0] as [number, number],
			parameters: step.parameters,
			credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } },
			onError: step.onError,
		})),
	];
	const names = ['Source', ...steps.map((s) => s.name)];
	const connections = Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [
				name,
				{ main: [[{ node: names[i + 1], type: 'main' as const, index: 0 }]] },
			]),
	);
	const workflow = new Workflow({
		id: 'wf-chain',
		nodes,
		connections,
		active: false,
		nodeTypes: nodeTypes(),
	});
	const executionId = `exec-${key}`;
	const { hooks, finished } = manualRunHooks(executionId, {
		id: 'wf-chain',
		name: 'chain',
		nodes,
		connections,
	});
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(() => credentials),
		variables: {},
		userId: 'user-1',
		executionId,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
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
