import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import type { GraphSettings } from '../../shared/credential/settings';
import type { Delivery } from '../delivery/execute';
import type { LedgerScope } from './deliveryLedger';
import { toItemFailure, type ItemFailure } from './errors';
import type { MessageOperation, PreparedItem } from './operations/types';

/** What one node execution works with; read once, passed to every phase. */
export interface RunContext {
	ctx: IExecuteFunctions;
	node: INode;
	operation: MessageOperation;
	items: INodeExecutionData[];
	settings: GraphSettings;
	maxConcurrency: number;
	timeoutMs: number;
	continueOnFail: boolean;
	/**
	 * Where deliveries are remembered across n8n's retries; undefined when n8n gives no execution id.
	 */
	ledger?: LedgerScope;
}

/**
 * Where one item stands. Each phase (validate → preview → sign in → deliver → output) takes the
 * list and returns it with some items moved on; an item never moves back.
 */
export type ItemOutcome =
	| { state: 'ready'; index: number; item: PreparedItem }
	| { state: 'done'; index: number; output: INodeExecutionData; delivered?: Delivery }
	| { state: 'failed'; index: number; failure: ItemFailure };

export function failed(
	run: RunContext,
	index: number,
	error: unknown,
	item?: PreparedItem,
	permission?: string,
): ItemOutcome {
	const failure = toItemFailure(run.node, error, {
		index,
		sender: item?.sender,
		clientId: run.settings.clientId,
		fromAddress: item?.input.from?.address,
		permission,
	});
	return { state: 'failed', index, failure };
}

/**
 * Without Continue On Fail the first failure ends the run: nothing was delivered before this phase.
 */
export function stopUnlessContinuing(run: RunContext, outcome: ItemOutcome): void {
	if (outcome.state === 'failed' && !run.continueOnFail) throw outcome.failure.error;
}
