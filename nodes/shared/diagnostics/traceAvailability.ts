import type { GraphSettings } from '../credential/settings';
import type { TokenClaims } from '../tokenClaims';

/**
 * The application permission of Exchange message trace in Microsoft Graph (Get Delivery Status).
 */
export const TRACE_PERMISSION = 'ExchangeMessageTrace.Read.All';

/**
 * What the token says about message trace, without a request: global cloud only (the national cloud
 * table of https://learn.microsoft.com/graph/api/messagetracingroot-list-messagetraces) and the
 * permission in the token. `undefined` when only a request can tell (the token lists the
 * permission, or lists no roles at all).
 */
export function traceFromToken(
	settings: Pick<GraphSettings, 'cloud' | 'cloudLabel'>,
	claims: Pick<TokenClaims, 'roles' | 'hasRolesClaim'>,
): { available: false; detail: string } | undefined {
	if (settings.cloud !== 'global' && settings.cloud !== 'custom')
		return {
			available: false,
			detail: `Message trace (Get Delivery Status) is available in the global cloud only, not in ${settings.cloudLabel}.`,
		};
	if (claims.hasRolesClaim && !claims.roles.includes(TRACE_PERMISSION))
		return {
			available: false,
			detail: `Message trace (Get Delivery Status) is not available: the app has no ${TRACE_PERMISSION} application permission. It is optional; add it only to use Get Delivery Status.`,
		};
	return undefined;
}
