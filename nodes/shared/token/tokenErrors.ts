import type { GraphSettings } from '../credential/settings';
import type { TokenNetworkFailure } from './msalNetworkClient';
import { sayNetworkCodes } from '../transport/networkWords';
import { adviceForCode } from './tokenAdvice';

/**
 * Short, stable names for what went wrong; tests and the README's troubleshooting table use them.
 */
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

/**
 * A token could not be obtained. `message` is written for an admin; it never contains a secret or
 * token.
 */
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

/**
 * Turns an msal-node error (or a network failure behind it) into advice an Entra admin can act on.
 */
export function describeTokenFailure(
	error: unknown,
	settings: GraphSettings,
	network?: TokenNetworkFailure,
): TokenError {
	if (error instanceof TokenError) return error;
	const msal = (error ?? {}) as MsalLikeError;
	const code = aadstsOf(msal);
	if (!code && network) return networkTokenError(network);

	const say = (reason: TokenFailureReason, text: string, field?: string) =>
		new TokenError(reason, `${text}${code ? ` (${code})` : ''}`, code, field);
	const advice = code ? adviceForCode(code, settings) : undefined;
	if (advice) return say(advice.reason, advice.text, advice.field);
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
