import { graphUserUrl } from '../../shared/transport/graphClient';
import { UPLOAD_CHUNK_BYTES } from '../../shared/transport/uploadSession';
import { fileAttachmentJson, sendMailBody, uploadSessionItem } from '../message/build';
import { renderConfirmStep } from './confirm';
import { draftJson, sendMailMessage } from './identity';
import { MIME_HEADERS, mimeBody } from './mime';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { renderReplyStep } from './replySteps';
import { IMMUTABLE_ID_HEADERS } from './schedule';

export interface PreviewRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function uploadChunks(source: { size: number; property: string }): PreviewRequest[] {
	const chunks: PreviewRequest[] = [];
	for (let start = 0; start < source.size; start += UPLOAD_CHUNK_BYTES) {
		const end = Math.min(start + UPLOAD_CHUNK_BYTES, source.size) - 1;
		chunks.push({
			method: 'PUT',
			url: '{uploadUrl from createUploadSession, pre-authenticated: no Authorization header}',
			headers: {
				'Content-Type': 'application/octet-stream',
				'Content-Range': `bytes ${start}-${end}/${source.size}`,
			},
			body: `<bytes ${start}-${end} of binary property "${source.property}">`,
		});
	}
	return chunks;
}

async function renderStep(
	graphEndpoint: string,
	plan: DeliveryPlan,
	step: DeliveryStep,
): Promise<PreviewRequest[]> {
	const messages = graphUserUrl(graphEndpoint, plan.sender, 'messages');
	const draftUrl = `${messages}/{draft-id}`;
	switch (step.kind) {
		case 'sendMail': {
			const attachments = [];
			for (const source of step.attachments)
				attachments.push(fileAttachmentJson(source, await source.readAll()));
			const body = sendMailBody(sendMailMessage(plan), plan.saveToSentItems, attachments);
			const url = graphUserUrl(graphEndpoint, plan.sender, 'sendMail');
			return [{ method: 'POST', url, headers: JSON_HEADERS, body }];
		}
		case 'createDraft': {
			const headers = { ...JSON_HEADERS, ...IMMUTABLE_ID_HEADERS };
			return [{ method: 'POST', url: messages, headers, body: draftJson(plan) }];
		}
		case 'createDraftMime': {
			const headers = { ...MIME_HEADERS, ...IMMUTABLE_ID_HEADERS };
			return [{ method: 'POST', url: messages, headers, body: await mimeBody(plan, []) }];
		}
		case 'patchDraft':
			return [{ method: 'PATCH', url: draftUrl, headers: JSON_HEADERS, body: step.body }];
		case 'sendMime': {
			const url = graphUserUrl(graphEndpoint, plan.sender, 'sendMail');
			const body = await mimeBody(plan, step.attachments);
			return [{ method: 'POST', url, headers: MIME_HEADERS, body }];
		}
		case 'addAttachment': {
			const body = fileAttachmentJson(step.source, await step.source.readAll());
			return [{ method: 'POST', url: `${draftUrl}/attachments`, headers: JSON_HEADERS, body }];
		}
		case 'uploadAttachment': {
			const url = `${draftUrl}/attachments/createUploadSession`;
			const body = uploadSessionItem(step.source);
			return [{ method: 'POST', url, headers: JSON_HEADERS, body }, ...uploadChunks(step.source)];
		}
		case 'sendDraft':
			return [{ method: 'POST', url: `${draftUrl}/send`, headers: {} }];
		case 'reply':
		case 'createReply':
			return await renderReplyStep(graphEndpoint, plan, step);
		case 'keepDraft':
			return [];
		case 'prependReply': {
			const content = '{the new content above the quoted original createReply returned}';
			const body = { body: { contentType: 'HTML', content } };
			return [{ method: 'PATCH', url: draftUrl, headers: JSON_HEADERS, body }];
		}
		case 'checkSentAccess':
		case 'findSent':
			return renderConfirmStep(graphEndpoint, plan, step);
	}
}

/**
 * Dry Run: the exact Graph requests a real run makes, without the Authorization header. Values only known after
 * Microsoft answers (draft id, upload URL) appear as {placeholders}; upload chunks list their ranges.
 */
export async function renderPlan(
	graphEndpoint: string,
	plan: DeliveryPlan,
): Promise<PreviewRequest[]> {
	const requests: PreviewRequest[] = [];
	for (const step of plan.steps) requests.push(...(await renderStep(graphEndpoint, plan, step)));
	return requests;
}
