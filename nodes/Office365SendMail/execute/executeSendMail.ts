import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readGraphSettings } from '../../shared/credential/settings';
import { outcomeOf, outcomeOfSync } from '../../shared/outcome';
import { CREDENTIAL_TYPE } from '../description/constants';
import { InputError } from '../../shared/text/inputError';
import { deliverAll } from './deliver';
import type { LedgerScope } from './deliveryLedger';
import { toItemFailure } from './errors';
import { messageOperation, operationOf, operationSpec } from './operations';
import type { MessageOperation } from './operations/types';
import { failedItem, outputItems } from './output';
import type { RunContext } from './outcomes';
import { previewAll, validateAll } from './validate';

const DEFAULT_TIMEOUT_SECONDS = 120;

/** Node-level options are read from the first item: they shape the run, not one message. */
function runOptions(ctx: IExecuteFunctions): Pick<RunContext, 'maxConcurrency' | 'timeoutMs'> {
	const options = (
		ctx.getInputData().length ? ctx.getNodeParameter('options', 0, {}) : {}
	) as IDataObject;
	const concurrency = Number(options.maxConcurrency ?? 4);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4) {
		throw new InputError(
			'Max Concurrency',
			'Must be a whole number from 1 to 4 (Graph allows 4 concurrent requests per mailbox).',
		);
	}
	const timeout = Number(options.requestTimeout ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(timeout) || timeout < 1 || timeout > 900)
		throw new InputError('Request Timeout', 'Must be between 1 and 900 seconds.');
	return { maxConcurrency: concurrency, timeoutMs: Math.round(timeout * 1000) };
}

/** The key under which deliveries of this node run are remembered across n8n's Retry On Fail. */
function ledgerScope(ctx: IExecuteFunctions): LedgerScope | undefined {
	const executionId = ctx.getExecutionId?.();
	const node = ctx.getNode();
	// Only Retry On Fail runs a node again in the same execution; without it there is nothing to
	// remember.
	if (!executionId || !node.retryOnFail) return undefined;
	// A loop that runs this node again in the same execution is a new run, not a retry.
	const read = outcomeOfSync(() => ctx.getWorkflowDataProxy(0).$runIndex as unknown);
	const runIndex = read.ok && typeof read.value === 'number' ? read.value : 0;
	return { executionId, nodeId: node.id ?? node.name, runIndex };
}

async function runContext(
	ctx: IExecuteFunctions,
	operation: MessageOperation,
): Promise<RunContext> {
	const items = ctx.getInputData();
	const chosen = messageOperation(operation).items;
	return {
		ctx,
		node: ctx.getNode(),
		operation,
		items: chosen ? chosen(items) : items,
		settings: readGraphSettings(await ctx.getCredentials(CREDENTIAL_TYPE)),
		...runOptions(ctx),
		continueOnFail: ctx.continueOnFail(),
		ledger: ledgerScope(ctx),
	};
}

/**
 * The node's execute: validate and plan every item → Dry Run previews → sign in → deliver → output.
 * Each phase takes the items' outcomes and returns them; the Continue On Fail policy is applied in
 * the phases and in output.
 */
export async function executeSendMail(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = outcomeOfSync(() => operationOf(this));
	const spec = operation.ok ? operationSpec(operation.value) : undefined;
	if (spec?.kind === 'standalone') return await spec.execute(this);
	const setup = await outcomeOf(async () => {
		if (!operation.ok) throw operation.error;
		return await runContext(this, operation.value as MessageOperation);
	});
	if (!setup.ok) {
		// Credential or run options unusable: every item fails the same way, before any request.
		const node = this.getNode();
		const failure = toItemFailure(node, setup.error, { index: 0, clientId: '' });
		if (!this.continueOnFail()) throw failure.error;
		return [
			this.getInputData().map((_, i) =>
				failedItem(node, i, { ...failure, json: { ...failure.json, itemIndex: i } }),
			),
		];
	}
	const run = setup.value;
	const validated = await validateAll(run);
	const previewed = await previewAll(run, validated.outcomes);
	const delivered = await deliverAll(run, previewed, validated.signIn);
	const output = outputItems(run, delivered);
	const after = messageOperation(run.operation).afterDelivery;
	if (!after) return [output];
	const first = delivered[0];
	return await after(this, first?.state === 'done' && !!first.delivered, output);
}
