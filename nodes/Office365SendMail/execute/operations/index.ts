import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { InputError } from '../../../shared/text/inputError';
import type { MessageOperation, PreparedItem } from './readers';
import { prepareCreateDraft } from './createDraft';
import { prepareReply } from './reply';
import { prepareSend } from './send';
import { prepareSendAndWaitItem } from './sendAndWait';

export type OperationName = MessageOperation | 'checkSetup' | 'getDeliveryStatus';

type Preparer = (
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
) => Promise<PreparedItem>;

/** Each message operation reads and plans one item; its plan's steps say what is sent. */
const PREPARERS: Record<MessageOperation, Preparer> = {
	send: prepareSend,
	reply: prepareReply,
	createDraft: prepareCreateDraft,
	sendAndWait: prepareSendAndWaitItem,
};

const NAMES: OperationName[] = [
	'send',
	'reply',
	'createDraft',
	'sendAndWait',
	'checkSetup',
	'getDeliveryStatus',
];

/**
 * The node's operation. It takes no expressions (noDataExpression), so it is the same for every item; workflows
 * saved before the parameter existed get its default, `send`.
 */
export function operationOf(ctx: IExecuteFunctions): OperationName {
	const value = ctx.getNodeParameter('operation', 0, 'send');
	if (!NAMES.includes(value as OperationName)) {
		throw new InputError('Operation', `Unknown operation ${JSON.stringify(value).slice(0, 40)}.`);
	}
	return value as OperationName;
}

export function preparerOf(operation: MessageOperation): Preparer {
	return PREPARERS[operation];
}
