import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { attachmentSummaries, statusOf, type DeliveryPlan } from '../delivery/plan';
import type { Delivery } from '../delivery/execute';
import { mimeExcerptOf } from '../delivery/mimePreview';
import type { PreviewRequest } from '../delivery/render';
import { formatRecipient } from '../../shared/address/recipients';
import type { ItemFailure } from './errors';
import type { ItemOutcome, RunContext } from './outcomes';
import { messageOperation } from './operations';
import type { PreparedItem } from './operations/types';

function messageSummary(item: PreparedItem, delivery?: Delivery): IDataObject {
	const { summary } = messageOperation(item.operation);
	if (summary) return summary(item, delivery);
	return {
		sender: item.sender,
		toRecipients: item.input.to.map(formatRecipient),
		ccRecipients: item.input.cc.map(formatRecipient),
		bccRecipients: item.input.bcc.map(formatRecipient),
		subject: item.input.subject,
	};
}

function withBinary(item: PreparedItem, input: INodeExecutionData, json: IDataObject) {
	const out: INodeExecutionData = { json, pairedItem: { item: item.index } };
	if (item.passThroughBinary && input.binary) out.binary = input.binary;
	return out;
}

/** The output's status and the time that goes with it: when sent, when the draft was created, or when it goes. */
function resultFields(plan: DeliveryPlan, at: string): { status: string } & Record<string, string> {
	switch (statusOf(plan)) {
		case 'draft':
			return { status: 'draft', createdAt: at };
		case 'scheduled':
			return { status: 'scheduled', sendAt: plan.sendAt ?? '', submittedAt: at };
		case 'sent':
			return { status: 'sent', sentAt: at };
	}
}

export function sentItem(
	item: PreparedItem,
	input: INodeExecutionData,
	delivery: Delivery,
): INodeExecutionData {
	const { status, ...when } = resultFields(item.plan, delivery.sentAt);
	const json: IDataObject = {
		status,
		...messageSummary(item, delivery),
		attachments: attachmentSummaries(item.plan, item.attachments),
		requestId: delivery.requestId ?? null,
		clientRequestId: delivery.clientRequestId,
		...when,
	};
	// Every delivered item names its Message-ID and whether Exchange confirmed it
	// (docs/MESSAGE-ID.md).
	json.internetMessageId = delivery.internetMessageId ?? null;
	json.internetMessageIdConfirmed = delivery.internetMessageIdConfirmed ?? false;
	for (const field of ['conversationId', 'id', 'webLink'] as const) {
		if (delivery[field]) json[field] = delivery[field];
	}
	if (delivery.notes.length) json.notes = delivery.notes;
	return withBinary(item, input, json);
}

export function previewItem(
	item: PreparedItem,
	input: INodeExecutionData,
	requests: PreviewRequest[],
): INodeExecutionData {
	const json: IDataObject = {
		status: 'preview',
		...messageSummary(item),
		attachments: attachmentSummaries(item.plan, item.attachments),
		requests: requests as unknown as IDataObject[],
		...mimeExcerptOf(requests),
	};
	if (item.plan.sendAt) json.sendAt = item.plan.sendAt;
	if (requests.length === 1) json.request = requests[0] as unknown as IDataObject;
	return withBinary(item, input, json);
}

/**
 * n8n's WorkflowExecute replaces the json of every output item that carries `error` with `{ error:
 * message }`, which would drop status, itemIndex, field and the request ids under "Continue (using
 * regular output)". Only the error output ("Continue (using error output)") needs `error`, to route
 * the item, so it is set only then.
 */
export function failedItem(node: INode, index: number, failure: ItemFailure): INodeExecutionData {
	const json = { status: failure.status, error: failure.error.message, ...failure.json };
	const item: INodeExecutionData = { json, pairedItem: { item: index } };
	if (node.onError === 'continueErrorOutput') item.error = failure.error;
	return item;
}

/**
 * n8n discards the output of a node that throws, so the error of a partly delivered run must say
 * itself which items went out; a retry of the execution will not send them again
 * (execute/deliveryLedger.ts).
 */
function partlyDelivered(failure: ItemFailure, outcomes: ItemOutcome[]): void {
	const delivered = outcomes.flatMap((o) =>
		o.state === 'done' && o.delivered
			? [
					`item ${o.index} (request-id ${o.delivered.requestId ?? 'n/a'}, client-request-id ${o.delivered.clientRequestId})`,
				]
			: [],
	);
	if (!delivered.length) return;
	const said = `Delivered before this failure, and not sent again if n8n retries this execution: ${delivered.join('; ')}.`;
	const { error } = failure;
	error.description = error.description ? `${error.description}\n${said}` : said;
	failure.json.deliveredItems = delivered;
}

/**
 * Phase 5, output: one item per input item, in input order and paired; or the first failure,
 * thrown.
 */
export function outputItems(run: RunContext, outcomes: ItemOutcome[]): INodeExecutionData[] {
	const firstFailure = outcomes.find((o) => o.state === 'failed');
	if (firstFailure?.state === 'failed' && !run.continueOnFail) {
		partlyDelivered(firstFailure.failure, outcomes);
		throw firstFailure.failure.error;
	}
	return outcomes.map((o) => {
		if (o.state === 'failed') return failedItem(run.node, o.index, o.failure);
		if (o.state === 'done') return o.output;
		throw new Error(`Item ${o.index} was neither delivered nor refused.`);
	});
}
