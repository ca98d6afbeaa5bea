import type { INodeProperties } from 'n8n-workflow';

/**
 * What the node does with each item. Workflows saved before this parameter existed have no value
 * for it and get the default, `send`, which is exactly what they did before.
 */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Check Setup',
			value: 'checkSetup',
			description:
				'Check sign-in, permissions, the sender mailbox, scoping, certificate expiry and the sender domain (SPF, DKIM, DMARC); one item per check',
			action: 'Check the mail setup',
		},
		{
			name: 'Create Draft',
			value: 'createDraft',
			description: "Create the message in the sender's Drafts folder without sending it",
			action: 'Create a draft',
		},
		{
			name: 'Get Delivery Status',
			value: 'getDeliveryStatus',
			description:
				"What Exchange did with a sent message, per recipient (delivered, bounced, quarantined, spam), from the tenant's message trace; needs ExchangeMessageTrace.Read.All",
			action: 'Get the delivery status of a message',
		},
		{
			name: 'Reply',
			value: 'reply',
			description:
				'Reply (or reply to all) to a message in the sender mailbox, in its conversation',
			action: 'Reply to a message',
		},
		{
			name: 'Send',
			value: 'send',
			description: 'Send a new message',
			action: 'Send a message',
		},
		{
			name: 'Send and Wait for Response',
			value: 'sendAndWait',
			description:
				'Send a message and wait for the recipient to answer (approval, free text or form)',
			action: 'Send a message and wait for response',
		},
	],
	default: 'send',
};
