import { prependHtml, replyHtml } from '../replyQuote';
import type { StepOf } from '../plan';
import { draftUrl, JSON_HEADERS, type At, type GraphCall } from './types';

type PatchStep = StepOf<'patchMessage'>;

const ABOVE_QUOTED = '{the new content above the quoted original createReply returned}';

/**
 * The reply's content above the quoted original that createReply put in the draft
 * (delivery/replyQuote.ts).
 */
function aboveQuoted(at: At) {
	const content = at.known
		? prependHtml(replyHtml(at.plan.message), at.known.quoted)
		: ABOVE_QUOTED;
	return { body: { contentType: 'HTML', content } };
}

/**
 * `PATCH /users/{id}/messages/{draft-id}` (https://learn.microsoft.com/graph/api/message-update):
 * what MIME cannot carry, or a reply above the quoted original. The same PATCH twice leaves the
 * same draft.
 */
export const patchMessage: GraphCall<PatchStep> = {
	async describe(step, at) {
		const fields = 'fields' in step;
		return [
			{
				label: fields ? 'update draft' : 'put the reply above the quoted original',
				method: 'PATCH',
				url: draftUrl(at),
				headers: JSON_HEADERS,
				body: { json: fields ? step.fields : aboveQuoted(at) },
				authenticated: true,
				replay: 'always',
			},
		];
	},
	async run([request], _step, { send }) {
		await send(request);
	},
};
