import { outcomeOf } from '../../../shared/outcome';
import { formatRecipient } from '../../../shared/address/recipients';
import type { GraphResponse } from '../../../shared/transport/graphClient';
import { draftMayExist } from '../draftError';
import { markedMessage } from '../identity';
import type { StepOf } from '../plan';
import { replyBody } from '../replyPlan';
import { withoutBody } from '../replyQuote';
import { jsonOf, text, type RunState } from './types';
import { unknownMessage } from './messageAction';
import { JSON_HEADERS, userUrl, type GraphCall } from './types';

function recipientsOf(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value.flatMap((r: { emailAddress?: { address?: unknown; name?: unknown } }) => {
		const address = r?.emailAddress?.address;
		if (typeof address !== 'string') return [];
		const name = r.emailAddress?.name;
		return [formatRecipient({ address, name: typeof name === 'string' ? name : undefined })];
	});
}

/**
 * What the reply draft says about itself: its id, the identity the sent reply keeps, the quoted
 * original.
 */
function replyDraftOf(response: GraphResponse): Pick<RunState, 'draftId' | 'draft' | 'quoted'> {
	const json = jsonOf(response);
	const id = text(json.id);
	if (!id) throw new Error('Microsoft Graph created a reply draft but returned no id.');
	const reply = {
		toRecipients: recipientsOf(json.toRecipients),
		ccRecipients: recipientsOf(json.ccRecipients),
		bccRecipients: recipientsOf(json.bccRecipients),
		subject: typeof json.subject === 'string' ? json.subject : '',
	};
	const draft: NonNullable<RunState['draft']> = { id, reply };
	for (const field of ['internetMessageId', 'conversationId', 'webLink'] as const) {
		const value = text(json[field]);
		if (value) draft[field] = value;
	}
	const body = json.body as { content?: unknown } | undefined;
	return { draftId: id, draft, quoted: text(body?.content) ?? '' };
}

/**
 * `POST /users/{id}/messages/{message-id}/createReply|createReplyAll` with `{ message }`
 * (https://learn.microsoft.com/graph/api/message-createreply,
 * https://learn.microsoft.com/graph/api/message-createreplyall): 201 and the draft, with the
 * recipients and subject Outlook derived. Without the body when quoting, so the draft keeps the
 * quoted original. Needs Mail.ReadWrite.
 */
export const createActionDraft: GraphCall<StepOf<'createActionDraft'>> = {
	async describe(step, at) {
		const { message } = at.plan;
		const json = replyBody(markedMessage(at.plan, step.quote ? withoutBody(message) : message));
		return [
			{
				label: step.action,
				method: 'POST',
				url: userUrl(at, 'messages', step.target.messageId, step.action),
				headers: JSON_HEADERS,
				body: { json },
				authenticated: true,
				replay: 'notIfSent',
				// An unclear answer leaves a reply draft that may exist: reported, never blindly repeated.
				delivers: true,
			},
		];
	},
	async run([request], { target }, { plan, send, state }) {
		const created = await outcomeOf(() => send(request));
		if (created.ok) {
			Object.assign(state, replyDraftOf(created.value));
			return;
		}
		const subject = 'RE: (the subject of the message answered)';
		throw unknownMessage(draftMayExist(created.error, plan.sender, subject), plan, target);
	},
};
