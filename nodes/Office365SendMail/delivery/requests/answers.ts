import type { GraphResponse } from '../../../shared/transport/graphClient';
import type { FoundMessage } from '../findSent';

/** Who a reply went to and its subject, as Graph returned them on the reply draft. */
export type ReplyAddressing = {
	toRecipients: string[];
	ccRecipients: string[];
	bccRecipients: string[];
	subject: string;
};

/** The message's identity, as far as Microsoft or the plan made it known. */
export interface MessageIdentity {
	/** Graph message id (of the draft, or the sent message where Graph names it). */
	id?: string;
	/** The RFC 5322 Message-ID recipients see. */
	internetMessageId?: string;
	/** True only when the Message-ID came from Exchange (a draft's answer, or the sent copy read back). */
	internetMessageIdConfirmed?: boolean;
	conversationId?: string;
	webLink?: string;
	/** A reply's recipients and subject, as Outlook derived them (known on the reply-draft path). */
	reply?: ReplyAddressing;
}

/** What the delivering request answered; notes explain anything unusual about how it was delivered. */
export interface Delivery extends MessageIdentity {
	requestId?: string;
	clientRequestId: string;
	sentAt: string;
	notes: string[];
}

/** What the steps of one plan share: the draft they work on and the answer of the delivering request. */
export interface RunState {
	draftId?: string;
	/** What Graph said about the draft when it was created. */
	draft?: MessageIdentity;
	/** The request that created the draft: the result of Create Draft. */
	created?: Delivery;
	delivered?: Delivery;
	/** The sent copy, found in Sent Items by the message's marker (Confirm Message-ID). */
	found?: FoundMessage;
	/** A reply draft's body as createReply made it (the quoted original). */
	quoted?: string;
}

export function jsonOf(response: GraphResponse): Record<string, unknown> {
	return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

export function text(value: unknown): string | undefined {
	return typeof value === 'string' && value ? value : undefined;
}

/** The identity fields Graph names in a message it returns. */
export function identityOf(response: GraphResponse): MessageIdentity {
	const json = jsonOf(response);
	const identity: MessageIdentity = {};
	for (const field of ['id', 'internetMessageId', 'conversationId', 'webLink'] as const) {
		const value = text(json[field]);
		if (value) identity[field] = value;
	}
	return identity;
}

export function delivery(
	response: { requestId?: string; clientRequestId: string },
	notes: string[],
): Delivery {
	const { requestId, clientRequestId } = response;
	return { requestId, clientRequestId, sentAt: new Date().toISOString(), notes };
}
