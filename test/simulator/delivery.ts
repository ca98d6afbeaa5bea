/** Puts an accepted message into the outbox (the simulator's stand-in for Exchange transport). */
import type { RequestContext } from './context';
import type { User } from './state';
import type { DeliveredAttachment, DeliveredMessage, InternetMessageHeader } from './types';

/** Attachments up to this size keep their bytes in the outbox; larger ones only size + sha256. */
export const KEEP_BYTES_LIMIT = 256 * 1024;

export interface Delivery {
	user: User;
	clientId: string;
	via: DeliveredMessage['via'];
	message: Record<string, unknown>;
	saveToSentItems: boolean;
	attachments: DeliveredAttachment[];
	internetMessageHeaders: InternetMessageHeader[];
}

export function deliver(ctx: RequestContext, d: Delivery): DeliveredMessage {
	const delivered: DeliveredMessage = {
		mailbox: d.user.userPrincipalName,
		userId: d.user.id,
		clientId: d.clientId,
		via: d.via,
		message: d.message,
		saveToSentItems: d.saveToSentItems,
		requestId: ctx.requestId,
		clientRequestId: ctx.clientRequestId,
		deliveredAt: new Date().toISOString(),
		attachments: d.attachments,
		internetMessageHeaders: d.internetMessageHeaders,
	};
	ctx.core.state.outbox.push(delivered);
	return delivered;
}
