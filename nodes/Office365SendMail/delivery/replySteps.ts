import { outcomeOf } from '../../shared/outcome';
import {
	graphUserUrl,
	type GraphClient,
	type GraphResponse,
} from '../../shared/transport/graphClient';
import { DeliveryUnknownError, GraphApiError } from '../../shared/transport/graphErrors';
import { fileAttachmentJson } from '../message/build';
import { excerpt } from '../../shared/text/headerSafe';
import { InputError } from '../../shared/text/inputError';
import { formatRecipient } from '../../shared/address/recipients';
import { DraftMayExistError } from './draftError';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { replyBody } from './replyPlan';
import type { ReplyTarget } from './replyTarget';

type ReplyStep = Extract<DeliveryStep, { kind: 'reply' }>;
type CreateReplyStep = Extract<DeliveryStep, { kind: 'createReply' }>;

/** Who a reply went to and its subject, as Graph returned them on the reply draft. */
export type ReplyAddressing = {
	toRecipients: string[];
	ccRecipients: string[];
	bccRecipients: string[];
	subject: string;
};

/** What the reply draft says about itself: its id and the identity the sent reply keeps. */
export interface ReplyDraft {
	draftId: string;
	draft: {
		id: string;
		internetMessageId?: string;
		conversationId?: string;
		webLink?: string;
		reply: ReplyAddressing;
	};
}

function actionOf(target: ReplyTarget, draft: boolean): string {
	if (draft) return target.replyAll ? 'createReplyAll' : 'createReply';
	return target.replyAll ? 'replyAll' : 'reply';
}

/**
 * Graph answers 404 ErrorItemNotFound for an ID that is not a message of this mailbox (another mailbox's, deleted,
 * or moved: Exchange IDs change with the folder unless immutable IDs are used). The fix is in the input.
 */
function unknownMessage(error: unknown, plan: DeliveryPlan, target: ReplyTarget): unknown {
	if (!(error instanceof GraphApiError) || error.status !== 404) return error;
	if (error.code !== 'ErrorItemNotFound' && error.code !== 'ResourceNotFound') return error;
	return new InputError(
		'Message ID',
		`Mailbox ${plan.sender} has no message with ID ${excerpt(target.messageId, 24)} (Microsoft Graph ${error.code}, request-id ${error.requestId ?? 'n/a'}). Use the ID of a message in the sender mailbox, e.g. from a Microsoft Outlook trigger on it; IDs from another mailbox, of deleted messages, or from before the message was moved to another folder are not found.`,
	);
}

/**
 * POSTs one of the reply actions on the message answered. It counts as delivering: an unclear answer (a sent reply,
 * or a reply draft that may exist) is reported, never blindly repeated.
 */
function postAction(
	graph: GraphClient,
	plan: DeliveryPlan,
	target: ReplyTarget,
	action: string,
	json: unknown,
) {
	return outcomeOf(() =>
		graph.request({
			operation: action,
			method: 'POST',
			url: graph.userUrl(plan.sender, 'messages', target.messageId, action),
			json,
			authenticated: true,
			replay: 'notIfSent',
			delivers: true,
		}),
	);
}

/** `POST …/messages/{id}/reply|replyAll` with `{ message }`: 202, no body (https://learn.microsoft.com/graph/api/message-reply, https://learn.microsoft.com/graph/api/message-replyall). */
export async function sendReply(
	graph: GraphClient,
	plan: DeliveryPlan,
	step: ReplyStep,
): Promise<GraphResponse> {
	const attachments: Record<string, unknown>[] = [];
	for (const source of step.attachments)
		attachments.push(fileAttachmentJson(source, await source.readAll()));
	const action = actionOf(step.target, false);
	const sent = await postAction(
		graph,
		plan,
		step.target,
		action,
		replyBody(plan.message, attachments),
	);
	if (!sent.ok) throw unknownMessage(sent.error, plan, step.target);
	return sent.value;
}

function recipientsOf(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value.flatMap((r: { emailAddress?: { address?: unknown; name?: unknown } }) => {
		const address = r?.emailAddress?.address;
		if (typeof address !== 'string') return [];
		const name = r.emailAddress?.name;
		return [formatRecipient({ address, name: typeof name === 'string' ? name : undefined })];
	});
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value ? value : undefined;
}

function replyDraftOf(response: GraphResponse): ReplyDraft {
	const json = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
	const id = text(json.id);
	if (!id) throw new Error('Microsoft Graph created a reply draft but returned no id.');
	const reply = {
		toRecipients: recipientsOf(json.toRecipients),
		ccRecipients: recipientsOf(json.ccRecipients),
		bccRecipients: recipientsOf(json.bccRecipients),
		subject: typeof json.subject === 'string' ? json.subject : '',
	};
	const draft: ReplyDraft['draft'] = { id, reply };
	for (const field of ['internetMessageId', 'conversationId', 'webLink'] as const) {
		const value = text(json[field]);
		if (value) draft[field] = value;
	}
	return { draftId: id, draft };
}

/**
 * `POST …/messages/{id}/createReply|createReplyAll` with `{ message }`: 201 and the draft, with the recipients and
 * subject Outlook derived (https://learn.microsoft.com/graph/api/message-createreply, https://learn.microsoft.com/graph/api/message-createreplyall). Needs Mail.ReadWrite.
 */
export async function createReplyDraft(
	graph: GraphClient,
	plan: DeliveryPlan,
	step: CreateReplyStep,
): Promise<ReplyDraft> {
	const action = actionOf(step.target, true);
	const created = await postAction(graph, plan, step.target, action, replyBody(plan.message));
	if (created.ok) return replyDraftOf(created.value);
	const { error } = created;
	if (!(error instanceof DeliveryUnknownError)) throw unknownMessage(error, plan, step.target);
	const { reason, requestId, clientRequestId } = error;
	const subject = 'RE: (the subject of the message answered)';
	throw new DraftMayExistError(reason, plan.sender, subject, requestId, clientRequestId);
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** Dry Run of the reply steps: the same URL and body a real run sends. */
export async function renderReplyStep(
	graphEndpoint: string,
	plan: DeliveryPlan,
	step: ReplyStep | CreateReplyStep,
) {
	const draft = step.kind === 'createReply';
	const action = actionOf(step.target, draft);
	const url = graphUserUrl(graphEndpoint, plan.sender, 'messages', step.target.messageId, action);
	const attachments: Record<string, unknown>[] = [];
	if (!draft)
		for (const source of step.attachments)
			attachments.push(fileAttachmentJson(source, await source.readAll()));
	const body = replyBody(plan.message, attachments);
	return [{ method: 'POST', url, headers: JSON_HEADERS, body }];
}
