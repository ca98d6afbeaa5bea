import { ExecuteContext, RoutingNode } from 'n8n-core';

import './n8nServices';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeType,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { MicrosoftGraphClientCredentialsApi } from '../../credentials/MicrosoftGraphClientCredentialsApi.credentials';
import { CREDENTIAL_TYPE, TestCredentialsHelper, nodeTypes } from './engine';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/** A workflow node of `type` with this package's credential selected. */
export function nodeWithCredential(id: string, name: string, type: string): INode {
	return {
		id,
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } },
	};
}

/**
 * The execution context n8n builds for `node` in a one-node workflow, its credential holding
 * `data`.
 */
export function nodeContext(
	node: INode,
	nodeType: INodeType,
	data: ICredentialDataDecryptedObject,
	mode: WorkflowExecuteMode,
): ExecuteContext {
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypes({ [node.type]: nodeType }),
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(() => data),
		variables: {},
		userId: 'user-1',
		currentNodeParameters: node.parameters,
	} as unknown as IWorkflowExecuteAdditionalData;
	const runExecutionData = {
		resultData: { runData: {} },
		executionData: undefined,
	} as unknown as IRunExecutionData;
	return new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
}

/**
 * Runs the credential's declarative `test` the way n8n's CredentialsTester does (n8n
 * packages/cli/src/services/credentials-tester.service.ts): a temporary node whose only property
 * routes the test request, executed by n8n-core's RoutingNode with the decrypted credential, so
 * `authenticate` runs for real. Error mapping follows the same order: HTTP status of a response,
 * then a network code, then the message.
 */
export async function testCredential(
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const credentialType = new MicrosoftGraphClientCredentialsApi();
	const node = nodeWithCredential('temp', 'Temp-Node', 'test.credentialTestNode');
	const testNodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'test.credentialTestNode',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credentialType.test.request },
					default: '',
				},
			],
		},
	} as unknown as INodeType;
	const context = nodeContext(node, testNodeType, data, 'internal');
	const routingNode = new RoutingNode(context, testNodeType, {
		id: 'cred-1',
		name: 'Graph',
		type: CREDENTIAL_TYPE,
		data,
	});
	try {
		await routingNode.runNode();
	} catch (error) {
		const e = error as {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
			message: string;
		};
		if (e.cause?.response) {
			const { status, statusText } = e.cause.response;
			if (status < 199 || status > 299)
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
		} else if (e.cause?.code) {
			return { status: 'Error', message: e.cause.code };
		}
		return { status: 'Error', message: e.message.toString() };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
