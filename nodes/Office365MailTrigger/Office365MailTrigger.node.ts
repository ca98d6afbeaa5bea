import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../Office365SendMail/description/constants';
import { triggerProperties } from './description';
import { pollMail } from './poll';

/**
 * Shell: parameters in description.ts, the poll in poll.ts. n8n adds the Poll Times parameter for
 * polling nodes.
 */
export class Office365MailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Office 365 Mail Trigger',
		name: 'office365MailTrigger',
		icon: { light: 'file:office365MailTrigger.svg', dark: 'file:office365MailTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ "New mail in " + ($parameter["mailbox"] || "default mailbox") + " › " + ($parameter["folder"] || "inbox") }}',
		description:
			'Starts the workflow when mail arrives in a Microsoft 365 mailbox folder, with app-only Microsoft Graph (Mail.Read): each message once, across restarts',
		defaults: { name: 'Office 365 Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: triggerProperties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMail(this);
	}
}
