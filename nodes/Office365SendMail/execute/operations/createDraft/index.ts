import { draftOnly } from '../../../delivery/schedule';
import { planSendNow, readSend, type SendFields } from '../send';
import { confirmedIfAsked, itemFlags } from '../sharedReaders';
import type { MessageOperationSpec, PreparedItem } from '../types';

/**
 * Create Draft: the message Send would send, with the same fields, options and attachments of any
 * size, created in the sender's Drafts folder and left there (needs Mail.ReadWrite, not Mail.Send).
 */
export function planCreateDraft(fields: SendFields): PreparedItem {
	const { index, sender, input, attachments, options } = fields;
	const plan = draftOnly(confirmedIfAsked(planSendNow(fields), options));
	return {
		index,
		operation: 'createDraft',
		sender,
		input,
		attachments,
		plan,
		...itemFlags(options),
	};
}

export const createDraft: MessageOperationSpec<SendFields> = {
	kind: 'message',
	// Send At is Send's alone: a draft is not scheduled.
	read: (ctx, index, settings) => readSend(ctx, index, settings, false),
	plan: planCreateDraft,
};
