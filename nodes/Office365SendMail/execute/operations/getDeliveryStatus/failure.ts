import { NodeOperationError, type INode } from 'n8n-workflow';

import type { GraphSettings } from '../../../../shared/credential/settings';
import { TraceBudgetError } from '../../../../shared/transport/traceBudget';
import { toItemFailure, type ItemFailure } from '../../errors';
import { TRACE_PERMISSION, TraceUnavailableError } from './words';

function budgetWords(error: TraceBudgetError): string {
	const seconds = Math.max(1, Math.ceil((error.nextAt - Date.now()) / 1000));
	const who = error.byMicrosoft
		? 'Microsoft throttled message trace for this tenant (429, Retry-After)'
		: "This n8n process has used the tenant's message trace budget (100 requests per 5 minutes, shared by every item and execution)";
	return `${who}; the next request is possible in ${seconds} s, after this item may wait, so it was not looked up. Look up fewer items at once, raise Wait Seconds, or run it again later.`;
}

/**
 * A failed item in words: message trace that cannot be used (permission, prerequisite, cloud) and a
 * spent budget get their own messages; everything else is said as for the other operations, naming
 * the trace permission.
 */
export function traceFailure(
	node: INode,
	error: unknown,
	index: number,
	settings?: GraphSettings,
	sender?: string,
): ItemFailure {
	const clientId = settings?.clientId ?? '';
	const base = { itemIndex: index, sender };
	if (error instanceof TraceUnavailableError) {
		const message = `Item ${index}: ${error.message}`;
		return {
			status: 'failed',
			error: new NodeOperationError(node, message, { itemIndex: index, description: error.fix }),
			json: { ...base, errorCode: 'MessageTraceUnavailable', reason: error.reason, fix: error.fix },
		};
	}
	if (error instanceof TraceBudgetError) {
		const message = `Item ${index}: ${budgetWords(error)}`;
		return {
			status: 'failed',
			error: new NodeOperationError(node, message, { itemIndex: index }),
			json: {
				...base,
				errorCode: 'MessageTraceBudget',
				retryAt: new Date(error.nextAt).toISOString(),
			},
		};
	}
	return toItemFailure(node, error, { index, sender, clientId, permission: TRACE_PERMISSION });
}
