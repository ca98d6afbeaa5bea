import { GraphApiError } from '../../shared/transport/graphErrors';
import type { GraphClient } from '../../shared/transport/graphClient';
import { UploadSessionError, uploadStream } from '../../shared/transport/uploadSession';
import { outcomeOf } from '../../shared/outcome';
import {
	draftMessage,
	fileAttachmentJson,
	sendMailBody,
	uploadSessionItem,
} from '../message/build';
import type { AttachmentSource } from '../message/attachments';
import type { PreparedItem } from './prepareItem';

export interface AttachmentSummary {
	name: string;
	size: number;
	contentType: string;
	inline: boolean;
	via: 'request' | 'uploadSession';
}

export interface SendResult {
	requestId?: string;
	clientRequestId: string;
	sentAt: string;
	path: 'sendMail' | 'draft';
	attachments: AttachmentSummary[];
	notes: string[];
}

export function summarize(
	attachments: AttachmentSource[],
	viaUpload: (a: AttachmentSource) => boolean,
): AttachmentSummary[] {
	return attachments.map((a) => ({
		name: a.name,
		size: a.size,
		contentType: a.contentType,
		inline: a.inline,
		via: viaUpload(a) ? 'uploadSession' : 'request',
	}));
}

async function sendInOneRequest(graph: GraphClient, item: PreparedItem): Promise<SendResult> {
	const attachments = [];
	for (const source of item.attachments)
		attachments.push(fileAttachmentJson(source, await source.readAll()));
	const response = await graph.request({
		operation: 'sendMail',
		method: 'POST',
		url: graph.userUrl(item.sender, 'sendMail'),
		json: sendMailBody(item.message, item.input.saveToSentItems, attachments),
		authenticated: true,
		replay: 'notIfSent',
		delivers: true,
	});
	return {
		requestId: response.requestId,
		clientRequestId: response.clientRequestId,
		sentAt: new Date().toISOString(),
		path: 'sendMail',
		attachments: summarize(item.attachments, () => false),
		notes: [],
	};
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

/** Draft → attachments (direct or upload session) → send; the draft is deleted if anything fails before send. */
async function sendAsDraft(graph: GraphClient, item: PreparedItem): Promise<SendResult> {
	const { plan } = item;
	if (plan.kind !== 'draft') throw new Error('not a draft plan');
	const message = draftMessage(item.message, item.input.saveToSentItems);
	const created = await graph.request({
		operation: 'create draft',
		method: 'POST',
		url: graph.userUrl(item.sender, 'messages'),
		json: message,
		authenticated: true,
		replay: 'notIfSent',
	});
	const draftId = (JSON.parse(created.body.toString('utf8')) as { id?: string }).id;
	if (!draftId) throw new Error('Microsoft Graph created a draft but returned no id.');

	const attached = await outcomeOf(async () => {
		for (const source of plan.direct) {
			await graph.request({
				operation: `add attachment "${source.name}"`,
				method: 'POST',
				url: graph.userUrl(item.sender, 'messages', draftId, 'attachments'),
				json: fileAttachmentJson(source, await source.readAll()),
				authenticated: true,
				replay: 'notIfSent',
			});
		}
		for (const source of plan.uploadSession) {
			const session = await graph.request({
				operation: `create upload session for "${source.name}"`,
				method: 'POST',
				url: `${graph.userUrl(item.sender, 'messages', draftId, 'attachments')}/createUploadSession`,
				json: uploadSessionItem(source),
				authenticated: true,
				replay: 'notIfSent',
			});
			const uploadUrl = (JSON.parse(session.body.toString('utf8')) as { uploadUrl?: string })
				.uploadUrl;
			if (!uploadUrl)
				throw new UploadSessionError(
					`Microsoft Graph returned no upload URL for "${source.name}".`,
				);
			await uploadStream(
				graph,
				uploadUrl,
				await source.openStream(),
				source.size,
				`"${source.name}"`,
			);
		}
	});
	if (!attached.ok) {
		await deleteDraft(graph, item.sender, draftId);
		throw attached.error;
	}

	const sent = await outcomeOf(() =>
		graph.request({
			operation: 'send draft',
			method: 'POST',
			url: `${graph.userUrl(item.sender, 'messages', draftId)}/send`,
			authenticated: true,
			// Safe to repeat: a draft that was already sent no longer exists and the repeat gets 404.
			replay: 'always',
			delivers: true,
		}),
	);
	const notes: string[] = [];
	let requestId: string | undefined;
	let clientRequestId: string;
	if (sent.ok) {
		requestId = sent.value.requestId;
		clientRequestId = sent.value.clientRequestId;
	} else {
		const error = sent.error;
		const alreadySent =
			error instanceof GraphApiError && error.status === 404 && error.attempts > 1;
		if (!alreadySent) {
			if (error instanceof GraphApiError) await deleteDraft(graph, item.sender, draftId);
			throw error;
		}
		requestId = error.requestId;
		clientRequestId = error.clientRequestId;
		notes.push(
			'The first send got no clear answer; repeating it returned 404 because the draft had already been sent, so it was delivered once.',
		);
	}
	const uploaded = new Set(plan.uploadSession);
	return {
		requestId,
		clientRequestId,
		sentAt: new Date().toISOString(),
		path: 'draft',
		attachments: summarize(item.attachments, (a) => uploaded.has(a)),
		notes,
	};
}

export async function sendPrepared(graph: GraphClient, item: PreparedItem): Promise<SendResult> {
	return item.plan.kind === 'sendMail' ? sendInOneRequest(graph, item) : sendAsDraft(graph, item);
}
