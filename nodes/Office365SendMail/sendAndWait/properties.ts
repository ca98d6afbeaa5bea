import { SEND_AND_WAIT_OPERATION, type INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../description/options.properties';

/**
 * Parameters of "Send and Wait for Response", named as in n8n's own Send-and-Wait nodes (Outlook,
 * Gmail: responseType, approvalOptions.values, formFields.values, options.limitWaitTime) so authors
 * find the same fields. Sender, To, Subject are the node's own; only the body (`message`) differs.
 */
const showFor = (responseType: string[]) => ({
	show: { operation: [SEND_AND_WAIT_OPERATION], responseType },
});

const limitWaitTimeOption: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether to stop waiting for an answer after some time; the execution then goes on without one',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					options: [
						{ name: 'After Time Interval', value: 'afterTimeInterval' },
						{ name: 'At Specified Time', value: 'atSpecifiedTime' },
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					default: 'hours',
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					default: '',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
				},
			],
		},
	],
};

const appendAttributionOption: INodeProperties = {
	displayName: 'Append n8n Attribution',
	name: 'appendAttribution',
	type: 'boolean',
	default: true,
	description:
		'Whether to end the message with the line "This message was sent automatically with n8n"',
};

const formFieldsProperty: INodeProperties = {
	displayName: 'Form Fields',
	name: 'formFields',
	type: 'fixedCollection',
	placeholder: 'Add Form Field',
	default: {},
	typeOptions: { multipleValues: true, sortable: true },
	displayOptions: showFor(['customForm']),
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Field Name',
					name: 'fieldLabel',
					type: 'string',
					default: '',
					placeholder: 'e.g. What is your name?',
					description: 'Label shown on the form; also the key of the answer in the output',
					required: true,
				},
				{
					displayName: 'Element Type',
					name: 'fieldType',
					type: 'options',
					default: 'text',
					options: [
						{ name: 'Date', value: 'date' },
						{ name: 'Dropdown List', value: 'dropdown' },
						{ name: 'Email', value: 'email' },
						{ name: 'Number', value: 'number' },
						{ name: 'Text', value: 'text' },
						{ name: 'Textarea', value: 'textarea' },
					],
				},
				{
					displayName: 'Placeholder',
					name: 'placeholder',
					type: 'string',
					default: '',
					displayOptions: { hide: { fieldType: ['dropdown', 'date'] } },
				},
				{
					displayName: 'Field Options',
					name: 'fieldOptions',
					type: 'fixedCollection',
					placeholder: 'Add Field Option',
					default: { values: [{ option: '' }] },
					typeOptions: { multipleValues: true, sortable: true },
					displayOptions: { show: { fieldType: ['dropdown'] } },
					options: [
						{
							displayName: 'Values',
							name: 'values',
							values: [{ displayName: 'Option', name: 'option', type: 'string', default: '' }],
						},
					],
				},
				{
					displayName: 'Required Field',
					name: 'requiredField',
					type: 'boolean',
					default: false,
					description: 'Whether the person must fill in this field before the answer is accepted',
				},
			],
		},
	],
};

const approvalOptionsProperty: INodeProperties = {
	displayName: 'Approval Options',
	name: 'approvalOptions',
	type: 'fixedCollection',
	placeholder: 'Add option',
	default: {},
	displayOptions: showFor(['approval']),
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Type of Approval',
					name: 'approvalType',
					type: 'options',
					default: 'single',
					options: [
						{ name: 'Approve Only', value: 'single' },
						{ name: 'Approve and Disapprove', value: 'double' },
					],
				},
				{
					displayName: 'Approve Button Label',
					name: 'approveLabel',
					type: 'string',
					default: 'Approve',
				},
				{
					displayName: 'Disapprove Button Label',
					name: 'disapproveLabel',
					type: 'string',
					default: 'Decline',
					displayOptions: { show: { approvalType: ['double'] } },
				},
			],
		},
	],
};

const formOptions: INodeProperties[] = [
	{
		displayName: 'Message Button Label',
		name: 'messageButtonLabel',
		type: 'string',
		default: 'Respond',
	},
	{
		displayName: 'Response Form Title',
		name: 'responseFormTitle',
		type: 'string',
		default: '',
		description: 'Title of the page where the person writes the answer',
	},
	{
		displayName: 'Response Form Description',
		name: 'responseFormDescription',
		type: 'string',
		default: '',
		description: 'Text above the form; empty shows the message',
	},
	{
		displayName: 'Response Form Button Label',
		name: 'responseFormButtonLabel',
		type: 'string',
		default: 'Submit',
	},
];

/**
 * Mail options that suit a question mail: no attachments or inline images (the mail is only the
 * question), no Max Concurrency or Pass Through Binary (one mail per execution); Dry Run: no wait.
 */
export const SEND_AND_WAIT_MAIL_OPTIONS = [
	'bccRecipients',
	'categories',
	'ccRecipients',
	'confirmMessageId',
	'dryRun',
	'fromAddress',
	'fromName',
	'headers',
	'idempotencyKey',
	'importance',
	'replyTo',
	'requestTimeout',
	'saveToSentItems',
];
const mailOptions = (optionsProperty.options as INodeProperties[]).filter((o) =>
	SEND_AND_WAIT_MAIL_OPTIONS.includes(o.name),
);

/** The Options collection for some response types: the form's labels only where there is a form. */
const optionsFor = (responseType: string[], extra: INodeProperties[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: showFor(responseType),
	options: [appendAttributionOption, limitWaitTimeOption, ...extra, ...mailOptions],
});

const forSendAndWait = { show: { operation: [SEND_AND_WAIT_OPERATION] } };

export const sendAndWaitProperties: INodeProperties[] = [
	{
		displayName:
			'The mail links to a confirmation page: opening a link never answers by itself, so link scanners (Microsoft Defender Safe Links and others) cannot answer for the person. Only the button on that page records the answer.',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: forSendAndWait,
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 4 },
		description: 'Plain text shown in the mail above the buttons; line breaks are kept',
		displayOptions: forSendAndWait,
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'The person approves (or disapproves) with a button',
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'The person writes an answer on a form',
			},
			{
				name: 'Custom Form',
				value: 'customForm',
				description: 'The person fills in a form with the fields you define',
			},
		],
		displayOptions: forSendAndWait,
	},
	formFieldsProperty,
	approvalOptionsProperty,
	optionsFor(['approval'], []),
	optionsFor(['freeText', 'customForm'], formOptions),
];
