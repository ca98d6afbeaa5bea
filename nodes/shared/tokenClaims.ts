/**
 * The claims of an app-only Graph access token that matter for diagnostics
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
 */
export interface TokenClaims {
	roles: string[];
	/**
	 * Whether the token carries a `roles` claim at all: none means no application permission was
	 * consented.
	 */
	hasRolesClaim: boolean;
	tid?: string;
	appid?: string;
	aud?: string;
	appDisplayName?: string;
	exp?: number;
}

/**
 * Reads the payload of a JWT locally. Graph tokens are meant to be opaque to clients, so this is
 * only used for diagnostics (which permissions were granted) and never to make trust decisions.
 */
export function readTokenClaims(token: string): TokenClaims {
	const parts = token.split('.');
	let payload: Record<string, unknown> = {};
	if (parts.length === 3) {
		try {
			payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<
				string,
				unknown
			>;
		} catch {
			payload = {};
		}
	}
	const roles = Array.isArray(payload.roles)
		? payload.roles.filter((r): r is string => typeof r === 'string')
		: [];
	const str = (key: string) =>
		typeof payload[key] === 'string' ? (payload[key] as string) : undefined;
	return {
		roles,
		hasRolesClaim: Array.isArray(payload.roles),
		tid: str('tid'),
		appid: str('appid') ?? str('azp'),
		aud: str('aud'),
		appDisplayName: str('app_displayname'),
		exp: typeof payload.exp === 'number' ? payload.exp : undefined,
	};
}
