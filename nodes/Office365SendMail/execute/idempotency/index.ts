import type { INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome } from '../outcomes';
import { sentItem } from '../output';
import type { PreparedItem } from '../operations/types';
import type { KeyedDelivery } from './claimState';
import { deliverKeyed } from './deliverKeyed';

export { planKeyLookups } from './lookupBatch';

/**
 * Runs the item's plan; with an Idempotency Key, at most once per key and sender mailbox
 * (deliverKeyed.ts).
 */
export const deliverPlan: typeof deliverKeyed = async (run, graph, item, roles, send) =>
	item.idempotency ? await deliverKeyed(run, graph, item, roles, send) : await send();

/**
 * A repeat of a key: the first delivery's output with `deduplicated: true`, not an error. It
 * carries no `delivered`, so nothing counts as sent now (Send and Wait does not wait for an answer
 * to a mail it did not send).
 */
export function deduplicatedOutcome(
	item: PreparedItem,
	input: INodeExecutionData,
	delivery: KeyedDelivery,
): ItemOutcome | undefined {
	if (delivery.deduplicated !== true) return undefined;
	const output = sentItem(item, input, delivery);
	output.json.deduplicated = true;
	// Known only for sent messages: a draft or a time not recorded is left out rather than shown
	// empty.
	for (const field of ['sentAt', 'createdAt', 'submittedAt', 'clientRequestId'])
		if (output.json[field] === '') delete output.json[field];
	return { state: 'done', index: item.index, output };
}
