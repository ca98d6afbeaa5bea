import { graphUserUrl } from '../../shared/transport/graphClient';
import { UPLOAD_CHUNK_BYTES } from '../../shared/transport/uploadSession';
import {
	draftMessage,
	fileAttachmentJson,
	sendMailBody,
	uploadSessionItem,
} from '../message/build';
import type { PreparedItem } from './prepareItem';

export interface PreviewRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/**
 * The exact Graph requests a real run would make, without the Authorization header (Dry Run). Values only known
 * after Microsoft answers (draft id, upload URL) appear as {placeholders}; upload chunks list their ranges.
 */
export async function previewRequests(
	graphEndpoint: string,
	item: PreparedItem,
): Promise<PreviewRequest[]> {
	const { plan, sender } = item;
	if (plan.kind === 'sendMail') {
		const attachments = [];
		for (const source of plan.attachments)
			attachments.push(fileAttachmentJson(source, await source.readAll()));
		return [
			{
				method: 'POST',
				url: graphUserUrl(graphEndpoint, sender, 'sendMail'),
				headers: JSON_HEADERS,
				body: sendMailBody(item.message, item.input.saveToSentItems, attachments),
			},
		];
	}
	const draftUrl = `${graphUserUrl(graphEndpoint, sender, 'messages')}/{draft-id}`;
	const requests: PreviewRequest[] = [
		{
			method: 'POST',
			url: graphUserUrl(graphEndpoint, sender, 'messages'),
			headers: JSON_HEADERS,
			body: draftMessage(item.message, item.input.saveToSentItems),
		},
	];
	for (const source of plan.direct) {
		requests.push({
			method: 'POST',
			url: `${draftUrl}/attachments`,
			headers: JSON_HEADERS,
			body: fileAttachmentJson(source, await source.readAll()),
		});
	}
	for (const source of plan.uploadSession) {
		requests.push({
			method: 'POST',
			url: `${draftUrl}/attachments/createUploadSession`,
			headers: JSON_HEADERS,
			body: uploadSessionItem(source),
		});
		for (let start = 0; start < source.size; start += UPLOAD_CHUNK_BYTES) {
			const end = Math.min(start + UPLOAD_CHUNK_BYTES, source.size) - 1;
			requests.push({
				method: 'PUT',
				url: '{uploadUrl from createUploadSession, pre-authenticated: no Authorization header}',
				headers: {
					'Content-Type': 'application/octet-stream',
					'Content-Range': `bytes ${start}-${end}/${source.size}`,
				},
				body: `<bytes ${start}-${end} of binary property "${source.property}">`,
			});
		}
	}
	requests.push({ method: 'POST', url: `${draftUrl}/send`, headers: {} });
	return requests;
}
