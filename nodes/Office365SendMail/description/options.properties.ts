import type { INodeProperties } from 'n8n-workflow';

import { RECIPIENT_DESCRIPTION } from './message.properties';

/** Everything else a message can carry, plus how the run behaves. Names are a public contract. */
export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { hide: { operation: ['checkSetup', 'sendAndWait', 'getDeliveryStatus'] } },
	options: [
		{
			displayName: 'Attachments',
			name: 'attachments',
			type: 'string',
			default: '',
			placeholder: 'e.g. data, invoice',
			description:
				'Binary properties of the input item to attach, separated by commas; * attaches every binary property. File name and MIME type come from the binary data. Up to 150 MB each: files of 3 MB or more go through upload sessions (needs Mail.ReadWrite).',
		},
		{
			displayName: 'BCC',
			name: 'bccRecipients',
			type: 'string',
			default: '',
			description: `Blind-copy recipients. ${RECIPIENT_DESCRIPTION}`,
		},
		{
			displayName: 'Categories',
			name: 'categories',
			type: 'string',
			default: '',
			placeholder: 'e.g. Invoices, Automated',
			description: 'Outlook category names, separated by commas',
		},
		{
			displayName: 'CC',
			name: 'ccRecipients',
			type: 'string',
			default: '',
			description: `Copy recipients. ${RECIPIENT_DESCRIPTION}`,
		},
		{
			displayName: 'Custom Headers',
			name: 'headers',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Header',
			description:
				'Internet message headers; Microsoft Graph accepts at most 5 and their names must start with x-',
			options: [
				{
					displayName: 'Header',
					name: 'header',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							placeholder: 'e.g. X-Ticket-Id',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Confirm Message-ID',
			name: 'confirmMessageId',
			type: 'boolean',
			default: false,
			description:
				'Whether to read the Message-ID back from Exchange before the item is output, so internetMessageIdConfirmed is true. One-request sends and replies are then found in Sent Items (needs Mail.Read); other paths take it from the draft Graph creates (needs Mail.ReadWrite). Costs 1–3 extra requests per message.',
			displayOptions: { show: { '/operation': ['send', 'reply', 'sendAndWait'] } },
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only build and validate the message and output the exact Graph request(s) (without the Authorization header) instead of sending',
		},
		{
			displayName: 'From Address',
			name: 'fromAddress',
			type: 'string',
			default: '',
			placeholder: 'e.g. sales@contoso.com',
			description:
				'The From address when it differs from the sender mailbox (the sender needs Send As rights on it)',
		},
		{
			displayName: 'From Name',
			name: 'fromName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Contoso Billing',
			description: 'Display name shown to recipients',
		},
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			default: '',
			placeholder: "e.g. {{ 'order-' + $json.orderId }}",
			description:
				'Deliveries with the same key from the same sender mailbox are one message: a second one is not sent (in any execution, retry or worker) and outputs the first with deduplicated: true. The node looks for the key in the mailbox first, so it needs Mail.Read (or Mail.ReadWrite) and Save to Sent Items on.',
		},
		{
			displayName: 'Importance',
			name: 'importance',
			type: 'options',
			options: [
				{ name: 'Low', value: 'low' },
				{ name: 'Normal', value: 'normal' },
				{ name: 'High', value: 'high' },
			],
			default: 'normal',
		},
		{
			displayName: 'In-Reply-To',
			name: 'inReplyTo',
			type: 'string',
			default: '',
			placeholder: 'e.g. <CAF=abc123@mail.example.com>',
			description:
				"Internet Message-ID of the message this one answers (from an e-mail trigger, IMAP, a ticketing tool). Recipients' mail clients then show it in that conversation. Sent as an In-Reply-To header.",
			displayOptions: { show: { '/operation': ['send', 'createDraft'] } },
		},
		{
			displayName: 'Inline Images',
			name: 'inlineImages',
			type: 'string',
			default: '',
			placeholder: 'e.g. logo',
			description:
				'Binary properties sent as inline images; each gets the content ID of its property name, so the HTML body can use &lt;img src="cid:logo"&gt;',
		},
		{
			displayName: 'List-Unsubscribe',
			name: 'listUnsubscribe',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://contoso.com/unsubscribe?u=123, mailto:unsubscribe@contoso.com',
			description:
				'Unsubscribe links (https: and/or mailto:, separated by commas) sent as a List-Unsubscribe header; Gmail, Yahoo and Outlook.com ask bulk senders for it',
			displayOptions: { show: { '/operation': ['send', 'createDraft'] } },
		},
		{
			displayName: 'List-Unsubscribe One-Click',
			name: 'listUnsubscribeOneClick',
			type: 'boolean',
			default: false,
			description:
				'Whether to add List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so mail clients can unsubscribe with one click; needs an https link in List-Unsubscribe',
			displayOptions: { show: { '/operation': ['send', 'createDraft'] } },
		},
		{
			displayName: 'Max Concurrency',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 4 },
			default: 4,
			description:
				'How many messages of one sender mailbox are sent at the same time (Graph allows 4 per mailbox); different mailboxes run in parallel',
		},
		{
			displayName: 'Pass Through Binary',
			name: 'passThroughBinary',
			type: 'boolean',
			default: false,
			description: "Whether to copy the input item's binary data to the output item",
		},
		{
			displayName: 'References',
			name: 'references',
			type: 'string',
			default: '',
			placeholder: 'e.g. <first@mail.example.com> <CAF=abc123@mail.example.com>',
			description:
				'Message-IDs of the conversation so far, oldest first, separated by spaces or commas; sent as a References header. Empty: the In-Reply-To value.',
			displayOptions: { show: { '/operation': ['send', 'createDraft'] } },
		},
		{
			displayName: 'Quote Original',
			name: 'quoteOriginal',
			type: 'boolean',
			default: true,
			description:
				'Whether the reply shows the original message (sender, date, subject, body) below the new text, as Outlook does. Off: the reply holds only the new text.',
			displayOptions: { show: { '/operation': ['reply'] } },
		},
		{
			displayName: 'Reply To',
			name: 'replyTo',
			type: 'string',
			default: '',
			description: `Addresses replies should go to. ${RECIPIENT_DESCRIPTION}`,
		},
		{
			displayName: 'Request Delivery Receipt',
			name: 'isDeliveryReceiptRequested',
			type: 'boolean',
			default: false,
			description: 'Whether to ask for a delivery receipt',
		},
		{
			displayName: 'Request Read Receipt',
			name: 'isReadReceiptRequested',
			type: 'boolean',
			default: false,
			description: 'Whether to ask recipients for a read receipt',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 900 },
			default: 120,
			description:
				'How long to wait for each Microsoft answer. A send that times out is reported as "delivery unknown", never repeated blindly.',
		},
		{
			displayName: 'Save to Sent Items',
			name: 'saveToSentItems',
			type: 'boolean',
			default: true,
			description: "Whether to keep a copy in the sender mailbox's Sent Items",
			// Graph's reply action always saves the reply to Sent Items
			// (https://learn.microsoft.com/graph/api/message-reply).
			displayOptions: { hide: { '/operation': ['reply'] } },
		},
		{
			displayName: 'Send At',
			name: 'sendAt',
			type: 'dateTime',
			default: '',
			description:
				'Have Exchange send the message at this time (up to a year ahead) instead of now; no n8n execution waits. A time without an offset is in the workflow time zone. Needs Mail.ReadWrite. The message waits in the Drafts folder until then; deleting it there cancels the send.',
			displayOptions: { show: { '/operation': ['send'] } },
		},
	],
};
