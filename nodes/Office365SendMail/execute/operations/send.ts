import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { planDelivery } from '../../delivery/plan';
import { scheduledIfAsked } from '../../delivery/schedule';
import { buildGraphMessage, type MessageInput } from '../../message/build';
import { senderOf } from '../../message/fields';
import {
	attachmentsOf,
	commonInput,
	contentOf,
	itemFlags,
	recipientsOf,
	type PreparedItem,
} from '../prepareItem';

/** Send: a new message to the item's recipients. */
export async function prepareSend(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<PreparedItem> {
	const options = ctx.getNodeParameter('options', index, {}) as IDataObject;
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);
	// Fields are checked in the editor's order, so the first problem reported is the first one on screen.
	const recipients = recipientsOf(ctx, index, options);
	const input: MessageInput = {
		...recipients,
		...contentOf(ctx, index),
		...commonInput(options, sender, settings),
	};
	const attachments = await attachmentsOf(ctx, index, options);
	const plan = planDelivery(sender, buildGraphMessage(input), input.saveToSentItems, attachments);
	return {
		index,
		operation: 'send',
		sender,
		input,
		attachments,
		plan: scheduledIfAsked(ctx, options, plan),
		...itemFlags(options),
	};
}
