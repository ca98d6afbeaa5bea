import { Container } from '@n8n/di';
import { ActiveWorkflows, PollContext } from 'n8n-core';
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { Office365MailTrigger } from '../../nodes/Office365MailTrigger/Office365MailTrigger.node';
import {
	CREDENTIAL_TYPE,
	initBinaryData,
	INSTANCE_URLS,
	nodeTypes,
	TestCredentialsHelper,
} from './engine';

/**
 * The trigger node type as n8n's loader prepares a polling node: Poll Times first among its
 * parameters.
 */
function triggerType(): INodeType {
	const node = new Office365MailTrigger();
	node.description = {
		...node.description,
		properties: [...commonPollingParameters, ...node.description.properties],
	};
	return node;
}

export interface PollResult {
	/** Items the poll emitted (null: none). */
	items: INodeExecutionData[] | null;
	/** The error n8n got from the poll (an activation error wraps it). */
	error?: Error;
}

const WORKFLOW_ID = 'wf-trigger';

/**
 * An active workflow with the Mail Trigger, run by n8n-core's ActiveWorkflows: `activate()` is
 * n8n's activation (the first poll, then the static data saved), `tick()` one scheduled poll
 * (static data saved when it emits, as n8n does), `fetchTestEvent()` the editor's manual run.
 * `restart()` is a new n8n process: a new Workflow object with the static data as last saved.
 */
export class MailTriggerWorkflow {
	/** The static data as n8n last saved it to its database. */
	saved: IDataObject = {};
	private workflow!: Workflow;
	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(
		credentials: () => ICredentialDataDecryptedObject,
		private readonly parameters: INodeParameters,
	) {
		this.additionalData = {
			...INSTANCE_URLS,
			credentialsHelper: new TestCredentialsHelper(credentials),
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
		this.restart();
	}

	/** The trigger's own part of the saved static data (n8n keys it by node: `node:{name}`). */
	get savedSync(): Record<string, unknown> | undefined {
		const nodeData = this.saved[`node:${this.node.name}`] as IDataObject | undefined;
		return nodeData?.mailSync as Record<string, unknown> | undefined;
	}

	get node(): INode {
		return this.workflow.getNode('Mail Trigger')!;
	}

	restart(): void {
		const node: INode = {
			id: 'trigger',
			name: 'Mail Trigger',
			type: 'test.office365MailTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...this.parameters },
			credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Graph' } },
		};
		this.workflow = new Workflow({
			id: WORKFLOW_ID,
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: nodeTypes({ 'test.office365MailTrigger': triggerType() }),
			staticData: structuredClone(this.saved),
		});
	}

	/**
	 * What n8n's WorkflowStaticDataService.saveStaticData does: store the static data when it
	 * changed.
	 */
	private save(): void {
		const data = this.workflow.staticData as IDataObject;
		if (data.__dataChanged !== true) return;
		const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
		delete copy.__dataChanged;
		this.saved = copy;
		data.__dataChanged = false;
	}

	private context(mode: WorkflowExecuteMode, result: PollResult): PollContext {
		return new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			mode,
			'activate',
			(data) => {
				result.items = data[0] ?? [];
				this.save();
			},
			(error) => {
				result.error = error;
			},
		);
	}

	/**
	 * Activation: n8n runs the poll once (its errors fail the activation), then saves the static
	 * data.
	 */
	async activate(): Promise<PollResult> {
		await initBinaryData();
		const active = Container.get(ActiveWorkflows);
		const result: PollResult = { items: null };
		try {
			await active.add(
				WORKFLOW_ID,
				this.workflow,
				this.additionalData,
				'trigger',
				'activate',
				() => {
					throw new Error('the Mail Trigger is a polling node');
				},
				(_wf, _node, _data, mode) => this.context(mode, result),
			);
			this.save();
		} catch (error) {
			result.error = error as Error;
		} finally {
			// No cron ticks during a test: further polls are tick().
			if (active.isActive(WORKFLOW_ID)) await active.remove(WORKFLOW_ID);
		}
		return result;
	}

	/** One scheduled poll, as n8n's cron runs it: errors go to __emitError. */
	async tick(mode: WorkflowExecuteMode = 'trigger'): Promise<PollResult> {
		await initBinaryData();
		const result: PollResult = { items: null };
		const context = this.context(mode, result);
		// The function n8n registers with its cron for each poll time (private in n8n-core's typings).
		const active = Container.get(ActiveWorkflows) as unknown as {
			createPollExecuteFn(w: Workflow, n: INode, c: PollContext): () => Promise<void>;
		};
		await active.createPollExecuteFn(this.workflow, this.node, context)();
		return result;
	}

	/** The editor's Fetch Test Event: the poll in manual mode. */
	fetchTestEvent(): Promise<PollResult> {
		return this.tick('manual');
	}
}
