import type { INodeProperties } from 'n8n-workflow';

import { permissionNotices } from './permissions.properties';

const RECIPIENT_HINT =
	'Comma- or semicolon-separated, e.g. <code>jane@contoso.com; "Doe, John" &lt;john@contoso.com&gt;</code>. An expression may also return a list of addresses or of {address, name} objects.';

const NEW_MESSAGE = { show: { operation: ['send', 'createDraft', 'sendAndWait'] } };
const COMPOSED = { show: { operation: ['send', 'createDraft', 'reply'] } };

/** The message itself: who sends it, to whom, and what it says. */
export const messageProperties: INodeProperties[] = [
	...permissionNotices,
	{
		displayName: 'Sender',
		name: 'sender',
		type: 'string',
		default: '',
		placeholder: 'e.g. invoices@contoso.com',
		description:
			"Mailbox to send from: its user principal name or Entra object ID. Leave empty to use the credential's Default Sender Mailbox. Evaluated per item.",
	},
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		placeholder: 'e.g. jane@contoso.com, "Doe, John" <john@contoso.com>',
		description: `Recipients of the message; may stay empty when CC or BCC has recipients (e.g. BCC-only mailings). ${RECIPIENT_HINT}`,
		displayOptions: NEW_MESSAGE,
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. AAMkAGI2TG93AAA=',
		description:
			'Microsoft Graph ID of the message to answer, in the sender mailbox (e.g. the ID output by a Microsoft Outlook trigger). To answer a message known only by its Internet Message-ID, use Send with the In-Reply-To option.',
		displayOptions: { show: { operation: ['reply'] } },
	},
	{
		displayName: 'Reply to All',
		name: 'replyAll',
		type: 'boolean',
		default: false,
		description:
			'Whether to answer the sender and every To and CC recipient of the original message (otherwise only its sender, or its Reply-To)',
		displayOptions: { show: { operation: ['reply'] } },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		description: 'Subject line of the message (one line)',
		displayOptions: NEW_MESSAGE,
	},
	{
		displayName: 'Body Content Type',
		name: 'bodyContentType',
		type: 'options',
		options: [
			{
				name: 'HTML',
				value: 'html',
				description:
					'The body is HTML; inline images can be referenced as cid:&lt;binary property name&gt;',
			},
			{
				name: 'HTML and Text',
				value: 'htmlAndText',
				description:
					'Both: one message with an HTML and a plain-text version (multipart/alternative); mail clients show the one they prefer',
			},
			{ name: 'Text', value: 'text', description: 'The body is plain text' },
		],
		default: 'html',
		description: 'Format of the body',
		displayOptions: COMPOSED,
	},
	{
		displayName: 'Body',
		name: 'bodyContent',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		description: 'Content of the message, as HTML or plain text according to Body Content Type',
		displayOptions: COMPOSED,
	},
	{
		displayName: 'Text Body',
		name: 'textContent',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		description:
			'Plain-text version of the message, shown by mail clients that do not display HTML (the Body above is the HTML version)',
		displayOptions: {
			show: { operation: ['send', 'createDraft', 'reply'], bodyContentType: ['htmlAndText'] },
		},
	},
];

export const RECIPIENT_DESCRIPTION = RECIPIENT_HINT;
