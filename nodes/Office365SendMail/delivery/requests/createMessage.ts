import { outcomeOf } from '../../../shared/outcome';
import { draftMayExist } from '../draftError';
import { draftJson } from '../identity';
import { MIME_HEADERS, mimeBody } from '../mime';
import type { StepOf } from '../plan';
import { IMMUTABLE_ID_HEADERS } from '../schedule';
import { delivery, identityOf } from './types';
import { deliveringPost, draftUrl, JSON_HEADERS, userUrl, type At, type GraphCall } from './types';

/**
 * `POST /users/{id}/messages`: a draft from the JSON message, or from base64 MIME without
 * attachments (https://learn.microsoft.com/graph/api/user-post-messages). 201 with the draft: its
 * id and Message-ID.
 */
export const createMessage: GraphCall<StepOf<'createMessage'>> = {
	async describe(step, at) {
		// An unclear answer leaves a draft that may exist: reported, never blindly repeated.
		const request = deliveringPost('create draft', userUrl(at, 'messages'));
		if (step.format === 'mime') {
			const headers = { ...MIME_HEADERS, ...IMMUTABLE_ID_HEADERS };
			return [{ ...request, headers, body: { text: await mimeBody(at.plan, []) } }];
		}
		const headers = { ...JSON_HEADERS, ...IMMUTABLE_ID_HEADERS };
		return [{ ...request, headers, body: { json: draftJson(at.plan) } }];
	},
	async run([request], _step, { plan, send, state }) {
		const created = await outcomeOf(() => send(request));
		if (!created.ok) {
			const subject = typeof plan.message.subject === 'string' ? plan.message.subject : '';
			throw draftMayExist(created.error, plan.sender, subject);
		}
		state.draft = identityOf(created.value);
		state.created = delivery(created.value, []);
		state.draftId = state.draft.id;
		if (!state.draftId) throw new Error('Microsoft Graph created a draft but returned no id.');
	},
};

/** Removes a draft the run leaves behind after a failure; the same DELETE twice is harmless. */
export function deleteDraft(at: At) {
	return {
		label: 'delete draft',
		method: 'DELETE' as const,
		url: draftUrl(at),
		headers: {},
		authenticated: true,
		replay: 'always' as const,
	};
}
