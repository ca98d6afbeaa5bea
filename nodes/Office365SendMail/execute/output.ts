import type { INodeExecutionData } from 'n8n-workflow';

import { formatRecipient } from '../message/recipients';
import type { PreparedItem } from './prepareItem';
import type { PreviewRequest } from './preview';
import { summarize, type SendResult } from './sendMessage';

function messageSummary(item: PreparedItem) {
	return {
		sender: item.sender,
		toRecipients: item.input.to.map(formatRecipient),
		ccRecipients: item.input.cc.map(formatRecipient),
		bccRecipients: item.input.bcc.map(formatRecipient),
		subject: item.input.subject,
	};
}

function withBinary(
	item: PreparedItem,
	input: INodeExecutionData,
	json: INodeExecutionData['json'],
): INodeExecutionData {
	const out: INodeExecutionData = { json, pairedItem: { item: item.index } };
	if (item.passThroughBinary && input.binary) out.binary = input.binary;
	return out;
}

export function sentItem(
	item: PreparedItem,
	input: INodeExecutionData,
	result: SendResult,
): INodeExecutionData {
	const json: INodeExecutionData['json'] = {
		status: 'sent',
		...messageSummary(item),
		attachments: result.attachments as unknown as INodeExecutionData['json'][],
		requestId: result.requestId ?? null,
		clientRequestId: result.clientRequestId,
		sentAt: result.sentAt,
	};
	if (result.notes.length) json.notes = result.notes;
	return withBinary(item, input, json);
}

export function previewItem(
	item: PreparedItem,
	input: INodeExecutionData,
	requests: PreviewRequest[],
): INodeExecutionData {
	const upload = new Set(item.plan.kind === 'draft' ? item.plan.uploadSession : []);
	const json: INodeExecutionData['json'] = {
		status: 'preview',
		...messageSummary(item),
		attachments: summarize(item.attachments, (a) =>
			upload.has(a),
		) as unknown as INodeExecutionData['json'][],
		requests: requests as unknown as INodeExecutionData['json'][],
	};
	if (requests.length === 1) json.request = requests[0] as unknown as INodeExecutionData['json'];
	return withBinary(item, input, json);
}
