import type { IDataObject } from 'n8n-workflow';

import { withConfirmation } from '../../delivery/confirm';
import type { DeliveryPlan } from '../../delivery/plan';
import { InputError } from '../../../shared/text/inputError';
import type { PreparedItem } from '../operations/types';
import { idempotencyKeyOf, KEY_FIELD, keyHash } from './key';

/** The same plan carrying the key's marker; without Confirm Message-ID's extra requests. */
function markedPlan(plan: DeliveryPlan, hash: string): DeliveryPlan {
	if (plan.marker === hash) return plan;
	const marked = withConfirmation(plan, 0, hash);
	const steps = marked.steps.filter((s) => s.kind !== 'listMessages');
	return { ...marked, steps };
}

/**
 * Reads the item's Idempotency Key and marks its message with the key's hash, so a later run finds
 * it in the mailbox. A message kept nowhere cannot be found: Save to Sent Items off is refused
 * (Create Draft keeps its draft).
 */
export function withIdempotency(item: PreparedItem, options: IDataObject): PreparedItem {
	const key = idempotencyKeyOf(options);
	if (key === undefined) return item;
	if (!item.plan.saveToSentItems && item.operation !== 'createDraft')
		throw new InputError(
			KEY_FIELD,
			'Save to Sent Items is off, so no copy of the message stays in the mailbox for a later run to find, and the key could not keep it from being sent twice. Turn Save to Sent Items on, or remove the Idempotency Key.',
		);
	const hash = keyHash(key);
	return { ...item, plan: markedPlan(item.plan, hash), idempotency: { key, hash } };
}
