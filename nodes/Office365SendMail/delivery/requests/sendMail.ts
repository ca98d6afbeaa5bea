import { sendMailBody } from '../../message/build';
import { sendMailMessage } from '../identity';
import { MIME_HEADERS, mimeBody } from '../mime';
import type { StepOf } from '../plan';
import { delivery } from './types';
import { deliveringPost, inlineAttachments, JSON_HEADERS, userUrl, type GraphCall } from './types';

/**
 * `POST /users/{id}/sendMail`: the JSON `{ message, saveToSentItems }` with the attachments inline,
 * or the base64 MIME message as a text/plain body
 * (https://learn.microsoft.com/graph/api/user-sendmail,
 * https://learn.microsoft.com/graph/outlook-send-mime-message). 202 without a body.
 */
export const sendMail: GraphCall<StepOf<'sendMail'>> = {
	async describe(step, at) {
		const request = deliveringPost('sendMail', userUrl(at, 'sendMail'));
		if (step.format === 'mime') {
			const text = await mimeBody(at.plan, step.attachments);
			return [{ ...request, headers: MIME_HEADERS, body: { text } }];
		}
		const attachments = await inlineAttachments(step.attachments);
		const json = sendMailBody(sendMailMessage(at.plan), at.plan.saveToSentItems, attachments);
		return [{ ...request, headers: JSON_HEADERS, body: { json } }];
	},
	async run([request], _step, { send, state }) {
		state.delivered = delivery(await send(request), []);
	},
};
