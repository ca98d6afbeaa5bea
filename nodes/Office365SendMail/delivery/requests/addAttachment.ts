import { fileAttachmentJson } from '../../message/build';
import type { StepOf } from '../plan';
import { draftUrl, JSON_HEADERS, type GraphCall } from './types';

/**
 * `POST /users/{id}/messages/{draft-id}/attachments`: one file that fits one request
 * (https://learn.microsoft.com/graph/api/message-post-attachments).
 */
export const addAttachment: GraphCall<StepOf<'addAttachment'>> = {
	async describe({ source }, at) {
		return [
			{
				label: `add attachment "${source.name}"`,
				method: 'POST',
				url: draftUrl(at, 'attachments'),
				headers: JSON_HEADERS,
				body: { json: fileAttachmentJson(source, await source.readAll()) },
				authenticated: true,
				replay: 'notIfSent',
			},
		];
	},
	async run([request], _step, { send }) {
		await send(request);
	},
};
