import {
	graphUserUrl,
	type GraphClient,
	type GraphRequest,
	type GraphResponse,
} from '../../../shared/transport/graphClient';
import type { AttachmentSource } from '../../message/attachments';
import { fileAttachmentJson } from '../../message/build';
import type { DeliveryPlan, DeliveryStep } from '../plan';
import type { RunState } from './answers';

/**
 * One Graph request, as the real run sends it (delivery/execute.ts) and Dry Run shows it (delivery/render.ts).
 * Both read the same description, so what Dry Run shows is what a run sends.
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
	/** 'always': repeating is harmless; 'notIfSent': only when Microsoft says it was not processed. */
	replay: GraphRequest['replay'];
	/** A success delivers mail (or creates a draft): an unclear answer is reported, never blindly repeated. */
	delivers?: boolean;
	/** The same request again until the answer names what is looked for, for at most this long. */
	repeatForMs?: number;
	/** A read after the send whose failure changes nothing: Dry Run lists only what delivers the message. */
	bestEffort?: boolean;
}

/** What requests are built from: the plan, and what earlier answers told (absent in Dry Run: placeholders). */
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
