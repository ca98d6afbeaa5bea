import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CLOUDS } from '../nodes/shared/credential/clouds';
import {
	CREDENTIAL_TEST_HEADER,
	credentialTestRequest,
	readTestMarker,
} from '../nodes/shared/credential/testGate';
import { runCredentialTest } from '../nodes/shared/diagnostics/credentialTest';

export { CREDENTIAL_TEST_HEADER };

/**
 * Said when the credential is used anywhere but in the Office 365 Send Mail node and its own test.
 */
export const NOT_FOR_OTHER_REQUESTS =
	'Microsoft Graph Client Credentials only works in the Office 365 Send Mail node. It does not add its token to other requests (such as the HTTP Request node), because there its Allowed Senders could not be enforced. For other Microsoft Graph calls, register a separate app with only the permissions those calls need.';

/** Said when a request carries the test marker but did not come from n8n's credential test. */
export const TEST_ONLY_FROM_DIALOG =
	'The credential test of Microsoft Graph Client Credentials runs only from the credential dialog: save the credential (or click Retry there). A workflow cannot start it.';

/** A named cloud, described by the two hosts it signs in and sends through. */
const cloudOption = (name: string, value: keyof typeof CLOUDS) => ({
	name,
	value,
	description: `${CLOUDS[value].authorityHost} and ${CLOUDS[value].graphEndpoint}`,
});

const CLOUD_OPTIONS = [
	cloudOption('Global (Incl. GCC)', 'global'),
	cloudOption('US Government L4 (GCC High)', 'usGovHigh'),
	cloudOption('US Government L5 (DoD)', 'usGovDod'),
	cloudOption('China (21Vianet)', 'china'),
	{ name: 'Custom', value: 'custom', description: 'Enter the identity and Graph hosts yourself' },
];

export class MicrosoftGraphClientCredentialsApi implements ICredentialType {
	name = 'microsoftGraphClientCredentialsApi';

	// "Microsoft 365", "Office 365", "Outlook", "Exchange" and "email" are what people type in the
	// credential search.
	displayName = 'Microsoft Graph Client Credentials';

	icon: Icon = { light: 'file:microsoftGraph.svg', dark: 'file:microsoftGraph.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-office365-send-mail/n8n-nodes-office365-send-mail/blob/main/docs/SETUP.md';

	properties: INodeProperties[] = [
		{
			displayName:
				'Send email from Microsoft 365 (Office 365, Exchange Online, Outlook) mailboxes, app-only: an Entra ID app registration with the Microsoft Graph <b>Mail.Send application permission</b> and admin consent (Mail.ReadWrite too for attachments of 3 MB or more). Mail.Send lets the app send as <b>any</b> mailbox unless Exchange Online RBAC for Applications (or an application access policy) or Allowed Senders below restricts it. Saving runs the credential test; Retry repeats it.',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Cloud',
			name: 'cloud',
			type: 'options',
			options: CLOUD_OPTIONS,
			default: 'global',
			description: 'The Microsoft cloud your tenant lives in; GCC and GCC Moderate use Global',
		},
		{
			displayName: 'Authority Host',
			name: 'authorityHost',
			type: 'string',
			default: '',
			placeholder: 'https://login.microsoftonline.com',
			description: 'https origin of the Microsoft identity platform',
			displayOptions: { show: { cloud: ['custom'] } },
		},
		{
			displayName: 'Graph Endpoint',
			name: 'graphEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://graph.microsoft.com',
			description: 'https origin of Microsoft Graph',
			displayOptions: { show: { cloud: ['custom'] } },
		},
		{
			displayName: 'Directory (Tenant) ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
			description: "From the app registration's Overview page, or a verified domain of the tenant",
		},
		{
			displayName: 'Application (Client) ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 00000000-0000-0000-0000-000000000000',
			description: "From the app registration's Overview page",
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Certificate', value: 'certificate' },
			],
			default: 'clientSecret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The secret's Value (shown once when it is created), not its Secret ID",
			displayOptions: { show: { authentication: ['clientSecret'] } },
		},
		// A public certificate is no secret. Unmasked, n8n shows a multi-line field that keeps the
		// PEM's line breaks as pasted (masked fields are single-line in n8n's editor).
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				'PEM of the public certificate uploaded to the app registration; its thumbprint is computed from it',
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			// Masked, so n8n never sends it back to the browser. n8n's editor shows password fields on
			// one line even with rows set; the pasted PEM's flattened line breaks are repaired when it is
			// read.
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				"PEM of the certificate's RSA private key (PKCS#8 or PKCS#1, encrypted or not); pasting it on one line is fine",
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			displayName: 'Private Key Passphrase',
			name: 'privateKeyPassphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for an encrypted private key',
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			displayName: 'Default Sender Mailbox',
			name: 'senderMailbox',
			type: 'string',
			default: '',
			placeholder: 'e.g. notifications@contoso.com',
			description:
				"Mailbox to send from when the node's Sender is empty: user principal name or Entra object ID. Saving the credential checks this mailbox without sending anything.",
		},
		{
			displayName: 'Sender Display Name',
			name: 'senderName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Contoso Notifications',
			description:
				"Optional name recipients see as the sender, used when the node's From Name is empty",
		},
		{
			displayName: 'Default Reply-To',
			name: 'replyTo',
			type: 'string',
			default: '',
			placeholder: 'e.g. support@contoso.com',
			description:
				"Optional addresses replies should go to, used when the node's Reply To is empty; same formats as the node's To",
		},
		{
			displayName: 'Allowed Senders',
			name: 'allowedSenders',
			type: 'string',
			default: '',
			placeholder: 'e.g. notifications@contoso.com, *@billing.contoso.com',
			description:
				'Optional list of mailboxes (UPN or object ID) or *@domain patterns this credential may send from; other senders are refused before any request. Empty allows every mailbox the Exchange policy allows.',
		},
		{
			displayName: "Mailbox Outside the App's Scope",
			name: 'scopeCheckMailbox',
			type: 'string',
			default: '',
			placeholder: 'e.g. ceo@contoso.com',
			description:
				'Optional: a mailbox the app must NOT be able to send from. Saving the credential then also checks, without sending anything, that Exchange refuses it, which proves RBAC for Applications (or the application access policy) is in effect.',
		},
		{
			displayName: 'Test Recipient',
			name: 'testRecipient',
			type: 'string',
			default: '',
			placeholder: 'e.g. admin@contoso.com',
			description:
				'Optional: when set, saving the credential (or Retry) also sends a short real message from the Default Sender Mailbox to this address, listing what was verified',
		},
	];

	/**
	 * Runs the credential test and nothing else. The Send Mail node gets its token itself (it
	 * enforces Allowed Senders first); any other request that reaches this, such as the HTTP Request
	 * node's "Predefined Credential Type", is refused, so a workflow can neither send as an arbitrary
	 * mailbox nor start the test.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { marker, headers } = readTestMarker(requestOptions.headers);
		if (marker === 'forged') throw new Error(TEST_ONLY_FROM_DIALOG);
		if (marker === 'absent') throw new Error(NOT_FOR_OTHER_REQUESTS);
		const report = await runCredentialTest(credentials);
		// Everything was verified above; the request n8n then makes only fetches the tenant's public
		// sign-in metadata, which needs no token.
		return {
			...requestOptions,
			headers,
			baseURL: undefined,
			url: `${report.authorityHost}/${report.tenantId}/v2.0/.well-known/openid-configuration`,
		};
	}

	/**
	 * Declarative test: works for installed community packages and for custom-folder loading alike
	 * (`testedBy` functions are not found for the latter). The diagnosis itself runs in
	 * `authenticate`.
	 */
	test: ICredentialTestRequest = credentialTestRequest();
}
