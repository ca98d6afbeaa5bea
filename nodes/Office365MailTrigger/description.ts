import type { INodeProperties } from 'n8n-workflow';

/** The trigger's parameters. Names are a public contract; every one has a default. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Mailbox',
		name: 'mailbox',
		type: 'string',
		default: '',
		placeholder: "e.g. support@contoso.com (empty: the credential's Default Sender Mailbox)",
		description:
			"The mailbox to watch: a user principal name or Entra object ID of a user or shared mailbox. Empty uses the credential's Default Sender Mailbox. The credential's Allowed Senders, when set, also limit which mailboxes may be read.",
	},
	{
		displayName: 'Folder',
		name: 'folder',
		type: 'string',
		default: 'inbox',
		placeholder: 'e.g. inbox',
		description:
			'A well-known folder name (inbox, archive, junkemail, deleteditems, sentitems, drafts) or a folder ID. Subfolders are watched by their ID.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				description:
					'Whether to add the attachments as binary data (attachment_0, attachment_1, …). Files larger than Max Attachment Size are listed but not downloaded.',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. ann@partner.example, *@contoso.com',
				description:
					'Only messages from these senders, separated by commas: addresses or *@domain. Case does not matter.',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to start the workflow only for messages with attachments',
			},
			{
				displayName: 'Include Existing Messages',
				name: 'includeExisting',
				type: 'boolean',
				default: false,
				description:
					'Whether the first activation also emits the messages already in the folder (at most Max Messages per Poll each poll). Off: it starts with mail that arrives from then on.',
			},
			{
				displayName: 'Include Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: false,
				description: "Whether to add the message's internet headers (internetMessageHeaders)",
			},
			{
				displayName: 'Mark as Read',
				name: 'markAsRead',
				type: 'boolean',
				default: false,
				description:
					'Whether to mark each emitted message as read in the mailbox. Needs the Mail.ReadWrite application permission.',
			},
			{
				displayName: 'Max Attachment Size (MB)',
				name: 'maxAttachmentSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.001, maxValue: 150, numberPrecision: 3 },
				default: 25,
				description:
					'Attachments larger than this are not downloaded (they stay listed in attachments)',
			},
			{
				displayName: 'Max Messages per Poll',
				name: 'maxMessagesPerPoll',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: 100,
				description:
					'The most messages one poll emits; the rest follow in the next polls, none is skipped',
			},
			{
				displayName: 'Subject Contains',
				name: 'subjectContains',
				type: 'string',
				default: '',
				description: 'Only messages whose subject contains this text (case does not matter)',
			},
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to start the workflow only for messages that are unread when they arrive',
			},
		],
	},
];
