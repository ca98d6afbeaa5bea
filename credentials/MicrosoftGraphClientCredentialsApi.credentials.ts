import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CLOUDS } from '../nodes/shared/credential/clouds';
import { readGraphSettings } from '../nodes/shared/credential/settings';
import { runCredentialTest } from '../nodes/shared/diagnostics/credentialTest';
import { acquireToken } from '../nodes/shared/token/tokenProvider';

/** Marks the Test button's request so that `authenticate` runs the diagnosis instead of adding a token. */
export const CREDENTIAL_TEST_HEADER = 'x-o365-send-mail-credential-test';

const CLOUD_OPTIONS = [
	{
		name: 'Global (Incl. GCC)',
		value: 'global',
		description: `${CLOUDS.global.authorityHost} and ${CLOUDS.global.graphEndpoint}`,
	},
	{
		name: 'US Government L4 (GCC High)',
		value: 'usGovHigh',
		description: `${CLOUDS.usGovHigh.authorityHost} and ${CLOUDS.usGovHigh.graphEndpoint}`,
	},
	{
		name: 'US Government L5 (DoD)',
		value: 'usGovDod',
		description: `${CLOUDS.usGovDod.authorityHost} and ${CLOUDS.usGovDod.graphEndpoint}`,
	},
	{
		name: 'China (21Vianet)',
		value: 'china',
		description: `${CLOUDS.china.authorityHost} and ${CLOUDS.china.graphEndpoint}`,
	},
	{ name: 'Custom', value: 'custom', description: 'Enter the identity and Graph hosts yourself' },
];

function headerValue(headers: IHttpRequestOptions['headers'], name: string): unknown {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

export class MicrosoftGraphClientCredentialsApi implements ICredentialType {
	name = 'microsoftGraphClientCredentialsApi';

	displayName = 'Microsoft Graph Client Credentials';

	icon: Icon = { light: 'file:microsoftGraph.svg', dark: 'file:microsoftGraph.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-office365-send-mail/n8n-nodes-office365-send-mail/blob/main/docs/SETUP.md';

	properties: INodeProperties[] = [
		{
			displayName:
				'App-only access: an Entra ID app registration with the Microsoft Graph <b>Mail.Send application permission</b> and admin consent (Mail.ReadWrite too for attachments of 3 MB or more). Mail.Send lets the app send as <b>any</b> mailbox unless Exchange Online RBAC for Applications (or an application access policy) or Allowed Senders below restricts it.',
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
			description: "The secret's Value (shown once when it is created), not its Secret ID",
			displayOptions: { show: { authentication: ['clientSecret'] } },
		},
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				'PEM of the public certificate uploaded to the app registration; its thumbprint is computed from it',
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description:
				"PEM of the certificate's RSA private key (PKCS#8 or PKCS#1, encrypted or not); flattened line breaks are repaired",
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
				"Mailbox to send from when the node's Sender is empty: user principal name or Entra object ID. The Test checks this mailbox without sending anything.",
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
			displayName: 'Test Recipient',
			name: 'testRecipient',
			type: 'string',
			default: '',
			placeholder: 'e.g. admin@contoso.com',
			description:
				'Optional: when set, Test also sends a short real message from the Default Sender Mailbox to this address',
		},
	];

	/**
	 * Used for the Test button (diagnosis, see below) and when the credential is picked in the HTTP Request node:
	 * then it adds a bearer token from the shared msal-node cache, but only for this credential's Graph host.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (headerValue(requestOptions.headers, CREDENTIAL_TEST_HEADER) !== undefined) {
			const report = await runCredentialTest(credentials);
			const headers = { ...(requestOptions.headers ?? {}) };
			for (const key of Object.keys(headers))
				if (key.toLowerCase() === CREDENTIAL_TEST_HEADER) delete headers[key];
			// Everything was verified above; the request n8n then makes only fetches the tenant's public
			// sign-in metadata, which needs no token.
			const { authorityHost, tenantId } = report;
			return {
				...requestOptions,
				headers,
				baseURL: undefined,
				url: `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`,
			};
		}
		const settings = readGraphSettings(credentials);
		const target = new URL(requestOptions.url, requestOptions.baseURL || undefined);
		if (target.origin !== settings.graphEndpoint) {
			throw new Error(
				`This credential only authenticates requests to ${settings.graphEndpoint}, not to ${target.origin}.`,
			);
		}
		const token = await acquireToken(settings);
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${token.token}` },
		};
	}

	/**
	 * Declarative test: works for installed community packages and for custom-folder loading alike
	 * (`testedBy` functions are not found for the latter). The diagnosis itself runs in `authenticate`.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
			headers: { [CREDENTIAL_TEST_HEADER]: '1' },
		},
	};
}
