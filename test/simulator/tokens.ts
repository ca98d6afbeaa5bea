/**
 * Access tokens the simulator issues (app-only Graph v1.0 tokens) and Graph's validation of them.
 */
import * as crypto from 'node:crypto';
import type { SimulatorCore } from './context';
import { GraphError } from './errors';
import { decodeJwt, numericClaim, signRs256, stringClaim, verifyJwtSignature } from './jwt';
import type { App } from './state';

interface SigningKey {
	privateKey: crypto.KeyObject;
	publicKey: crypto.KeyObject;
	kid: string;
}

let signingKey: SigningKey | undefined;

/**
 * The token-signing key: generated once per process and shared by all simulator instances in it.
 */
export function tokenSigningKey(): SigningKey {
	if (!signingKey) {
		const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
		const der = publicKey.export({ type: 'spki', format: 'der' });
		signingKey = {
			privateKey,
			publicKey,
			kid: crypto.createHash('sha1').update(der).digest('base64url'),
		};
	}
	return signingKey;
}

export function jwks(): object {
	const key = tokenSigningKey();
	const jwk = key.publicKey.export({ format: 'jwk' });
	return { keys: [{ kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e }] };
}

/**
 * An app-only Graph token shaped like a real v1.0 one
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference: aud, iss
 * sts.windows.net, appid, appidacr, idtyp "app", oid/sub = service principal, tid, ver "1.0").
 * `roles` = consented application permissions; it is OMITTED without admin consent or permissions
 * ("app-only tokens can be issued without a roles claim",
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
 */
export function issueAccessToken(
	core: SimulatorCore,
	app: App,
	audience: string,
	credential: 'secret' | 'certificate',
): { token: string; expiresIn: number } {
	const now = Math.floor(Date.now() / 1000);
	const lifetime = core.settings.accessTokenLifetimeSeconds;
	const tid = app.tenantId;
	const claims: Record<string, unknown> = {
		aud: audience,
		iss: `https://sts.windows.net/${tid}/`,
		iat: now,
		nbf: now,
		exp: now + lifetime,
		aio: crypto.randomBytes(48).toString('base64'),
		app_displayname: app.displayName,
		appid: app.clientId,
		appidacr: credential === 'secret' ? '1' : '2',
		idp: `https://sts.windows.net/${tid}/`,
		idtyp: 'app',
		oid: app.servicePrincipalId,
		rh: `0.${crypto.randomBytes(24).toString('base64url')}.`,
		sub: app.servicePrincipalId,
		tenant_region_scope: 'EU',
		tid,
		uti: crypto.randomBytes(16).toString('base64url'),
		ver: '1.0',
		wids: ['0997a1d0-0d1d-4acb-b408-d5ca73121e90'],
	};
	if (app.adminConsent && app.permissions.length > 0) claims.roles = [...app.permissions];
	const key = tokenSigningKey();
	return {
		token: signRs256({ typ: 'JWT', x5t: key.kid, kid: key.kid }, claims, key.privateKey),
		expiresIn: lifetime,
	};
}

export interface AppToken {
	tenantId: string;
	clientId: string;
	roles: string[];
}

const invalidToken = (message: string): GraphError =>
	new GraphError(401, 'InvalidAuthenticationToken', message);

/**
 * Graph's bearer check. Messages from https://learn.microsoft.com/graph/errors
 * (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/2362, s1t5/mail-archiver
 * #267, microsoftgraph/python-sample-auth #10): empty, compact-token failure, invalid audience,
 * expired.
 */
export function validateAccessToken(
	core: SimulatorCore,
	authorization: string | undefined,
): AppToken {
	const match = /^Bearer\s+(\S*)\s*$/i.exec(authorization ?? '');
	const raw = match?.[1] ?? '';
	if (raw === '') throw invalidToken('Access token is empty.');
	const jwt = decodeJwt(raw);
	if (!jwt || !verifyJwtSignature(jwt, tokenSigningKey().publicKey) || jwt.header.alg !== 'RS256') {
		throw invalidToken('CompactToken validation failed with reason code: 80049228.');
	}
	const aud = stringClaim(jwt.payload, 'aud');
	if (aud === undefined || !core.isOwnOrigin(aud))
		throw invalidToken('Access token validation failure. Invalid audience.');
	const exp = numericClaim(jwt.payload, 'exp') ?? 0;
	if (exp * 1000 <= Date.now())
		throw invalidToken('Lifetime validation failed, the token is expired.');
	const roles = jwt.payload.roles;
	return {
		tenantId: stringClaim(jwt.payload, 'tid') ?? '',
		clientId: stringClaim(jwt.payload, 'appid') ?? '',
		roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
	};
}
