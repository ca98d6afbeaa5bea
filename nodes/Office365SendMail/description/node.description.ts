import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import { CREDENTIAL_TYPE, NODE_TYPE } from './constants';
import { messageProperties } from './message.properties';
import { optionsProperty } from './options.properties';

export const nodeDescription: INodeTypeDescription = {
	displayName: 'Office 365 Send Mail',
	name: NODE_TYPE,
	icon: { light: 'file:office365SendMail.svg', dark: 'file:office365SendMail.dark.svg' },
	group: ['output'],
	version: 1,
	subtitle: '={{ "from " + ($parameter["sender"] || "default sender") }}',
	description:
		'Send mail from a Microsoft 365 mailbox with app-only Microsoft Graph access (Mail.Send): one message per item, recipients, HTML or text body, attachments of any size up to 150 MB, custom headers',
	defaults: { name: 'Office 365 Send Mail' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: CREDENTIAL_TYPE, required: true }],
	properties: [...messageProperties, optionsProperty],
};
