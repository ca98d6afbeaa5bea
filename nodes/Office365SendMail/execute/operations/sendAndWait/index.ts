import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GraphSettings } from '../../../../shared/credential/settings';
import { messageIdFor } from '../../../delivery/identity';
import { planDelivery } from '../../../delivery/plan';
import { buildGraphMessage, type MessageInput } from '../../../message/build';
import { senderOf } from '../../../message/fields';
import type { ParameterReader } from '../../../sendAndWait/config';
import { rememberDelivery, rememberQuestion } from '../../../sendAndWait/identity';
import { checkQuestion, questionMail } from '../../../sendAndWait/prepare';
import { SEND_AND_WAIT_MAIL_OPTIONS } from '../../../sendAndWait/properties';
import { sendAndWaitWaitTill } from '../../../sendAndWait/waitTill';
import { commonInput, confirmedIfAsked, itemFlags, recipientsOf } from '../sharedReaders';
import type { MessageOperationSpec, PreparedItem } from '../types';

/**
 * The question mail's fields: the question from n8n's resume URL, the recipients and the mail
 * options.
 */
export type SendAndWaitFields = Pick<PreparedItem, 'index' | 'sender' | 'input'> & {
	/** The mail options Send and Wait offers; Dry Run is read after the message, in plan. */
	options: IDataObject;
	/** Chosen before the mail is built: the question's links name it (sendAndWait/identity.ts). */
	messageId?: string;
};

/**
 * Only the mail options Send and Wait offers are read: a workflow switched from Send keeps its
 * stored options (attachments, read receipts…), which the editor hides for this operation and which
 * must not act unseen.
 */
function mailOptionsOf(ctx: IExecuteFunctions, index: number): IDataObject {
	const all = (ctx.getNodeParameter('options', index, {}) ?? {}) as IDataObject;
	const picked: IDataObject = {};
	for (const name of SEND_AND_WAIT_MAIL_OPTIONS)
		if (all[name] !== undefined) picked[name] = all[name];
	return picked;
}

/**
 * Send and Wait for Response: the question mail, built from n8n's resume URL, planned like any
 * other message so Allowed Senders, Dry Run, errors naming the field and the Retry On Fail ledger
 * apply to it.
 */
export async function readSendAndWait(
	ctx: IExecuteFunctions,
	index: number,
	settings: GraphSettings,
): Promise<SendAndWaitFields> {
	const options = mailOptionsOf(ctx, index);
	// Editor order: Sender, To, Subject and the question, then the options.
	const sender = senderOf(ctx.getNodeParameter('sender', index, ''), settings);
	const recipients = recipientsOf(ctx, index, options);
	const question = checkQuestion(ctx, index);
	const common = commonInput(options, sender, settings);
	const messageId = messageIdFor(common, sender);
	const mail = questionMail(ctx, index, question, messageId);
	const input: MessageInput = {
		...recipients,
		subject: mail.subject,
		bodyContentType: 'html',
		bodyContent: mail.html,
		...common,
	};
	if (!itemFlags(options).dryRun) rememberQuestion(ctx, mail.wait);
	return { index, sender, input, options, messageId };
}

export function planSendAndWait({
	index,
	sender,
	input,
	options,
	messageId,
}: SendAndWaitFields): PreparedItem {
	const planned = planDelivery(sender, buildGraphMessage(input), input.saveToSentItems, [], {
		messageId,
	});
	const plan = confirmedIfAsked(planned, options);
	return {
		index,
		operation: 'sendAndWait',
		sender,
		input,
		attachments: [],
		plan,
		dryRun: itemFlags(options).dryRun,
		passThroughBinary: false,
	};
}

/** Like n8n's built-in Send-and-Wait nodes: one question per execution, from the first item. */
export function sendAndWaitItems(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.slice(0, 1);
}

/**
 * After delivery: when the question really went out (now, or in an earlier attempt that Retry On
 * Fail remembers), the execution waits for the answer; n8n then replaces this node's output with
 * the answer. A Dry Run preview or a refused item (Continue On Fail) is output as it is, without
 * waiting for a mail nobody received.
 */
export async function waitForAnswer(
	ctx: IExecuteFunctions,
	questionDelivered: boolean,
	output: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	if (!questionDelivered) return [output];
	rememberDelivery(ctx, output[0]?.json ?? {});
	const read: ParameterReader = (name, fallback) => ctx.getNodeParameter(name, 0, fallback);
	// Limit Wait Time counts from the moment the mail was sent; it was validated before sending.
	await ctx.putExecutionToWait(sendAndWaitWaitTill(read));
	return [ctx.getInputData()];
}

export const sendAndWait: MessageOperationSpec<SendAndWaitFields> = {
	kind: 'message',
	read: readSendAndWait,
	plan: planSendAndWait,
	items: sendAndWaitItems,
	afterDelivery: waitForAnswer,
};
