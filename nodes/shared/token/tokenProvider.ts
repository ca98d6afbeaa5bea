import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';

import { BoundedMap } from '../boundedMap';
import type { GraphSettings } from '../credential/settings';
import { nodeHttpClient, type HttpClient } from '../transport/httpClient';
import type { RetryPolicy } from '../transport/retry';
import { readTokenClaims, type TokenClaims } from '../tokenClaims';
import { MsalNetworkClient, runTokenCall, type TokenCall } from './msalNetworkClient';
import { describeTokenFailure } from './tokenErrors';

export interface AccessToken {
	token: string;
	expiresOn?: Date;
	/** When the service asked for an early refresh (refresh_in), if it did. */
	refreshOn?: Date;
	claims: TokenClaims;
	/** True when msal-node answered from its cache without a network call. */
	fromCache: boolean;
}

export interface AcquireOptions {
	/**
	 * A new msal application, never any cache: what the credential test uses, so a rotated secret
	 * shows at once.
	 */
	fresh?: boolean;
	/** Skip msal-node's token cache (used once after Graph answers 401). */
	forceRefresh?: boolean;
	/**
	 * Applies to this call's token requests, whether or not the credential's msal application is
	 * cached.
	 */
	timeoutMs?: number;
	http?: HttpClient;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const TOKEN_RETRY: RetryPolicy = {
	maxRetries: 3,
	maxTotalMs: 60_000,
	baseDelayMs: 500,
	maxDelayMs: 10_000,
};
const MAX_CACHED_CREDENTIALS = 100;
/**
 * A refused token (Graph 401, or 403 right after admin consent was granted) asks for a fresh one.
 * At most one such forced refresh per credential every 10 s: a mailbox that stays refused must not
 * turn every item of every run into a token request.
 */
const FORCED_REFRESH_INTERVAL_MS = 10_000;
/**
 * msal-node's default renewal margin (tokenRenewalOffsetSeconds, 300 s): a token this close to
 * expiry is renewed.
 */
const RENEWAL_MARGIN_MS = 5 * 60_000;

/**
 * Everything the process keeps for one credential (keyed by GraphSettings.cacheKey, a hash of every
 * field that affects the token), for the life of the n8n process, so that a token is fetched once
 * per lifetime for all items and executions (msal-node caches tokens per application instance).
 */
interface CredentialEntry {
	app: ConfidentialClientApplication;
	/**
	 * The last token, handed out without asking msal-node while msal-node itself would still serve it
	 * from its cache (more than RENEWAL_MARGIN_MS before expiry, not past refresh_in). The node asks
	 * for the token before every Graph request, and even a cache hit in msal-node costs about 0.5 ms
	 * of CPU (authority resolution, cache-key filtering, correlation ids), which measurably slowed a
	 * 1,000-message run (docs/BENCHMARKS.md).
	 */
	last?: AccessToken;
	/** Single flight: parallel items of one credential share one token request (one per kind). */
	inFlight: { cache?: Promise<AccessToken>; refresh?: Promise<AccessToken> };
	lastForcedRefresh: number;
}

const entries = new BoundedMap<string, CredentialEntry>(MAX_CACHED_CREDENTIALS);

function stillFresh(token: AccessToken | undefined, now = Date.now()): token is AccessToken {
	if (!token?.expiresOn || token.expiresOn.getTime() - RENEWAL_MARGIN_MS <= now) return false;
	return !token.refreshOn || token.refreshOn.getTime() > now;
}

function msalConfig(settings: GraphSettings, network: MsalNetworkClient): Configuration {
	const authority = `${settings.authorityHost}/${settings.tenantId}`;
	const auth: Configuration['auth'] = { clientId: settings.clientId, authority };
	if (settings.auth.kind === 'clientSecret') {
		auth.clientSecret = settings.auth.clientSecret;
	} else {
		auth.clientCertificate = {
			thumbprintSha256: settings.auth.certificate.thumbprintSha256,
			privateKey: settings.auth.certificate.privateKeyPem,
		};
	}
	if (settings.cloud === 'custom') {
		// Known Microsoft hosts have metadata built into msal-node; a custom host would otherwise
		// trigger instance discovery at login.microsoftonline.com, so give msal-node the metadata.
		const host = new URL(settings.authorityHost).host;
		auth.knownAuthorities = [host];
		auth.authorityMetadata = JSON.stringify({
			token_endpoint: `${authority}/oauth2/v2.0/token`,
			issuer: `${authority}/v2.0`,
			authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
			jwks_uri: `${authority}/discovery/v2.0/keys`,
			end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
		});
	}
	return {
		auth,
		system: {
			networkClient: network,
			// msal-node logs nothing unless asked; PII logging stays off.
			loggerOptions: {
				piiLoggingEnabled: false,
				logLevel: LogLevel.Error,
				loggerCallback: () => undefined,
			},
		},
	};
}

function tokenCall(options: AcquireOptions): TokenCall {
	return {
		timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		retry: options.fresh ? { ...TOKEN_RETRY, maxRetries: 1 } : TOKEN_RETRY,
		retryTimeouts: !options.fresh,
	};
}

function createApp(
	settings: GraphSettings,
	options: AcquireOptions,
): ConfidentialClientApplication {
	const network = new MsalNetworkClient(options.http ?? nodeHttpClient, tokenCall(options));
	return new ConfidentialClientApplication(msalConfig(settings, network));
}

function entryFor(settings: GraphSettings, options: AcquireOptions): CredentialEntry {
	const key = settings.cacheKey;
	let entry = entries.get(key);
	if (entry) return entry;
	entry = { app: createApp(settings, options), inFlight: {}, lastForcedRefresh: 0 };
	entries.set(key, entry);
	return entry;
}

async function acquire(
	app: ConfidentialClientApplication,
	settings: GraphSettings,
	skipCache: boolean,
	options: AcquireOptions,
): Promise<AccessToken> {
	const call = tokenCall(options);
	let result;
	try {
		result = await runTokenCall(call, () =>
			app.acquireTokenByClientCredential({
				scopes: [`${settings.graphEndpoint}/.default`],
				skipCache,
			}),
		);
	} catch (error) {
		throw describeTokenFailure(error, settings, call.failure);
	}
	if (!result?.accessToken) throw describeTokenFailure(new Error('empty token response'), settings);
	return {
		token: result.accessToken,
		expiresOn: result.expiresOn ?? undefined,
		refreshOn: result.refreshOn ?? undefined,
		claims: readTokenClaims(result.accessToken),
		fromCache: result.fromCache,
	};
}

/** A Graph access token for the credential. Throws TokenError with an admin-readable message. */
export async function acquireToken(
	settings: GraphSettings,
	options: AcquireOptions = {},
): Promise<AccessToken> {
	if (options.fresh) return acquire(createApp(settings, options), settings, true, options);
	const entry = entryFor(settings, options);
	let forceRefresh = options.forceRefresh === true;
	if (forceRefresh) {
		if (Date.now() - entry.lastForcedRefresh < FORCED_REFRESH_INTERVAL_MS) forceRefresh = false;
		else entry.lastForcedRefresh = Date.now();
	}
	if (forceRefresh) entry.last = undefined;
	else if (stillFresh(entry.last)) return entry.last;
	const kind = forceRefresh ? 'refresh' : 'cache';
	// Callers that join a request in flight share its timeout: it is the same token.
	const pending = entry.inFlight[kind];
	if (pending) return pending;
	const promise = acquire(entry.app, settings, forceRefresh, options)
		.then((token) => {
			// A cache lookup that finishes after a forced refresh must not put the refused token back.
			const current = entry.last;
			if (
				forceRefresh ||
				!current?.expiresOn ||
				(token.expiresOn && token.expiresOn >= current.expiresOn)
			) {
				entry.last = { ...token, fromCache: true };
			}
			return token;
		})
		.finally(() => {
			entry.inFlight[kind] = undefined;
		});
	entry.inFlight[kind] = promise;
	return promise;
}

/** Forgets every cached credential (tests use it to start from a clean process state). */
export function clearTokenCache(): void {
	entries.clear();
}
