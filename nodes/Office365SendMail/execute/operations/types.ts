import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import type { Delivery } from '../../delivery/execute';
import type { DeliveryPlan } from '../../delivery/plan';
import type { AttachmentSource } from '../../message/attachments';
import type { MessageInput } from '../../message/build';

/**
 * The node's operations that deliver a message per item (Check Setup and Get Delivery Status send
 * none).
 */
export type MessageOperation = 'send' | 'reply' | 'createDraft' | 'sendAndWait';

/** One item, fully validated and planned; nothing has been sent. */
export interface PreparedItem {
	index: number;
	operation: MessageOperation;
	sender: string;
	input: MessageInput;
	attachments: AttachmentSource[];
	plan: DeliveryPlan;
	dryRun: boolean;
	passThroughBinary: boolean;
	/**
	 * Idempotency Key: the key and its hash, the value of the marker the message carries
	 * (execute/idempotency).
	 */
	idempotency?: { key: string; hash: string };
}

/**
 * An operation that delivers one message per item through the run's phases (validate → Dry Run →
 * sign in → deliver → output). `read` takes everything from n8n; `plan` is pure, so plan choice is
 * tested without n8n.
 */
export interface MessageOperationSpec<Fields> {
	kind: 'message';
	/** Reads and checks the item's fields in the editor's order, before any request. */
	read(ctx: IExecuteFunctions, index: number, settings: GraphSettings): Promise<Fields>;
	/** The item with its delivery plan: the typed steps delivery/requests/ turns into requests. */
	plan(fields: Fields): PreparedItem;
	/** The output's message fields; by default sender, recipients and subject (execute/output.ts). */
	summary?(item: PreparedItem, delivery?: Delivery): IDataObject;
	/** The input items it delivers; by default all of them. */
	items?(items: INodeExecutionData[]): INodeExecutionData[];
	/** What the node returns once the items are delivered; by default their output items. */
	afterDelivery?(
		ctx: IExecuteFunctions,
		delivered: boolean,
		output: INodeExecutionData[],
	): Promise<INodeExecutionData[][]>;
}

/** An operation that sends no message and runs on its own, outside the delivery phases. */
export interface StandaloneOperationSpec {
	kind: 'standalone';
	execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}
