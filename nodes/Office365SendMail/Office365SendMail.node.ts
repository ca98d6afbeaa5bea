import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, NODE_TYPE } from './description/constants';
import { deliveryStatusProperties } from './description/deliveryStatus.properties';
import { messageProperties } from './description/message.properties';
import { operationProperty } from './description/operation.properties';
import { optionsProperty } from './description/options.properties';
import { executeSendMail } from './execute/executeSendMail';
import { sendAndWaitProperties } from './sendAndWait/properties';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './sendAndWait/webhook';

/**
 * Shell: the properties are data in description/, the behaviour lives in execute/ and delivery/.
 */
export class Office365SendMail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Office 365 Send Mail',
		name: NODE_TYPE,
		icon: { light: 'file:office365SendMail.svg', dark: 'file:office365SendMail.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ ({ send: "Send", reply: "Reply", createDraft: "Create Draft", sendAndWait: "Send and Wait", checkSetup: "Check Setup", getDeliveryStatus: "Get Delivery Status" })[$parameter["operation"] || "send"] + " from " + ($parameter["sender"] || "default sender") }}',
		description:
			'Send, reply to and draft mail from Microsoft 365 (Outlook, Exchange Online) mailboxes with app-only Microsoft Graph: one message per item, HTML and text, attachments up to 150 MB, threading, scheduled send, approvals, setup checks',
		defaults: { name: 'Office 365 Send Mail' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// Resume endpoints of Send and Wait for Response; used only while an execution waits on this
		// node.
		webhooks: sendAndWaitWebhooks,
		properties: [
			operationProperty,
			...messageProperties,
			optionsProperty,
			...sendAndWaitProperties,
			...deliveryStatusProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeSendMail.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
