import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../../../shared/text/inputError';
import { checkSetup } from './checkSetup';
import { createDraft } from './createDraft';
import { getDeliveryStatus } from './getDeliveryStatus';
import { reply } from './reply';
import { send } from './send';
import { sendAndWait } from './sendAndWait';
import type { MessageOperation, MessageOperationSpec, StandaloneOperationSpec } from './types';

/**
 * Every operation of the node, by its `operation` value: message operations read, plan and
 * summarise one item each and go through the delivery phases; standalone ones run on their own. A
 * new operation is one folder here and one line in this table.
 */
const OPERATIONS: Record<MessageOperation, MessageOperationSpec<unknown>> &
	Record<'checkSetup' | 'getDeliveryStatus', StandaloneOperationSpec> = {
	send,
	reply,
	createDraft,
	sendAndWait,
	checkSetup,
	getDeliveryStatus,
};

export type OperationName = keyof typeof OPERATIONS;

/**
 * The node's operation. It takes no expressions (noDataExpression), so it is the same for every
 * item; workflows saved before the parameter existed get its default, `send`.
 */
export function operationOf(ctx: IExecuteFunctions): OperationName {
	const value = ctx.getNodeParameter('operation', 0, 'send');
	if (typeof value !== 'string' || !Object.hasOwn(OPERATIONS, value)) {
		throw new InputError('Operation', `Unknown operation ${JSON.stringify(value).slice(0, 40)}.`);
	}
	return value as OperationName;
}

export function operationSpec(
	name: OperationName,
): MessageOperationSpec<unknown> | StandaloneOperationSpec {
	return OPERATIONS[name];
}

/** The spec of a message operation (the run's phases are only entered for those). */
export function messageOperation(name: MessageOperation): MessageOperationSpec<unknown> {
	return OPERATIONS[name];
}
