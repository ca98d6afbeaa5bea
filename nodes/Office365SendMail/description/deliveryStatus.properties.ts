import type { INodeProperties } from 'n8n-workflow';

const SHOW = { show: { operation: ['getDeliveryStatus'] } };

/**
 * Get Delivery Status: which message to look up, how long to wait for a final status, and Dry Run.
 */
export const deliveryStatusProperties: INodeProperties[] = [
	{
		displayName:
			"Reads the tenant's Exchange message trace: needs the application permission <b>ExchangeMessageTrace.Read.All</b> (global cloud only). Microsoft allows 100 trace requests per 5 minutes per tenant.",
		name: 'deliveryStatusNotice',
		type: 'notice',
		default: '',
		displayOptions: SHOW,
	},
	{
		displayName: 'Internet Message ID',
		name: 'internetMessageId',
		type: 'string',
		default: '={{ $json.internetMessageId }}',
		placeholder: 'e.g. <abc123@contoso.com>',
		description:
			"The Message-ID of the sent message; the default takes it from a Send before this node. When Exchange did not keep it (the input's internetMessageIdConfirmed is not true), the message is also searched for by sender, subject, recipients and sentAt of the input item.",
		displayOptions: SHOW,
	},
	{
		displayName: 'Wait Seconds',
		name: 'waitSeconds',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 600 },
		description:
			'Up to how long to look again until every recipient has a final status (0: look once). For longer waits, put a Wait node before this one.',
		displayOptions: SHOW,
	},
	{
		displayName: 'Options',
		name: 'deliveryStatusOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: SHOW,
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only output the message trace request(s) a real run would make, without signing in or sending them',
			},
		],
	},
];
