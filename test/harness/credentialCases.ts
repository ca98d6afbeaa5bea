import { randomUUID } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import { AadError, aadErrorBody } from '../simulator';
import { testCredential, type CredentialTestResult } from './credentialTest';
import { appCredentials, certCredentials, type CredentialWorld } from './credentialWorld';
import { runSendMail, type RunResult } from './engine';
import { findLeaks, OutputCapture, safeJson, type Leak } from './leaks';

export type CaseGroup =
	| 'tenant'
	| 'app'
	| 'secret'
	| 'certificate'
	| 'cloud'
	| 'network'
	| 'identity-answer'
	| 'permissions'
	| 'mailbox'
	| 'graph-answer'
	| 'validation'
	| 'senders';

/**
 * One way the credential can be wrong, with what the credential test must say about it. Every case
 * runs through the real credential code against the simulator: `runCredentialTest`, n8n's
 * declarative credential test (RoutingNode → `authenticate`) and a Send Mail run through n8n's
 * engine.
 */
export interface FailureCase {
	id: string;
	group: CaseGroup;
	/** What the admin got wrong, in words (used in test names and docs/TROUBLESHOOTING.md). */
	title: string;
	/** Expected CredentialTestFailure.reason. */
	reason: string;
	/** Microsoft's code the message must quote, e.g. "AADSTS7000215" or "ErrorInvalidUser". */
	code?: string;
	/** Admin words the credential test's message must contain. */
	words: (w: CredentialWorld) => (string | RegExp)[];
	credentials: (w: CredentialWorld) => Record<string, unknown>;
	/** Sets up the simulator (faults) after each reset. */
	arrange?: (w: CredentialWorld) => void;
	/** 'none': refused locally, no request may reach any simulator. */
	network?: 'none';
	/**
	 * What the Send Mail node says for the same credential. 'same': its error contains the credential
	 * test's message verbatim; otherwise words its message must contain.
	 */
	node?: 'same' | 'succeeds' | ((w: CredentialWorld) => (string | RegExp)[]);
	/**
	 * Node parameters beyond the basic message (e.g. a sender when the credential has no default).
	 */
	nodeParameters?: (w: CredentialWorld) => Record<string, unknown>;
	/** Jest timeout for slow cases. */
	timeoutMs?: number;
}

const aadFault =
	(status: number, error: string, code: number, text: string) => (w: CredentialWorld) =>
		w.sim.injectFault({
			match: { kind: 'token' },
			status,
			body: aadErrorBody(new AadError(status, error, code, text), {
				traceId: randomUUID(),
				correlationId: randomUUID(),
				now: new Date(),
			}),
		});

/**
 * An unsigned JWT shaped like an app-only Graph token (only used where the simulator's token is
 * replaced).
 */
function forgedToken(claims: Record<string, unknown>): string {
	const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
	return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`;
}

const FOREIGN_TENANT = '0b0b0b0b-1111-4222-8333-444444444444';

/** The simulator answers the next sign-in with an app-only token issued by tenant `tid`. */
export function answerTokenOfTenant(w: CredentialWorld, tid: string): void {
	const claims = { tid, appid: w.t.clientId, roles: ['Mail.Send'], aud: w.sim.graphEndpoint };
	w.sim.injectFault({
		match: { kind: 'token' },
		status: 200,
		body: { token_type: 'Bearer', expires_in: 3599, access_token: forgedToken(claims) },
	});
}

export const FAILURE_CASES: FailureCase[] = [
	// ---- tenant -----------------------------------------------------------------------------------
	{
		id: 'tenant-guid-unknown',
		group: 'tenant',
		title: 'Directory (tenant) ID: a GUID no tenant has',
		reason: 'tenantNotFound',
		code: 'AADSTS90002',
		words: (w) => [
			`Tenant "${w.unknownTenantId}" was not found in the Custom cloud`,
			'Copy the Directory (tenant) ID',
			'choose that Cloud',
		],
		credentials: (w) => w.t.credentials({ tenantId: w.unknownTenantId }),
		node: 'same',
	},
	{
		id: 'tenant-domain-unknown',
		group: 'tenant',
		title: 'Directory (tenant) ID: a domain no tenant has verified',
		reason: 'tenantNotFound',
		code: 'AADSTS90002',
		words: () => [
			'Tenant "nosuchtenant.onmicrosoft.com" was not found',
			'or use a verified domain of your tenant',
		],
		credentials: (w) => w.t.credentials({ tenantId: 'nosuchtenant.onmicrosoft.com' }),
		node: 'same',
	},
	// ---- app --------------------------------------------------------------------------------------
	{
		id: 'app-unknown',
		group: 'app',
		title: 'Application (client) ID: no such app in the tenant',
		reason: 'appNotFound',
		code: 'AADSTS700016',
		words: (w) => [
			`No application with client ID ${w.unknownClientId} exists in tenant`,
			'Application (client) ID',
		],
		credentials: (w) => w.t.credentials({ clientId: w.unknownClientId }),
		node: 'same',
	},
	{
		id: 'app-of-another-tenant',
		group: 'app',
		title: 'Application (client) ID of an app registered in a different tenant',
		reason: 'appNotFound',
		code: 'AADSTS700016',
		words: (w) => [
			`No application with client ID ${w.secondTenantApp.clientId} exists in tenant "${w.t.tenantId}"`,
			'same tenant',
		],
		credentials: (w) =>
			w.t.credentials({
				clientId: w.secondTenantApp.clientId,
				clientSecret: w.secondTenantApp.secret,
			}),
		node: 'same',
	},
	// ---- client secret ----------------------------------------------------------------------------
	{
		id: 'secret-wrong',
		group: 'secret',
		title: 'Client Secret: wrong value',
		reason: 'wrongSecret',
		code: 'AADSTS7000215',
		words: (w) => [
			`The Client Secret is wrong for app ${w.t.clientId}`,
			'not its Secret ID',
			'Certificates & secrets',
		],
		credentials: (w) => w.t.credentials({ clientSecret: w.wrongSecret }),
		node: 'same',
	},
	{
		id: 'secret-id-pasted',
		group: 'secret',
		title: 'Client Secret: the Secret ID was pasted instead of the Value',
		reason: 'secretIdPasted',
		code: 'AADSTS7000215',
		words: () => [
			"probably the secret's ID, not its Value",
			'create a new client secret and paste its Value',
		],
		credentials: (w) => w.t.credentials({ clientSecret: w.t.secretId }),
		node: 'same',
	},
	{
		id: 'secret-expired',
		group: 'secret',
		title: 'Client Secret: expired',
		reason: 'secretExpired',
		code: 'AADSTS7000222',
		words: (w) => [
			`The client secret of app ${w.apps.expired.clientId} has expired`,
			'Create a new secret',
		],
		credentials: (w) => appCredentials(w, w.apps.expired),
		node: 'same',
	},
	// ---- certificate ------------------------------------------------------------------------------
	{
		id: 'cert-not-uploaded',
		group: 'certificate',
		title: 'Certificate: not uploaded to the app registration',
		reason: 'certificateNotRegistered',
		code: 'AADSTS700027',
		words: (w) => [
			`SHA-256 thumbprint ${w.certs.notUploaded.thumbprintSha256Hex}`,
			`SHA-1 ${w.certs.notUploaded.thumbprintSha1Hex}`,
			'is not uploaded to app',
			'Certificates & secrets › Certificates',
		],
		credentials: (w) => certCredentials(w, w.certs.notUploaded),
		node: 'same',
	},
	{
		id: 'cert-key-mismatch',
		group: 'certificate',
		title: 'Private Key: belongs to a different certificate',
		reason: 'invalid:privateKey',
		words: () => ['The Private Key does not belong to the Certificate'],
		credentials: (w) =>
			certCredentials(w, w.certs.plain, { privateKey: w.certs.foreignKey.keyPem }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-bad-passphrase',
		group: 'certificate',
		title: 'Private Key Passphrase: wrong',
		reason: 'invalid:privateKeyPassphrase',
		words: () => ['the Private Key Passphrase is wrong'],
		credentials: (w) =>
			certCredentials(w, w.certs.encrypted, { privateKeyPassphrase: w.wrongPassphrase }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-missing-passphrase',
		group: 'certificate',
		title: 'Private Key Passphrase: missing for an encrypted key',
		reason: 'invalid:privateKeyPassphrase',
		words: () => ['The private key is encrypted. Enter its passphrase'],
		credentials: (w) => certCredentials(w, w.certs.encrypted, { privateKeyPassphrase: '' }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-missing-passphrase-pkcs1',
		group: 'certificate',
		title: 'Private Key Passphrase: missing for an encrypted PKCS#1 key ("Proc-Type: 4,ENCRYPTED")',
		reason: 'invalid:privateKeyPassphrase',
		words: () => ['The private key is encrypted. Enter its passphrase'],
		credentials: (w) =>
			certCredentials(w, w.certs.encrypted, {
				privateKey: w.certs.encryptedPkcs1KeyPem,
				privateKeyPassphrase: '',
			}),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-bad-passphrase-pkcs1',
		group: 'certificate',
		title: 'Private Key Passphrase: wrong for an encrypted PKCS#1 key',
		reason: 'invalid:privateKeyPassphrase',
		words: () => ['the Private Key Passphrase is wrong'],
		credentials: (w) =>
			certCredentials(w, w.certs.encrypted, {
				privateKey: w.certs.encryptedPkcs1KeyPem,
				privateKeyPassphrase: w.wrongPassphrase,
			}),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-malformed-certificate',
		group: 'certificate',
		title: 'Certificate: damaged PEM',
		reason: 'invalid:certificate',
		words: () => ['not a readable X.509 certificate (the PEM is damaged)'],
		credentials: (w) => {
			const pem = w.certs.plain.certPem;
			const lines = pem.trim().split('\n');
			// Drop three lines from the middle: still a PEM block, no longer DER.
			const damaged = [...lines.slice(0, 5), ...lines.slice(8)].join('\n');
			return certCredentials(w, w.certs.plain, { certificate: damaged });
		},
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-not-pem',
		group: 'certificate',
		title: 'Certificate: not PEM at all (e.g. a thumbprint pasted)',
		reason: 'invalid:certificate',
		words: () => ['The Certificate field holds no PEM certificate'],
		credentials: (w) =>
			certCredentials(w, w.certs.plain, { certificate: w.certs.plain.thumbprintSha1Hex }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-malformed-key',
		group: 'certificate',
		title: 'Private Key: truncated PEM',
		reason: 'invalid:privateKey',
		words: () => [
			'The Private Key is not a readable PEM private key (the text is damaged or truncated)',
		],
		credentials: (w) => {
			const lines = w.certs.plain.keyPem.trim().split('\n');
			return certCredentials(w, w.certs.plain, {
				privateKey: [...lines.slice(0, 10), lines[lines.length - 1]].join('\n'),
			});
		},
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-key-not-pem',
		group: 'certificate',
		title: 'Private Key: no PEM block (e.g. the certificate pasted twice)',
		reason: 'invalid:privateKey',
		words: () => ['The Private Key field holds no PEM private key'],
		credentials: (w) => certCredentials(w, w.certs.plain, { privateKey: w.certs.plain.certPem }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-ec-key',
		group: 'certificate',
		title: 'Private Key: an EC key (Entra only accepts RSA)',
		reason: 'invalid:privateKey',
		words: () => [
			'Microsoft Entra ID only accepts RSA certificates for client assertions; this key is ec',
		],
		credentials: (w) => certCredentials(w, w.certs.plain, { privateKey: w.certs.ecKeyPem }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'cert-expired',
		group: 'certificate',
		title: 'Certificate: expired',
		reason: 'invalid:certificate',
		words: () => [/The certificate expired on \d{4}-\d\d-\d\d\. Create a new certificate/],
		credentials: (w) => certCredentials(w, w.certs.expired),
		network: 'none',
		node: 'same',
	},
	// ---- cloud ------------------------------------------------------------------------------------
	{
		id: 'cloud-graph-of-another-cloud',
		group: 'cloud',
		title: 'Cloud: Graph endpoint of another cloud than the tenant',
		reason: 'wrongCloud',
		code: 'AADSTS500011',
		words: (w) => [
			`The tenant does not know the Graph endpoint ${w.otherCloud.graphEndpoint}`,
			'Choose the Cloud your tenant lives in',
		],
		credentials: (w) => w.t.credentials({ graphEndpoint: w.otherCloud.graphEndpoint }),
		node: 'same',
	},
	{
		id: 'cloud-tenant-of-another-cloud',
		group: 'cloud',
		title: 'Cloud: the tenant lives in another cloud',
		reason: 'tenantNotFound',
		code: 'AADSTS90002',
		words: (w) => [
			`Tenant "${w.otherCloudTenantId}" was not found in the Custom cloud`,
			'national cloud (GCC High, DoD, China), choose that Cloud',
		],
		credentials: (w) => w.t.credentials({ tenantId: w.otherCloudTenantId }),
		node: 'same',
	},
	// ---- network ----------------------------------------------------------------------------------
	{
		id: 'network-refused',
		group: 'network',
		title: 'Token endpoint unreachable (connection refused)',
		reason: 'unreachable',
		// In words: n8n replaces a whole message that contains "ECONNREFUSED" with a generic sentence.
		words: (w) => [
			`Cannot reach the Microsoft sign-in endpoint 127.0.0.1:${w.closedPort} (connection refused)`,
			'HTTPS_PROXY',
			'Cloud / Authority Host',
		],
		credentials: (w) => w.t.credentials({ authorityHost: `https://127.0.0.1:${w.closedPort}` }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'network-untrusted-tls',
		group: 'network',
		title: 'Token endpoint behind a TLS-inspecting proxy (certificate not trusted)',
		reason: 'unreachable',
		words: (w) => [
			`The TLS certificate of ${new URL(w.untrustedTlsUrl).host} is not trusted`,
			'NODE_EXTRA_CA_CERTS',
		],
		credentials: (w) => w.t.credentials({ authorityHost: w.untrustedTlsUrl }),
		network: 'none',
		node: 'same',
	},
	{
		id: 'network-timeout',
		group: 'network',
		title: 'Token endpoint does not answer (timeout)',
		reason: 'timeout',
		words: (w) => [
			`The Microsoft sign-in endpoint ${new URL(w.sim.url).host} did not answer within 20 s`,
			'HTTPS_PROXY',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) => w.sim.injectFault({ match: { kind: 'token' }, action: 'hang' }),
		// The node has its own Request Timeout (1 s here, to keep the test short).
		node: (w) => [`did not answer within 1 s`, new URL(w.sim.url).host],
		nodeParameters: () => ({ options: { requestTimeout: 1 } }),
		timeoutMs: 90_000,
	},
	{
		id: 'network-not-microsoft',
		group: 'network',
		title: 'Token endpoint answers with a non-Microsoft page (proxy, wrong host)',
		reason: 'badResponse',
		words: (w) => [
			`${new URL(w.sim.url).host} answered HTTP 200 with something that is not a Microsoft sign-in response`,
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'token' },
				status: 200,
				body: '<html><body>Proxy login</body></html>',
			}),
		node: 'same',
	},
	{
		id: 'identity-unavailable',
		group: 'network',
		title: 'Microsoft sign-in service unavailable (503, kept failing after retries)',
		reason: 'identityBusy',
		code: 'AADSTS90006',
		words: () => [
			"Microsoft's sign-in service is unavailable or throttling (HTTP 503, AADSTS90006)",
			'Try again in a few minutes',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'token' },
				status: 503,
				headers: { 'Retry-After': '0.2' },
			}),
		node: 'same',
	},
	// ---- other Entra answers the simulator does not model (the exact Entra body is injected)
	// --------
	{
		id: 'identity-clock-skew',
		group: 'identity-answer',
		title: 'Server clock wrong: certificate assertion outside its valid time',
		reason: 'clockSkew',
		code: 'AADSTS700024',
		words: () => ['the clock of this n8n server is wrong', 'NTP'],
		credentials: (w) => certCredentials(w, w.certs.plain),
		arrange: aadFault(
			401,
			'invalid_client',
			700024,
			'Client assertion is not within its valid time range.',
		),
		node: 'same',
	},
	{
		id: 'identity-app-disabled',
		group: 'identity-answer',
		title: 'Enterprise application disabled',
		reason: 'appDisabled',
		code: 'AADSTS7000112',
		words: (w) => [`App ${w.t.clientId} is disabled`, 'Enabled for users to sign-in'],
		credentials: (w) => w.t.credentials(),
		arrange: aadFault(400, 'unauthorized_client', 7000112, 'Application is disabled.'),
		node: 'same',
	},
	{
		id: 'identity-conditional-access',
		group: 'identity-answer',
		title: 'Conditional Access for workload identities blocks this server',
		reason: 'conditionalAccess',
		code: 'AADSTS53003',
		words: () => ['Conditional Access policy for workload identities blocked the token request'],
		credentials: (w) => w.t.credentials(),
		arrange: aadFault(
			400,
			'invalid_grant',
			53003,
			'Access has been blocked by Conditional Access policies.',
		),
		node: 'same',
	},
	{
		id: 'identity-tenant-malformed',
		group: 'identity-answer',
		title: 'Entra calls the tenant identifier malformed',
		reason: 'tenantMalformed',
		code: 'AADSTS900023',
		words: () => ['neither a GUID nor a valid domain'],
		credentials: (w) => w.t.credentials(),
		arrange: aadFault(
			400,
			'invalid_request',
			900023,
			"Specified tenant identifier 'x' is neither a valid DNS name, nor a valid external domain.",
		),
		node: 'same',
	},
	{
		id: 'identity-no-credential',
		group: 'identity-answer',
		title: 'Entra received no secret and no assertion',
		reason: 'noCredential',
		code: 'AADSTS7000218',
		words: () => ['neither a client secret nor a certificate assertion'],
		credentials: (w) => w.t.credentials(),
		arrange: aadFault(
			401,
			'invalid_client',
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		),
		node: 'same',
	},
	{
		id: 'identity-other-refusal',
		group: 'identity-answer',
		title: 'Any other Entra refusal (e.g. the app has no service principal in the tenant)',
		reason: 'refused',
		code: 'AADSTS7000229',
		words: () => [
			'Microsoft Entra ID refused the token request (invalid_client)',
			'https://login.microsoftonline.com/error?code=7000229',
		],
		credentials: (w) => w.t.credentials(),
		arrange: aadFault(
			400,
			'invalid_client',
			7000229,
			'The client application is missing service principal in the tenant.',
		),
		node: 'same',
	},
	{
		id: 'token-for-another-tenant',
		group: 'identity-answer',
		title: 'The token was issued for another tenant than the Directory (tenant) ID',
		reason: 'tenantMismatch',
		words: (w) => [
			`Microsoft issued the token for tenant ${FOREIGN_TENANT}, not for the Directory (tenant) ID ${w.t.tenantId}`,
			'Copy the tenant ID again',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) => answerTokenOfTenant(w, FOREIGN_TENANT),
		// The node does not read the token: Graph refuses it.
		node: () => ['Microsoft Graph refused the access token', 'InvalidAuthenticationToken'],
	},
	// ---- permissions / consent --------------------------------------------------------------------
	{
		id: 'consent-missing',
		group: 'permissions',
		title: 'Admin consent not granted (mailbox probe)',
		reason: 'consentMissing',
		code: 'NoPermissionsInAccessToken',
		words: () => [
			"Admin consent is missing: the app's token carries no application permissions",
			'Grant admin consent for (your tenant)',
			'(401 NoPermissionsInAccessToken)',
		],
		credentials: (w) => appCredentials(w, w.apps.noConsent),
		node: () => ['admin consent is missing', '(401 NoPermissionsInAccessToken)'],
	},
	{
		id: 'consent-missing-no-mailbox',
		group: 'permissions',
		title: 'Admin consent not granted (no Default Sender Mailbox: read from the token)',
		reason: 'consentMissing',
		words: () => ['Sign-in works, but admin consent is missing', 'Grant admin consent'],
		credentials: (w) => appCredentials(w, w.apps.noConsent, { senderMailbox: '' }),
		node: () => ['admin consent is missing', '(401 NoPermissionsInAccessToken)'],
		nodeParameters: (w) => ({ sender: w.t.sender }),
	},
	{
		id: 'mail-send-missing',
		group: 'permissions',
		title: 'Mail.Send application permission missing (other permissions granted)',
		reason: 'missingMailSend',
		code: 'ErrorAccessDenied',
		words: () => [
			'The app has application permissions (User.Read.All) but not Mail.Send',
			'Application permissions › Mail.Send (not the Delegated one)',
			'(403 ErrorAccessDenied)',
		],
		credentials: (w) => appCredentials(w, w.apps.noMailSend),
		node: () => ['lacks the Mail.Send application permission', '(403 ErrorAccessDenied)'],
	},
	{
		id: 'mail-send-missing-no-mailbox',
		group: 'permissions',
		title:
			'Mail.Send application permission missing (no Default Sender Mailbox: read from the token)',
		reason: 'missingMailSend',
		words: () => ["the app's application permissions (User.Read.All) do not include Mail.Send"],
		credentials: (w) => appCredentials(w, w.apps.noMailSend, { senderMailbox: '' }),
		node: () => ['lacks the Mail.Send application permission', '(403 ErrorAccessDenied)'],
		nodeParameters: (w) => ({ sender: w.t.sender }),
	},
	// ---- mailbox ----------------------------------------------------------------------------------
	{
		id: 'mailbox-not-found',
		group: 'mailbox',
		title: 'Default Sender Mailbox: no such user (UPN)',
		reason: 'mailboxNotFound',
		code: 'ErrorInvalidUser',
		words: (w) => [
			`Mailbox nobody@${w.t.domain} was not found in this tenant`,
			'(404 ErrorInvalidUser)',
		],
		credentials: (w) => w.t.credentials({ senderMailbox: `nobody@${w.t.domain}` }),
		node: 'same',
	},
	{
		id: 'mailbox-id-not-found',
		group: 'mailbox',
		title: 'Default Sender Mailbox: wrong object ID',
		reason: 'mailboxNotFound',
		code: 'ErrorInvalidUser',
		words: () => [
			'was not found in this tenant',
			'object ID of a user or shared mailbox',
			'(404 ErrorInvalidUser)',
		],
		credentials: (w) => w.t.credentials({ senderMailbox: '5f4d3c2b-1a09-4876-8543-210fedcba987' }),
		node: 'same',
	},
	{
		id: 'mailbox-unlicensed',
		group: 'mailbox',
		title: 'Default Sender Mailbox: user without an Exchange Online licence',
		reason: 'mailboxNotEnabled',
		code: 'MailboxNotEnabledForRESTAPI',
		words: (w) => [
			`${w.t.unlicensed} has no Exchange Online mailbox`,
			'unlicensed',
			'Assign a licence that includes Exchange Online',
			'(404 MailboxNotEnabledForRESTAPI)',
		],
		credentials: (w) => w.t.credentials({ senderMailbox: w.t.unlicensed }),
		node: 'same',
	},
	{
		id: 'mailbox-on-premises',
		group: 'mailbox',
		title: 'Default Sender Mailbox: hosted on-premises (hybrid)',
		reason: 'mailboxNotEnabled',
		code: 'MailboxNotEnabledForRESTAPI',
		words: (w) => [
			`${w.onPremMailbox} has no Exchange Online mailbox`,
			'hosted on-premises',
			'(404 MailboxNotEnabledForRESTAPI)',
		],
		credentials: (w) => w.t.credentials({ senderMailbox: w.onPremMailbox }),
		node: 'same',
	},
	{
		id: 'mailbox-blocked-by-access-policy',
		group: 'mailbox',
		title: 'Default Sender Mailbox: blocked by an Exchange application access policy',
		reason: 'accessPolicy',
		code: 'ErrorAccessDenied',
		words: (w) => [
			`An Exchange Online application access policy blocks app ${w.apps.policy.clientId} from mailbox ${w.t.sender}`,
			`Test-ApplicationAccessPolicy -Identity ${w.t.sender} -AppId ${w.apps.policy.clientId}`,
			'(403 ErrorAccessDenied)',
		],
		credentials: (w) => appCredentials(w, w.apps.policy),
		node: 'same',
	},
	{
		id: 'mailbox-outside-rbac-scope',
		group: 'mailbox',
		title: "Default Sender Mailbox: outside the app's Exchange RBAC for Applications scope",
		reason: 'accessDenied',
		code: 'ErrorAccessDenied',
		words: (w) => [
			`Access denied for mailbox ${w.t.sender}`,
			'Exchange RBAC for Applications scope excludes this mailbox',
			'Test-ServicePrincipalAuthorization',
			'(403 ErrorAccessDenied)',
		],
		credentials: (w) => appCredentials(w, w.apps.rbac),
		node: 'same',
	},
	// ---- other Graph answers (injected) -----------------------------------------------------------
	{
		id: 'graph-token-rejected',
		group: 'graph-answer',
		title: 'Graph refuses the token (e.g. Authority Host and Graph Endpoint of different clouds)',
		reason: 'tokenRejected',
		code: 'InvalidAuthenticationToken',
		words: () => [
			'Microsoft Graph refused the access token: Access token validation failure. Invalid audience.',
			'(401 InvalidAuthenticationToken)',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'graph' },
				status: 401,
				body: {
					error: {
						code: 'InvalidAuthenticationToken',
						message: 'Access token validation failure. Invalid audience.',
					},
				},
			}),
		node: 'same',
	},
	{
		id: 'graph-throttled',
		group: 'graph-answer',
		title: 'Graph keeps throttling the mailbox (429)',
		reason: 'throttled',
		code: 'TooManyRequests',
		words: (w) => [
			`Microsoft Graph kept throttling mailbox ${w.t.sender}`,
			'(429 TooManyRequests)',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'graph' },
				status: 429,
				headers: { 'Retry-After': '0.1' },
			}),
		node: 'same',
	},
	{
		id: 'graph-unavailable',
		group: 'graph-answer',
		title: 'Graph unavailable (503)',
		reason: 'unavailable',
		code: 'ServiceNotAvailable',
		words: () => [
			'Microsoft Graph was unavailable and stayed so after several retries',
			'(503 ServiceNotAvailable)',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'graph' },
				status: 503,
				headers: { 'Retry-After': '0.1' },
			}),
		node: 'same',
	},
	{
		id: 'graph-connection-reset',
		group: 'graph-answer',
		title: 'Graph unreachable (connection reset)',
		reason: 'graphUnreachable',
		words: (w) => [
			`Cannot get an answer from Microsoft Graph at ${w.sim.graphEndpoint}: mailbox probe: cannot reach ${new URL(w.sim.url).host} (connection reset)`,
			'HTTPS_PROXY',
		],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({ match: { kind: 'graph' }, action: 'resetBeforeProcessing' }),
		// A reset after the body was sent: the node must say "delivery unknown, not resent" (n8n's
		// NodeError turns any ECONNRESET into its generic "closed unexpectedly … You can retry the
		// request immediately").
		node: () => [
			'delivery unknown — sendMail got connection lost (connection reset)',
			'it was NOT sent again, to avoid a duplicate',
		],
	},
	{
		id: 'graph-other-refusal',
		group: 'graph-answer',
		title: 'Any other Graph refusal (e.g. the mailbox is blocked for outbound spam)',
		reason: 'other',
		code: 'ErrorMessageSubmissionBlocked',
		words: () => ['Microsoft Graph refused mailbox probe', '(400 ErrorMessageSubmissionBlocked)'],
		credentials: (w) => w.t.credentials(),
		arrange: (w) =>
			w.sim.injectFault({
				match: { kind: 'graph' },
				status: 400,
				body: {
					error: {
						code: 'ErrorMessageSubmissionBlocked',
						message:
							"Cannot send mail. Your mailbox has been blocked because it's sending too many messages.",
					},
				},
			}),
		node: () => ['Microsoft Graph refused sendMail', '(400 ErrorMessageSubmissionBlocked)'],
	},
	// ---- input validation: refused before any request ---------------------------------------------
	...(
		[
			['tenant-path-traversal', 'tenantId', '../x'],
			['tenant-path-injection', 'tenantId', 'contoso.com/evil'],
			['tenant-query-injection', 'tenantId', 'a?b'],
			['tenant-fragment', 'tenantId', 'contoso.com#x'],
			['tenant-userinfo', 'tenantId', 'x@evil.example'],
			['tenant-encoded-traversal', 'tenantId', '%2e%2e'],
			['tenant-common', 'tenantId', 'common'],
			['tenant-organizations', 'tenantId', 'Organizations'],
			['tenant-empty', 'tenantId', ''],
			['client-id-not-guid', 'clientId', 'n8n-mail-app'],
			['client-id-is-a-secret', 'clientId', 'SECRET'],
			['client-id-empty', 'clientId', ''],
			['authority-http', 'authorityHost', 'http://'],
			['authority-with-path', 'authorityHost', 'PATH'],
			['authority-with-query', 'authorityHost', 'QUERY'],
			['authority-with-userinfo', 'authorityHost', 'USERINFO'],
			['authority-not-url', 'authorityHost', 'login microsoftonline com'],
			['authority-missing', 'authorityHost', ''],
			['graph-http', 'graphEndpoint', 'http://'],
			['graph-with-path', 'graphEndpoint', 'PATH'],
			['graph-missing', 'graphEndpoint', ''],
			['cloud-unknown', 'cloud', 'moon'],
			['secret-empty', 'clientSecret', ''],
			['authentication-unknown', 'authentication', 'password'],
			['certificate-empty', 'certificate', ''],
			['private-key-empty', 'privateKey', ''],
			['sender-with-slash', 'senderMailbox', 'a/b@contoso.com'],
			['sender-traversal', 'senderMailbox', '../me@contoso.com'],
			['sender-percent', 'senderMailbox', 'user%40evil.com@contoso.com'],
			['sender-no-domain', 'senderMailbox', 'sender'],
			['test-recipient-two', 'testRecipient', 'a@contoso.com, b@contoso.com'],
			['test-recipient-without-sender', 'senderMailbox', 'TESTRECIPIENT'],
			['allowed-senders-bad-pattern', 'allowedSenders', '*@'],
			['allowed-senders-bad-entry', 'allowedSenders', 'the billing team'],
		] as const
	).map(
		([id, field, value]): FailureCase => ({
			id: `input-${id}`,
			group: 'validation',
			title: `${field}: ${JSON.stringify(value)} is refused before any request`,
			reason: `invalid:${field}`,
			words: () => [],
			credentials: (w) => {
				const sim = new URL(w.sim.url).host;
				switch (value) {
					case 'http://':
						return w.t.credentials({ [field]: `http://${sim}` });
					case 'PATH':
						return w.t.credentials({ [field]: `https://${sim}/evil/path` });
					case 'QUERY':
						return w.t.credentials({ [field]: `https://${sim}/?x=1` });
					case 'USERINFO':
						return w.t.credentials({ [field]: `https://admin:${w.urlPassword}@${sim}` });
					case 'SECRET':
						// The secret pasted into the wrong field must not be echoed either.
						return w.t.credentials({ clientId: w.t.secret });
					case 'TESTRECIPIENT':
						return w.t.credentials({ senderMailbox: '', testRecipient: 'admin@contoso.com' });
					default:
						if (field === 'certificate' || field === 'privateKey')
							return certCredentials(w, w.certs.plain, { [field]: '' });
						return w.t.credentials({ [field]: value });
				}
			},
			network: 'none',
			// Test Recipient only matters to the credential test: the node sends from its own Sender and
			// never uses it.
			node:
				value === 'TESTRECIPIENT' || field === 'testRecipient'
					? 'succeeds'
					: () => [new RegExp(`^Credential › ${field}: `)],
			nodeParameters: (w) => ({ sender: w.t.sender }),
		}),
	),
	{
		id: 'sender-not-allowed',
		group: 'senders',
		title: 'Default Sender Mailbox is not in Allowed Senders',
		reason: 'senderNotAllowed',
		words: (w) => [
			`Default Sender Mailbox ${w.t.sender} is not in the credential's Allowed Senders (boss@contoso.com, *@billing.contoso.com)`,
		],
		credentials: (w) =>
			w.t.credentials({ allowedSenders: 'boss@contoso.com, *@billing.contoso.com' }),
		network: 'none',
		node: (w) => [
			`Mailbox "${w.t.sender}" is not in the credential's Allowed Senders (boss@contoso.com, *@billing.contoso.com)`,
		],
	},
];

/** What one failure case produced on every path, plus everything written meanwhile. */
export interface CaseOutcome {
	/** The error runCredentialTest threw (expected: CredentialTestFailure). */
	failure: unknown;
	/** n8n's declarative credential test (what Save and Retry in the credential dialog show). */
	n8n: CredentialTestResult;
	/** Requests that reached either simulator during the two credential test paths. */
	testRequests: number;
	/** Send Mail run that stops the workflow on error. */
	node: RunResult;
	/** Send Mail run with "Continue (regular output)". */
	nodeContinue: RunResult;
	/** Requests that reached either simulator during the two node runs. */
	nodeRequests: number;
	/**
	 * Every text a person or a log could see: messages, error JSON, node output,
	 * stdout/stderr/console/n8n logger.
	 */
	outputs: { where: string; text: string }[];
}

const BASE_MESSAGE = {
	toRecipients: 'someone@example.com',
	subject: 'credential case',
	bodyContent: 'x',
};

/**
 * Runs one case through the two credential test paths at once, then through two node runs at once
 * (all injected faults are unlimited, so concurrent paths see the same answers). Output written
 * meanwhile is captured for the leak checks.
 */
export async function runFailureCase(w: CredentialWorld, c: FailureCase): Promise<CaseOutcome> {
	const credentials = c.credentials(w);
	const parameters = { ...BASE_MESSAGE, ...(c.nodeParameters?.(w) ?? {}) };
	const capture = new OutputCapture().start();
	try {
		w.reset();
		c.arrange?.(w);
		const [failure, n8n] = await Promise.all([
			runCredentialTest(credentials).then(
				(report) => ({ unexpectedSuccess: report.summary }),
				(error: unknown) => error,
			),
			testCredential(credentials as ICredentialDataDecryptedObject),
		]);
		const testRequests = w.requestCount();
		w.reset();
		c.arrange?.(w);
		const [node, nodeContinue] = await Promise.all([
			runSendMail({
				credentials: credentials as ICredentialDataDecryptedObject,
				items: [{ json: {} }],
				parameters,
			}),
			runSendMail({
				credentials: credentials as ICredentialDataDecryptedObject,
				items: [{ json: {} }],
				parameters,
				onError: 'continueRegularOutput',
			}),
		]);
		const nodeRequests = w.requestCount();
		capture.stop();
		const f = failure as Partial<CredentialTestFailure>;
		const outputs = [
			{ where: 'runCredentialTest message', text: String(f?.message ?? '') },
			{ where: 'runCredentialTest error (JSON)', text: safeJson(failure) },
			{ where: 'runCredentialTest error stack', text: String((failure as Error)?.stack ?? '') },
			{ where: 'n8n credential test result', text: safeJson(n8n) },
			{ where: 'node run (stop on error): error', text: safeJson(node.error) },
			{ where: 'node run (stop on error): run data', text: safeJson(node.run) },
			{ where: 'node run (continue): items', text: safeJson(nodeContinue.items) },
			{ where: 'node run (continue): run data', text: safeJson(nodeContinue.run) },
			...capture.chunks,
		];
		return { failure, n8n, testRequests, node, nodeContinue, nodeRequests, outputs };
	} finally {
		capture.stop();
	}
}

/** Sentinels plus every token issued so far. */
export function secretsOf(w: CredentialWorld) {
	return [
		...w.sentinels,
		...w.issuedTokens.map((token, i) => ({ label: `issued access token #${i + 1}`, value: token })),
	];
}

export function leaksIn(w: CredentialWorld, outputs: { where: string; text: string }[]): Leak[] {
	return findLeaks(outputs, secretsOf(w));
}

function matchesWord(text: string, word: string | RegExp): boolean {
	return typeof word === 'string' ? text.includes(word) : word.test(text);
}

/**
 * The assertions every failure case must pass:
 * 1. runCredentialTest throws CredentialTestFailure with the case's reason, Microsoft's code and
 *    the admin words;
 * 2. n8n's credential test reports status Error with exactly that message;
 * 3. the Send Mail node fails (stop and continue modes) with the same message or the case's node
 *    words;
 * 4. local failures reach no simulator;
 * 5. nothing secret (sentinels, key lines, issued tokens, any JWT) appears in any output.
 */
export function expectCaseOutcome(w: CredentialWorld, c: FailureCase, o: CaseOutcome): void {
	expect(o.failure).toBeInstanceOf(CredentialTestFailure);
	const failure = o.failure as CredentialTestFailure;
	expect({ id: c.id, reason: failure.reason }).toEqual({ id: c.id, reason: c.reason });
	if (c.code) expect(failure.message).toContain(c.code);
	for (const word of c.words(w))
		expect({
			id: c.id,
			message: failure.message,
			has: matchesWord(failure.message, word),
		}).toMatchObject({ has: true });

	expect(o.n8n).toEqual({ status: 'Error', message: failure.message });

	if (c.network === 'none')
		expect({ id: c.id, testRequests: o.testRequests }).toEqual({ id: c.id, testRequests: 0 });

	if (c.node === 'succeeds') {
		expect(o.node.status).toBe('success');
	} else {
		expect(o.node.status).toBe('error');
		const nodeMessage = o.node.errorMessage ?? '';
		const continued = o.nodeContinue.items;
		expect(continued).toHaveLength(1);
		expect(continued[0].json.error).toBe(nodeMessage);
		const nodeWords = c.node === 'same' || c.node === undefined ? [failure.message] : c.node(w);
		for (const word of nodeWords)
			expect({ id: c.id, nodeMessage, has: matchesWord(nodeMessage, word) }).toMatchObject({
				has: true,
			});
		if (c.network === 'none')
			expect({ id: c.id, nodeRequests: o.nodeRequests }).toEqual({ id: c.id, nodeRequests: 0 });
	}
	expect(leaksIn(w, o.outputs)).toEqual([]);
}

export function casesOf(...groups: CaseGroup[]): FailureCase[] {
	return FAILURE_CASES.filter((c) => groups.includes(c.group));
}
