import { outcomeOf } from '../../../shared/outcome';
import { GraphApiError } from '../../../shared/transport/graphErrors';
import type { StepOf } from '../plan';
import { delivery } from './types';
import { draftUrl, type GraphCall } from './types';

/**
 * `POST /users/{id}/messages/{draft-id}/send`
 * (https://learn.microsoft.com/graph/api/message-send): 202.
 */
export const sendDraft: GraphCall<StepOf<'sendDraft'>> = {
	async describe(_step, at) {
		return [
			{
				label: 'send draft',
				method: 'POST',
				url: draftUrl(at, 'send'),
				headers: {},
				authenticated: true,
				// Safe to repeat: a draft that was already sent no longer exists and the repeat gets 404.
				replay: 'always',
				delivers: true,
			},
		];
	},
	async run([request], _step, { send, state }) {
		const sent = await outcomeOf(() => send(request));
		if (sent.ok) {
			state.delivered = delivery(sent.value, []);
			return;
		}
		const error = sent.error;
		if (!(error instanceof GraphApiError && error.status === 404 && error.attempts > 1))
			throw error;
		state.delivered = delivery(error, [
			'The first send got no clear answer; repeating it returned 404 because the draft had already been sent, so it was delivered once.',
		]);
	},
};
