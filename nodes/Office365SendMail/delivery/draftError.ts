import { DeliveryUnknownError } from '../../shared/transport/graphErrors';

/**
 * Creating a draft got no clear answer (500/502/504, or the connection was lost after the request
 * was sent): Microsoft may have created it. Nothing was sent, but a draft may be left in the
 * mailbox's Drafts folder.
 */
export class DraftMayExistError extends Error {
	constructor(
		readonly reason: string,
		readonly mailbox: string,
		readonly subject: string,
		readonly requestId: string | undefined,
		readonly clientRequestId: string,
	) {
		super(`create draft: outcome unknown (${reason})`);
		this.name = 'DraftMayExistError';
	}
}

/**
 * An unclear answer to a request that creates a draft becomes DraftMayExistError; other failures
 * stay as they are.
 */
export function draftMayExist(error: unknown, mailbox: string, subject: string): unknown {
	if (!(error instanceof DeliveryUnknownError)) return error;
	const { reason, requestId, clientRequestId } = error;
	return new DraftMayExistError(reason, mailbox, subject, requestId, clientRequestId);
}
