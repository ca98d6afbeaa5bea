/**
 * Microsoft identity platform surface: the v2.0 token endpoint (client credentials only), OpenID
 * metadata, JWKS and instance discovery. Wire facts:
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow (flow),
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes (errors), and the
 * metadata calls msal-node makes (its source:
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node).
 */
import * as crypto from 'node:crypto';
import type { RequestContext } from './context';
import { AadError, aadErrorBody } from './errors';
import { jsonResponse, type SimResponse } from './http';
import { decodeJwt, numericClaim, stringClaim, verifyJwtSignature, type DecodedJwt } from './jwt';
import { GUID_RE, type App, type RegisteredCertificate, type Tenant } from './state';
import { issueAccessToken, jwks } from './tokens';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Microsoft Graph's resource app id; `{id}/.default` names Graph too. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Entra accepts client assertions within its clock-skew allowance (5 minutes). */
const ASSERTION_SKEW_SECONDS = 300;
const DNS_NAME_RE =
	/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

/**
 * Success and error responses carry these
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, recorded
 * live responses in Azure/azure-sdk-for-js).
 */
const NO_CACHE_HEADERS = {
	'Cache-Control': 'no-store, no-cache',
	Pragma: 'no-cache',
	Expires: '-1',
};

/**
 * The caller's client-request-id (msal-node sends it in the query and the body,
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node), if
 * any.
 */
function clientRequestIdOf(ctx: RequestContext, form?: URLSearchParams): string | undefined {
	return (
		ctx.query.get('client-request-id') ??
		ctx.clientRequestId ??
		form?.get('client-request-id') ??
		undefined
	);
}

/**
 * Entra uses the caller's client-request-id as correlation id, else makes one; the header is echoed
 * only when sent.
 */
function tokenEndpointHeaders(
	ctx: RequestContext,
	form?: URLSearchParams,
): { correlationId: string; headers: Record<string, string> } {
	const sent = clientRequestIdOf(ctx, form);
	const headers: Record<string, string> = { ...NO_CACHE_HEADERS, 'x-ms-request-id': ctx.requestId };
	if (sent !== undefined) headers['client-request-id'] = sent;
	return { correlationId: sent ?? crypto.randomUUID(), headers };
}

export function aadResponse(
	ctx: RequestContext,
	err: AadError,
	form?: URLSearchParams,
): SimResponse {
	const { correlationId, headers } = tokenEndpointHeaders(ctx, form);
	const body = aadErrorBody(err, { traceId: ctx.requestId, correlationId, now: ctx.now() });
	return {
		...jsonResponse(err.status, body, headers),
		errorCode: err.error,
	};
}

/**
 * Resolves the `{tenant}` path segment: GUID or domain, else AADSTS900023; unknown, else
 * AADSTS90002 (https://learn.microsoft.com/entra/identity-platform/reference-error-codes; 90002
 * text from microsoftgraph/windowsupdates-webapplication-sample #6).
 */
function resolveTenant(ctx: RequestContext, segment: string): Tenant {
	if (!GUID_RE.test(segment) && !DNS_NAME_RE.test(segment)) {
		throw new AadError(
			400,
			'invalid_request',
			900023,
			`Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
		);
	}
	const tenant = ctx.core.state.findTenant(segment);
	if (!tenant) {
		throw new AadError(
			400,
			'invalid_tenant',
			90002,
			`Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
				'Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.',
		);
	}
	return tenant;
}

/**
 * Origin the client used to reach us (127.0.0.1 / localhost / [::1]), falling back to the canonical
 * url.
 */
function requestOrigin(ctx: RequestContext): string {
	const host = ctx.header('host');
	if (host) {
		const origin = `https://${host}`;
		if (ctx.core.isOwnOrigin(origin)) return origin.toLowerCase();
	}
	return ctx.core.url;
}

/**
 * AADSTS900144: Entra's "missing parameter" error (real Entra wording, seen in public traces; not
 * in the AADSTS reference page).
 */
function missingParameter(name: string): AadError {
	return new AadError(
		400,
		'invalid_request',
		900144,
		`The request body must contain the following parameter: '${name}'.`,
	);
}

export function handleToken(
	ctx: RequestContext,
	tenantSegment: string,
	form: URLSearchParams,
): SimResponse {
	try {
		return issueToken(ctx, tenantSegment, form);
	} catch (err) {
		if (err instanceof AadError) return aadResponse(ctx, err, form);
		throw err;
	}
}

function issueToken(
	ctx: RequestContext,
	tenantSegment: string,
	form: URLSearchParams,
): SimResponse {
	if (ctx.method !== 'POST') {
		// AADSTS900561 (real Entra wording; not in the AADSTS reference page).
		throw new AadError(
			400,
			'invalid_request',
			900561,
			`The endpoint only accepts POST requests. Received a ${ctx.method} request.`,
		);
	}
	const tenant = resolveTenant(ctx, tenantSegment);

	const grantType = form.get('grant_type');
	if (!grantType) throw missingParameter('grant_type');
	if (grantType !== 'client_credentials') {
		// AADSTS70003 UnsupportedGrantType
		// (https://learn.microsoft.com/entra/identity-platform/reference-error-codes); only client
		// credentials are simulated.
		throw new AadError(
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${grantType}'.`,
		);
	}

	const basic = parseBasicAuth(ctx.header('authorization'));
	const clientId = form.get('client_id') ?? basic?.clientId;
	if (!clientId) throw missingParameter('client_id');
	const app = ctx.core.state.findApp(clientId);
	if (!app || app.tenantId.toLowerCase() !== tenant.id.toLowerCase()) {
		// AADSTS700016 text: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
		// (microsoft/AzureTRE #1475).
		throw new AadError(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen if the application ` +
				'has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
				'You may have sent your authentication request to the wrong tenant.',
		);
	}

	const audience = checkScope(ctx, form.get('scope'), tenantSegment);

	const secret = form.get('client_secret') ?? basic?.secret;
	const assertion = form.get('client_assertion');
	let credential: 'secret' | 'certificate';
	if (secret !== null && secret !== undefined) {
		checkSecret(app, secret);
		credential = 'secret';
	} else if (assertion !== null) {
		checkAssertion(ctx, app, form, assertion);
		credential = 'certificate';
	} else {
		// AADSTS7000218 (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
		throw new AadError(
			401,
			'invalid_client',
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		);
	}

	const { token, expiresIn } = issueAccessToken(ctx.core, app, audience, credential);
	// Success body and headers:
	// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow.
	return jsonResponse(
		200,
		{ token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
		tokenEndpointHeaders(ctx, form).headers,
	);
}

function parseBasicAuth(
	header: string | undefined,
): { clientId: string; secret: string } | undefined {
	// RFC 6749 §2.3.1 client authentication "is also supported"
	// (https://learn.microsoft.com/entra/identity-platform/certificate-credentials).
	const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
	if (!m) return undefined;
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	try {
		return {
			clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
			secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
		};
	} catch {
		return undefined;
	}
}

/**
 * `scope` must be `{resource}/.default` (AADSTS1002012) for this simulator's Graph (AADSTS500011).
 * Returns the token audience. Texts:
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes (1002012); 500011 is
 * Entra's ResourcePrincipalNotFound wording.
 */
function checkScope(ctx: RequestContext, scope: string | null, tenantSegment: string): string {
	if (scope === null || scope.trim() === '') throw missingParameter('scope');
	// msal-node strips openid/profile/offline_access from client-credential scopes
	// (https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node); so
	// does Entra.
	const scopes = scope
		.split(/\s+/)
		.filter((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
	if (scopes.length === 0 || scopes.some((s) => !s.endsWith('/.default'))) {
		throw new AadError(
			400,
			'invalid_scope',
			1002012,
			`The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed ` +
				'to the resource identifier (application ID URI).',
		);
	}
	let audience: string | undefined;
	for (const s of scopes) {
		const resource = s.slice(0, -'/.default'.length).replace(/\/+$/, '');
		const ours = resource.toLowerCase() === GRAPH_APP_ID || ctx.core.isOwnOrigin(resource);
		if (!ours) {
			throw new AadError(
				400,
				'invalid_resource',
				500011,
				`The resource principal named ${resource} was not found in the tenant named ${tenantSegment}. This can happen if the ` +
					'application has not been installed by the administrator of the tenant or consented to by any user in the tenant. ' +
					'You might have sent your authentication request to the wrong tenant.',
			);
		}
		audience ??= resource.toLowerCase() === GRAPH_APP_ID ? ctx.core.url : resource.toLowerCase();
	}
	return audience ?? ctx.core.url;
}

/**
 * Secret value → OK unless expired (AADSTS7000222); the Secret ID or anything else → AADSTS7000215
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
function checkSecret(app: App, secret: string): void {
	const match = app.secrets.find((s) => s.value === secret);
	if (!match) {
		throw new AadError(
			401,
			'invalid_client',
			7000215,
			'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client ' +
				`secret ID, for a secret added to app '${app.clientId}'.`,
		);
	}
	if (match.expiresAt && match.expiresAt.getTime() <= Date.now()) {
		throw new AadError(
			401,
			'invalid_client',
			7000222,
			`The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: ` +
				'https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.',
		);
	}
}

/** "2021-07-19T12:09:57.7970000Z": Entra prints times with 7 fractional digits. */
function entraTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function assertionError(reason: string): AadError {
	return new AadError(401, 'invalid_client', 700027, reason);
}

/**
 * Certificate credential:
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials; msal-node's exact
 * assertion (PS256 + x5t#S256, or RS256 + x5t) per
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials "What msal-node
 * actually sends"; AADSTS700027 texts from
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * (AzureAD/microsoft-authentication-library-for-js #3741, #8339).
 */
function checkAssertion(
	ctx: RequestContext,
	app: App,
	form: URLSearchParams,
	assertion: string,
): void {
	// A missing/wrong client_assertion_type: Entra reports the missing parameter (AADSTS900144; not
	// in the AADSTS reference page).
	if (form.get('client_assertion_type') !== JWT_BEARER)
		throw missingParameter('client_assertion_type');
	const jwt = decodeJwt(assertion);
	// AADSTS50027 InvalidJwtToken (wording of
	// https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
	if (!jwt) throw new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');

	const cert = findSigningCertificate(app, jwt);
	const helpSuffix =
		`Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. ` +
		'Review the documentation at https://learn.microsoft.com/en-us/graph/deployments if you are not using the default public cloud.';
	if (!cert.registered) {
		throw assertionError(
			'The certificate with identifier used to sign the client assertion is not registered on application. ' +
				`[Reason - The key was not found., Thumbprint of key used by client: '${cert.thumbprintHex}', ${helpSuffix}]`,
		);
	}
	if (!verifyJwtSignature(jwt, cert.registered.publicKey)) {
		throw assertionError(
			'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected ' +
				`signature value., Thumbprint of key used by client: '${cert.thumbprintHex}', ${helpSuffix}]`,
		);
	}

	// Simulator wording for the claim checks below (Entra rejects them with 700027 too; exact texts
	// unverified).
	const aud = stringClaim(jwt.payload, 'aud');
	const expectedAudiences = tokenEndpointUrls(ctx);
	if (aud === undefined || !expectedAudiences.includes(stripQuery(aud))) {
		throw assertionError(
			`Client assertion failed audience validation. [Reason - The 'aud' claim '${aud ?? ''}' does not match the token endpoint ` +
				`'${expectedAudiences[0]}' the assertion was posted to.]`,
		);
	}
	const iss = stringClaim(jwt.payload, 'iss');
	const sub = stringClaim(jwt.payload, 'sub');
	if (
		iss?.toLowerCase() !== app.clientId.toLowerCase() ||
		sub?.toLowerCase() !== app.clientId.toLowerCase()
	) {
		throw assertionError(
			`Client assertion failed issuer validation. [Reason - The 'iss' ('${iss ?? ''}') and 'sub' ('${sub ?? ''}') claims must both ` +
				`equal the client ID '${app.clientId}'.]`,
		);
	}

	// AADSTS700024 InvalidClientAssertionTimeRange (Entra wording; not in the AADSTS reference page).
	const now = Date.now();
	const exp = numericClaim(jwt.payload, 'exp');
	const nbf = numericClaim(jwt.payload, 'nbf') ?? numericClaim(jwt.payload, 'iat');
	const tooLate = exp === undefined || exp * 1000 < now - ASSERTION_SKEW_SECONDS * 1000;
	const tooEarly = nbf !== undefined && nbf * 1000 > now + ASSERTION_SKEW_SECONDS * 1000;
	if (tooLate || tooEarly) {
		throw new AadError(
			401,
			'invalid_client',
			700024,
			`Client assertion is not within its valid time range. Current time: ${entraTime(now)}, assertion valid from ` +
				`${nbf === undefined ? 'unknown' : entraTime(nbf * 1000)}, expiry time of assertion ${exp === undefined ? 'unknown' : entraTime(exp * 1000)}. ` +
				'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
		);
	}
}

function findSigningCertificate(
	app: App,
	jwt: DecodedJwt,
): { registered?: RegisteredCertificate; thumbprintHex: string } {
	const s256 = stringClaim(jwt.header, 'x5t#S256');
	const s1 = stringClaim(jwt.header, 'x5t');
	if (s256 !== undefined) {
		return {
			registered: app.certificates.find((c) => c.x5tS256 === s256),
			thumbprintHex: Buffer.from(s256, 'base64url').toString('hex').toUpperCase(),
		};
	}
	if (s1 !== undefined) {
		return {
			registered: app.certificates.find((c) => c.x5t === s1),
			thumbprintHex: Buffer.from(s1, 'base64url').toString('hex').toUpperCase(),
		};
	}
	return { thumbprintHex: '' };
}

function stripQuery(url: string): string {
	const q = url.indexOf('?');
	return (q >= 0 ? url.slice(0, q) : url).replace(/\/+$/, '');
}

/** The URL the client posted to, as it could have spelled our origin. */
function tokenEndpointUrls(ctx: RequestContext): string[] {
	const path = ctx.pathname.replace(/\/+$/, '');
	const origins = [requestOrigin(ctx), ctx.core.url];
	return [...new Set(origins.map((o) => `${o}${path}`))];
}

// ---- metadata -----------------------------------------------------------------------------------

/**
 * `GET {authority}/v2.0/.well-known/openid-configuration`
 * (https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node: msal
 * needs authorization_endpoint, token_endpoint, issuer, jwks_uri).
 */
export function handleOpenIdConfiguration(ctx: RequestContext, tenantSegment: string): SimResponse {
	let tenant: Tenant;
	try {
		tenant = resolveTenant(ctx, tenantSegment);
	} catch (err) {
		if (err instanceof AadError) return aadResponse(ctx, err);
		throw err;
	}
	const base = requestOrigin(ctx);
	const t = tenant.id;
	return jsonResponse(
		200,
		{
			token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
			token_endpoint_auth_methods_supported: [
				'client_secret_post',
				'private_key_jwt',
				'client_secret_basic',
			],
			jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
			response_modes_supported: ['query', 'fragment', 'form_post'],
			subject_types_supported: ['pairwise'],
			id_token_signing_alg_values_supported: ['RS256'],
			response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
			issuer: `${base}/${t}/v2.0`,
			request_uri_parameter_supported: false,
			userinfo_endpoint: `${base}/oidc/userinfo`,
			authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
			device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
			http_logout_supported: true,
			frontchannel_logout_supported: true,
			end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
			claims_supported: [
				'sub',
				'iss',
				'aud',
				'exp',
				'iat',
				'auth_time',
				'acr',
				'nonce',
				'tid',
				'ver',
				'oid',
			],
			tenant_region_scope: 'EU',
			cloud_instance_name: 'microsoftonline.com',
			cloud_graph_host_name: 'graph.windows.net',
			msgraph_host: new URL(ctx.core.url).host,
		},
		NO_CACHE_HEADERS,
	);
}

export function handleKeys(): SimResponse {
	return jsonResponse(200, jwks());
}

/**
 * `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`
 * (https://github.com/AzureAD/microsoft-authentication-library-for-js/tree/dev/lib/msal-node):
 * lists this host so MSAL accepts it as an authority; any other host → invalid_instance, which MSAL
 * turns into endpoints_resolution_error.
 */
export function handleInstanceDiscovery(ctx: RequestContext): SimResponse {
	const endpoint = ctx.query.get('authorization_endpoint') ?? '';
	let origin: string | undefined;
	let tenant = 'common';
	try {
		const u = new URL(endpoint);
		origin = u.origin;
		tenant = u.pathname.split('/')[1] || 'common';
	} catch {
		origin = undefined;
	}
	if (origin === undefined || !ctx.core.isOwnOrigin(origin)) {
		return aadResponse(
			ctx,
			new AadError(400, 'invalid_instance', 50049, 'Unknown or invalid instance.'),
		);
	}
	const host = new URL(origin).host;
	return jsonResponse(200, {
		tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
		'api-version': '1.1',
		metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
	});
}
