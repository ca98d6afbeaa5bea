import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { draftOnly } from '../../delivery/schedule';
import type { PreparedItem } from './readers';
import { prepareSend } from './send';

/**
 * Create Draft: the message Send would send, with the same fields, options and attachments of any size, created
 * in the sender's Drafts folder and left there (needs Mail.ReadWrite, not Mail.Send).
 */
export async function prepareCreateDraft(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<PreparedItem> {
	const message = await prepareSend(ctx, index, settings);
	return { ...message, operation: 'createDraft', plan: draftOnly(message.plan) };
}
