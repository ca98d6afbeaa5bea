import {
	graphUserUrl,
	type GraphClient,
	type GraphRequest,
	type GraphResponse,
} from '../../../shared/transport/graphClient';
import type { FoundMessage } from '../findSent';
import type { AttachmentSource } from '../../message/attachments';
import { fileAttachmentJson } from '../../message/build';
import type { DeliveryPlan, DeliveryStep } from '../plan';

/**
 * One Graph request, as the real run sends it (delivery/execute.ts) and Dry Run shows it
 * (delivery/render.ts). Both read the same description, so what Dry Run shows is what a run sends.
 */
export interface RequestDescription {
	/** How errors name the request, e.g. "sendMail" or "create draft". */
	label: string;
	method: GraphRequest['method'];
	url: string;
	headers: Record<string, string>;
	/** JSON, or text: a base64 MIME message, or in Dry Run what stands for upload bytes. */
	body?: { json: unknown } | { text: string };
	/** False only for pre-authenticated upload URLs, which must never get the bearer token. */
	authenticated: boolean;
	/**
	 * 'always': repeating is harmless; 'notIfSent': only when Microsoft says it was not processed.
	 */
	replay: GraphRequest['replay'];
	/**
	 * A success delivers mail (or creates a draft): an unclear answer is reported, never blindly
	 * repeated.
	 */
	delivers?: boolean;
	/** The same request again until the answer names what is looked for, for at most this long. */
	repeatForMs?: number;
	/**
	 * A read after the send whose failure changes nothing: Dry Run lists only what delivers the
	 * message.
	 */
	bestEffort?: boolean;
}

/**
 * What requests are built from: the plan, and what earlier answers told (absent in Dry Run:
 * placeholders).
 */
export interface At {
	graphEndpoint: string;
	plan: DeliveryPlan;
	known?: { draftId: string; quoted: string };
}

/** What a real run gives a step: the answers so far, and how to send a description. */
export interface Run {
	graph: GraphClient;
	plan: DeliveryPlan;
	state: RunState;
	send(request: RequestDescription): Promise<GraphResponse>;
}

/** One Graph call: its requests, and what the real run does with Microsoft's answers. */
export interface GraphCall<S extends DeliveryStep> {
	describe(step: S, at: At): Promise<RequestDescription[]>;
	run(requests: RequestDescription[], step: S, run: Run): Promise<void>;
}

/**
 * A POST that delivers mail or creates a draft: never repeated unless Microsoft says it was not
 * processed, and an unclear answer is reported rather than retried.
 */
export function deliveringPost(label: string, url: string) {
	return {
		label,
		method: 'POST' as const,
		url,
		authenticated: true,
		replay: 'notIfSent' as const,
		delivers: true,
	};
}

export const JSON_HEADERS: Record<string, string> = { 'Content-Type': 'application/json' };

/** Stands for the draft's id in Dry Run, where no draft exists. */
export const DRAFT_ID = '{draft-id}';

/** `{graph}/v1.0/users/{sender}/{segments…}` (graphUserUrl encodes mailbox and ids). */
export function userUrl(at: At, ...segments: string[]): string {
	return graphUserUrl(at.graphEndpoint, at.plan.sender, ...segments);
}

/** The draft's URL: its id once Graph named it, else the readable placeholder. */
export function draftUrl(at: At, ...segments: string[]): string {
	if (at.known) return userUrl(at, 'messages', at.known.draftId, ...segments);
	return userUrl(at, 'messages', DRAFT_ID, ...segments).replace(
		encodeURIComponent(DRAFT_ID),
		DRAFT_ID,
	);
}

/** File attachments inside one JSON request (sendMail, reply): the bytes are read now. */
export async function inlineAttachments(
	sources: AttachmentSource[],
): Promise<Record<string, unknown>[]> {
	const attachments: Record<string, unknown>[] = [];
	for (const source of sources)
		attachments.push(fileAttachmentJson(source, await source.readAll()));
	return attachments;
}

/** The description as the Graph client takes it (the client adds ids, the token and the gate). */
export function graphRequest(d: RequestDescription): GraphRequest {
	const { label, method, url, headers, body, authenticated, replay, delivers } = d;
	const payload = !body
		? {}
		: 'json' in body
			? { json: body.json }
			: { body: Buffer.from(body.text, 'utf8') };
	return {
		operation: label,
		method,
		url,
		headers,
		...payload,
		authenticated,
		replay,
		...(delivers ? { delivers } : {}),
	};
}

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
	/**
	 * True only when the Message-ID came from Exchange (a draft's answer, or the sent copy read
	 * back).
	 */
	internetMessageIdConfirmed?: boolean;
	conversationId?: string;
	webLink?: string;
	/** A reply's recipients and subject, as Outlook derived them (known on the reply-draft path). */
	reply?: ReplyAddressing;
}

/**
 * What the delivering request answered; notes explain anything unusual about how it was delivered.
 */
export interface Delivery extends MessageIdentity {
	requestId?: string;
	clientRequestId: string;
	sentAt: string;
	notes: string[];
}

/**
 * What the steps of one plan share: the draft they work on and the answer of the delivering
 * request.
 */
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
