import { outcomeOf } from '../../shared/outcome';
import type { GraphClient, GraphResponse } from '../../shared/transport/graphClient';
import { DeliveryUnknownError, GraphApiError } from '../../shared/transport/graphErrors';
import { UploadSessionError, uploadStream } from '../../shared/transport/uploadSession';
import { fileAttachmentJson, sendMailBody, uploadSessionItem } from '../message/build';
import type { AttachmentSource } from '../message/attachments';
import { confirmedIdentity, runConfirmStep } from './confirm';
import { DraftMayExistError } from './draftError';
import type { FoundMessage } from './findSent';
import { draftJson, sendMailMessage } from './identity';
import { MIME_HEADERS, mimeBody } from './mime';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { oneRequestAddressing, prependToReplyDraft, readOriginal } from './replyQuote';
import { createReplyDraft, sendReply, type ReplyAddressing } from './replySteps';
import { IMMUTABLE_ID_HEADERS } from './schedule';

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
interface StepState {
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

type JsonField = 'id' | 'uploadUrl' | 'internetMessageId' | 'conversationId' | 'webLink';

function jsonField(response: GraphResponse, field: JsonField): string | undefined {
	const value = (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)[field];
	return typeof value === 'string' && value ? value : undefined;
}

function identityOf(response: GraphResponse): MessageIdentity {
	const identity: MessageIdentity = {};
	for (const field of ['id', 'internetMessageId', 'conversationId', 'webLink'] as const) {
		const value = jsonField(response, field);
		if (value) identity[field] = value;
	}
	return identity;
}

function delivery(response: { requestId?: string; clientRequestId: string }, notes: string[]) {
	const { requestId, clientRequestId } = response;
	return { requestId, clientRequestId, sentAt: new Date().toISOString(), notes };
}

/** The draft's content: JSON, or base64 MIME without attachments (delivery/mime.ts). */
async function draftContent(plan: DeliveryPlan, mime: boolean) {
	if (!mime) return { json: draftJson(plan), headers: IMMUTABLE_ID_HEADERS };
	const body = Buffer.from(await mimeBody(plan, []), 'utf8');
	return { body, headers: { ...MIME_HEADERS, ...IMMUTABLE_ID_HEADERS } };
}

async function createDraft(
	graph: GraphClient,
	plan: DeliveryPlan,
	state: StepState,
	mime: boolean,
) {
	const content = await draftContent(plan, mime);
	const created = await outcomeOf(() =>
		graph.request({
			operation: 'create draft',
			method: 'POST',
			url: graph.userUrl(plan.sender, 'messages'),
			...content,
			authenticated: true,
			replay: 'notIfSent',
			// An unclear answer leaves a draft that may exist: reported below, never blindly repeated.
			delivers: true,
		}),
	);
	if (!created.ok) {
		const error = created.error;
		if (!(error instanceof DeliveryUnknownError)) throw error;
		const subject = typeof plan.message.subject === 'string' ? plan.message.subject : '';
		const { reason, requestId, clientRequestId } = error;
		throw new DraftMayExistError(reason, plan.sender, subject, requestId, clientRequestId);
	}
	state.draft = identityOf(created.value);
	state.created = delivery(created.value, []);
	state.draftId = state.draft.id;
	if (!state.draftId) throw new Error('Microsoft Graph created a draft but returned no id.');
}

async function uploadAttachment(
	graph: GraphClient,
	plan: DeliveryPlan,
	draftId: string,
	step: Extract<DeliveryStep, { kind: 'uploadAttachment' }>,
) {
	const { source } = step;
	const session = await graph.request({
		operation: `create upload session for "${source.name}"`,
		method: 'POST',
		url: `${graph.userUrl(plan.sender, 'messages', draftId, 'attachments')}/createUploadSession`,
		json: uploadSessionItem(source),
		authenticated: true,
		replay: 'notIfSent',
	});
	const uploadUrl = jsonField(session, 'uploadUrl');
	if (!uploadUrl)
		throw new UploadSessionError(`Microsoft Graph returned no upload URL for "${source.name}".`);
	await uploadStream(graph, uploadUrl, await source.openStream(), source.size, `"${source.name}"`);
}

async function sendDraft(graph: GraphClient, plan: DeliveryPlan, draftId: string) {
	const sent = await outcomeOf(() =>
		graph.request({
			operation: 'send draft',
			method: 'POST',
			url: `${graph.userUrl(plan.sender, 'messages', draftId)}/send`,
			authenticated: true,
			// Safe to repeat: a draft that was already sent no longer exists and the repeat gets 404.
			replay: 'always',
			delivers: true,
		}),
	);
	if (sent.ok) return delivery(sent.value, []);
	const error = sent.error;
	if (error instanceof GraphApiError && error.status === 404 && error.attempts > 1) {
		return delivery(error, [
			'The first send got no clear answer; repeating it returned 404 because the draft had already been sent, so it was delivered once.',
		]);
	}
	throw error;
}

/** Sets what MIME cannot carry on the draft (delivery/mime.ts); the same PATCH twice leaves the same draft. */
async function patchDraft(graph: GraphClient, plan: DeliveryPlan, draftId: string, body: object) {
	await graph.request({
		operation: 'update draft',
		method: 'PATCH',
		url: graph.userUrl(plan.sender, 'messages', draftId),
		json: body,
		authenticated: true,
		replay: 'always',
	});
}

/** MIME sendMail: the base64 RFC 5322 message is the body (learn.microsoft.com/graph/api/user-sendmail). */
async function sendMime(graph: GraphClient, plan: DeliveryPlan, attachments: AttachmentSource[]) {
	const body = Buffer.from(await mimeBody(plan, attachments), 'utf8');
	const response = await graph.request({
		operation: 'sendMail',
		method: 'POST',
		url: graph.userUrl(plan.sender, 'sendMail'),
		body,
		headers: MIME_HEADERS,
		authenticated: true,
		replay: 'notIfSent',
		delivers: true,
	});
	return delivery(response, []);
}

async function runStep(
	graph: GraphClient,
	plan: DeliveryPlan,
	step: DeliveryStep,
	state: StepState,
) {
	const draftId = state.draftId ?? '';
	switch (step.kind) {
		case 'sendMail': {
			const attachments = [];
			for (const source of step.attachments)
				attachments.push(fileAttachmentJson(source, await source.readAll()));
			const response = await graph.request({
				operation: 'sendMail',
				method: 'POST',
				url: graph.userUrl(plan.sender, 'sendMail'),
				json: sendMailBody(sendMailMessage(plan), plan.saveToSentItems, attachments),
				authenticated: true,
				replay: 'notIfSent',
				delivers: true,
			});
			state.delivered = delivery(response, []);
			return;
		}
		case 'createDraft':
			return await createDraft(graph, plan, state, false);
		case 'createDraftMime':
			return await createDraft(graph, plan, state, true);
		case 'patchDraft':
			return await patchDraft(graph, plan, draftId, step.body);
		case 'sendMime':
			state.delivered = await sendMime(graph, plan, step.attachments);
			return;
		case 'addAttachment':
			await graph.request({
				operation: `add attachment "${step.source.name}"`,
				method: 'POST',
				url: graph.userUrl(plan.sender, 'messages', draftId, 'attachments'),
				json: fileAttachmentJson(step.source, await step.source.readAll()),
				authenticated: true,
				replay: 'notIfSent',
			});
			return;
		case 'uploadAttachment':
			return await uploadAttachment(graph, plan, draftId, step);
		case 'sendDraft':
			state.delivered = await sendDraft(graph, plan, draftId);
			return;
		case 'reply': {
			state.delivered = delivery(await sendReply(graph, plan, step), []);
			const original = await readOriginal(graph, plan, step.target);
			if (original) state.delivered.reply = oneRequestAddressing(original, step.target, plan);
			return;
		}
		case 'prependReply':
			return await prependToReplyDraft(graph, plan, draftId, state.quoted ?? '');
		case 'createReply':
			Object.assign(state, await createReplyDraft(graph, plan, step));
			return;
		case 'keepDraft':
			state.delivered = state.created;
			return;
		case 'checkSentAccess':
			await runConfirmStep(graph, plan, step);
			return;
		case 'findSent': {
			// After the send nothing may fail the item: a retry would send the message again.
			const found = await outcomeOf(() => runConfirmStep(graph, plan, step));
			if (found.ok) state.found = found.value;
			else
				state.delivered?.notes.push(
					`Sent Items could not be read: ${found.error instanceof Error ? found.error.message : String(found.error)}`,
				);
			return;
		}
	}
}

/** Best effort: the original failure is what the user needs to see, so a failed delete is not reported. */
async function deleteDraft(graph: GraphClient, sender: string, draftId: string): Promise<void> {
	await outcomeOf(() =>
		graph.request({
			operation: 'delete draft',
			method: 'DELETE',
			url: graph.userUrl(sender, 'messages', draftId),
			authenticated: true,
			replay: 'always',
		}),
	);
}

/**
 * Runs the plan's steps in order. A draft is deleted when a step before its send fails, or when Microsoft clearly
 * refused the send; after an unclear send it is kept, because the message may be on its way.
 */
export async function executePlan(graph: GraphClient, plan: DeliveryPlan): Promise<Delivery> {
	const state: StepState = {};
	for (const step of plan.steps) {
		const done = await outcomeOf(() => runStep(graph, plan, step, state));
		if (done.ok) continue;
		const refused = step.kind !== 'sendDraft' || done.error instanceof GraphApiError;
		if (state.draftId && refused) await deleteDraft(graph, plan.sender, state.draftId);
		throw done.error;
	}
	if (!state.delivered) throw new Error('The delivery plan has no step that sends the message.');
	// The draft's identity stays the message's identity after it is sent (Message-ID, conversation); the sent
	// copy, where it was read back, is Exchange's last word (delivery/confirm.ts).
	const { notes } = state.delivered;
	const identity = confirmedIdentity(plan, state.draft, state.found, notes);
	return { ...state.draft, ...state.delivered, ...identity };
}
