import type { GraphSettings } from '../credential/settings';
import { isGuid } from '../credential/identifiers';
import type { TokenNetworkFailure } from './msalNetworkClient';
import { sayNetworkCodes } from '../transport/networkWords';

/** Short, stable names for what went wrong; tests and the README's troubleshooting table use them. */
export type TokenFailureReason =
	| 'tenantNotFound'
	| 'tenantMalformed'
	| 'appNotFound'
	| 'wrongSecret'
	| 'secretIdPasted'
	| 'secretExpired'
	| 'noCredential'
	| 'certificateNotRegistered'
	| 'assertionRejected'
	| 'clockSkew'
	| 'wrongCloud'
	| 'appDisabled'
	| 'conditionalAccess'
	| 'identityBusy'
	| 'unreachable'
	| 'timeout'
	| 'badResponse'
	| 'refused';

/** A token could not be obtained. `message` is written for an admin; it never contains a secret or token. */
export class TokenError extends Error {
	constructor(
		readonly reason: TokenFailureReason,
		message: string,
		/** Microsoft's code, e.g. "AADSTS7000215", when Microsoft answered. */
		readonly microsoftCode?: string,
		/** The credential field to fix, when there is one. */
		readonly field?: string,
	) {
		super(message);
		this.name = 'TokenError';
	}
}

interface MsalLikeError {
	errorCode?: string;
	errorMessage?: string;
	errorNo?: string | number;
	subError?: string;
}

function aadstsOf(error: MsalLikeError): string | undefined {
	if (error.errorNo !== undefined && /^\d+$/.test(String(error.errorNo)))
		return `AADSTS${error.errorNo}`;
	return /AADSTS\d+/.exec(error.errorMessage ?? '')?.[0];
}

function networkTokenError(failure: TokenNetworkFailure): TokenError {
	const fix = `Check that this n8n server can reach https://${failure.host} (DNS, firewall; behind a proxy set HTTPS_PROXY for n8n) and that the Cloud / Authority Host setting is right.`;
	switch (failure.kind) {
		case 'timeout':
			return new TokenError(
				'timeout',
				`The Microsoft sign-in endpoint ${failure.host} did not answer within ${Math.round(failure.timeoutMs / 1000)} s. ${fix}`,
			);
		case 'unreachable':
			if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(failure.code)) {
				return new TokenError(
					'unreachable',
					`The TLS certificate of ${failure.host} is not trusted (${failure.code}). A TLS-inspecting proxy is the usual cause: give n8n its CA with NODE_EXTRA_CA_CERTS.`,
				);
			}
			if (failure.proxy) {
				return new TokenError(
					'unreachable',
					`Cannot reach the Microsoft sign-in endpoint ${failure.host} through the proxy ${failure.proxy} (${sayNetworkCodes(failure.code)}): the proxy itself failed. Check that the proxy runs and accepts this n8n server, or correct HTTPS_PROXY / NO_PROXY in n8n's environment.`,
				);
			}
			return new TokenError(
				'unreachable',
				`Cannot reach the Microsoft sign-in endpoint ${failure.host} (${sayNetworkCodes(failure.code)}). ${fix}`,
			);
		case 'badResponse':
			return new TokenError(
				'badResponse',
				`${failure.host} answered HTTP ${failure.status} with something that is not a Microsoft sign-in response (a proxy page?). ${fix}`,
			);
		case 'unavailable': {
			const asked =
				failure.retryAfterMs !== undefined
					? ` Microsoft asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s (Retry-After), longer than a sign-in waits; try again after that.`
					: ' Try again in a few minutes.';
			return new TokenError(
				'identityBusy',
				`Microsoft's sign-in service is unavailable or throttling (HTTP ${failure.status}${failure.aadsts ? `, ${failure.aadsts}` : ''})${failure.retryAfterMs !== undefined ? '.' : ' and kept refusing after several retries.'}${asked}`,
				failure.aadsts,
			);
		}
	}
}

/** Turns an msal-node error (or a network failure behind it) into advice an Entra admin can act on. */
export function describeTokenFailure(
	error: unknown,
	settings: GraphSettings,
	network?: TokenNetworkFailure,
): TokenError {
	if (error instanceof TokenError) return error;
	const msal = (error ?? {}) as MsalLikeError;
	const code = aadstsOf(msal);
	if (!code && network) return networkTokenError(network);

	const tenant = settings.tenantId;
	const app = settings.clientId;
	const cloud = settings.cloudLabel;
	const where = 'Entra admin center › App registrations › your app';
	const say = (reason: TokenFailureReason, text: string, field?: string) =>
		new TokenError(reason, `${text}${code ? ` (${code})` : ''}`, code, field);

	switch (code) {
		case 'AADSTS90002':
			return say(
				'tenantNotFound',
				`Tenant "${tenant}" was not found in the ${cloud} cloud. Copy the Directory (tenant) ID from ${where} › Overview` +
					`${isGuid(tenant) ? '' : ' (or use a verified domain of your tenant)'}; if your tenant is in a national cloud (GCC High, DoD, China), choose that Cloud.`,
				'tenantId',
			);
		case 'AADSTS900023':
			return say(
				'tenantMalformed',
				"The Directory (tenant) ID is neither a GUID nor a valid domain. Copy it from the app registration's Overview page.",
				'tenantId',
			);
		case 'AADSTS700016':
			return say(
				'appNotFound',
				`No application with client ID ${app} exists in tenant "${tenant}". Check the Application (client) ID on ${where} › Overview, and that the tenant ID belongs to the same tenant and Cloud.`,
				'clientId',
			);
		case 'AADSTS7000215':
			if (settings.auth.kind === 'clientSecret' && isGuid(settings.auth.clientSecret)) {
				return say(
					'secretIdPasted',
					`The value pasted as Client Secret is probably the secret's ID, not its Value. In ${where} › Certificates & secrets, the Value is shown only once, right after the secret is created: create a new client secret and paste its Value.`,
					'clientSecret',
				);
			}
			return say(
				'wrongSecret',
				`The Client Secret is wrong for app ${app}. Paste the secret's Value (not its Secret ID) from ${where} › Certificates & secrets, or create a new secret if the Value was not saved.`,
				'clientSecret',
			);
		case 'AADSTS7000222':
			return say(
				'secretExpired',
				`The client secret of app ${app} has expired. Create a new secret in ${where} › Certificates & secrets, paste its Value here and save: the next run and the Test use it at once.`,
				'clientSecret',
			);
		case 'AADSTS7000218':
		case 'AADSTS7000216':
			return say(
				'noCredential',
				'Microsoft received neither a client secret nor a certificate assertion. Fill in Client Secret, or Certificate and Private Key.',
				'authentication',
			);
		case 'AADSTS700027': {
			const cert = settings.auth.kind === 'certificate' ? settings.auth.certificate : undefined;
			const thumbprints = cert
				? ` (SHA-256 thumbprint ${cert.thumbprintSha256}, SHA-1 ${cert.thumbprintSha1})`
				: '';
			return say(
				'certificateNotRegistered',
				`Microsoft rejected the certificate assertion: the certificate${thumbprints} is not uploaded to app ${app}, or the private key does not match it. Upload the public certificate (.cer/.pem) in ${where} › Certificates & secrets › Certificates and compare the thumbprint shown there.`,
				'certificate',
			);
		}
		case 'AADSTS700024':
			return say(
				'clockSkew',
				'Microsoft says the certificate assertion is outside its valid time range: the clock of this n8n server is wrong. Synchronise it (NTP).',
			);
		case 'AADSTS500011':
		case 'AADSTS1002012':
		case 'AADSTS70011':
			return say(
				'wrongCloud',
				`The tenant does not know the Graph endpoint ${settings.graphEndpoint}: the Cloud setting does not match the tenant's cloud (for example a US Government Graph endpoint with a global tenant). Choose the Cloud your tenant lives in.`,
				'cloud',
			);
		case 'AADSTS7000112':
			return say(
				'appDisabled',
				`App ${app} is disabled in tenant "${tenant}". Enable its enterprise application (Entra admin center › Enterprise applications › Properties › Enabled for users to sign-in).`,
			);
		case 'AADSTS53003':
			return say(
				'conditionalAccess',
				"A Conditional Access policy for workload identities blocked the token request. Ask your Entra admin to allow this app from this server's IP address.",
			);
		case 'AADSTS90055':
		case 'AADSTS90006':
			return say(
				'identityBusy',
				"Microsoft's sign-in service is throttling or temporarily unavailable. Try again in a few minutes.",
			);
		default:
			break;
	}
	if (code) {
		return say(
			'refused',
			`Microsoft Entra ID refused the token request (${msal.errorCode ?? 'error'}). Look the code up at https://login.microsoftonline.com/error?code=${code.slice(6)}`,
		);
	}
	if (msal.errorCode === 'missing_tenant_id_error') {
		return new TokenError(
			'tenantMalformed',
			'App-only access needs a specific Directory (tenant) ID, not common/organizations/consumers.',
			undefined,
			'tenantId',
		);
	}
	// msal-node's own errors carry no secrets, only codes such as "invalid_client_credential".
	return new TokenError(
		'refused',
		`Could not obtain a token from Microsoft Entra ID (${msal.errorCode ?? (error as Error)?.name ?? 'unknown error'}).`,
	);
}
