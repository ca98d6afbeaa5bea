import { GraphApiError, NetworkError, DeliveryUnknownError } from '../transport/graphErrors';
import { sayNetworkCodes } from '../transport/networkWords';
import type { GraphSettings } from '../credential/settings';
import { adviseGraphError } from './graphAdvice';

/** Why the credential test failed, as a stable name (tests and docs use it) plus the admin-facing message. */
export class CredentialTestFailure extends Error {
	constructor(
		readonly reason: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialTestFailure';
	}
}

/**
 * Exchange RBAC for Applications grants Mail.Send outside Entra (the token then carries no such role), and
 * Entra grants add to it, so "add Mail.Send in Entra" would undo a deliberate scoping
 * (https://learn.microsoft.com/exchange/permissions-exo/application-rbac).
 */
const RBAC_CAVEAT = (mailbox: string) =>
	`If you grant Mail.Send through Exchange RBAC for Applications on purpose, do not add it in Entra (that would lift the scoping): check instead that ${mailbox} is in the app's management scope with Test-ServicePrincipalAuthorization, and allow 30 minutes to 2 hours for new assignments.`;

/** What the token's claims said about application permissions, for telling "no consent" from "no Mail.Send". */
export interface TokenRoles {
	roles: string[];
	hasRolesClaim: boolean;
}

function permissionFailure(
	error: GraphApiError,
	reason: string,
	mailbox: string,
	{ roles, hasRolesClaim }: TokenRoles,
): CredentialTestFailure | undefined {
	if (reason === 'accessDenied' && hasRolesClaim && !roles.includes('Mail.Send')) {
		return new CredentialTestFailure(
			'missingMailSend',
			`The app has application permissions (${roles.join(', ')}) but not Mail.Send. In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send (not the Delegated one) and click "Grant admin consent". ${RBAC_CAVEAT(mailbox)} (${error.status} ${error.code})`,
		);
	}
	if (reason === 'noPermissions' || (reason === 'accessDenied' && !hasRolesClaim)) {
		return new CredentialTestFailure(
			'consentMissing',
			`Admin consent is missing: the app's token carries no application permissions. In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send and click "Grant admin consent for <your tenant>" (the status must turn green). ${RBAC_CAVEAT(mailbox)} (${error.status} ${error.code})`,
		);
	}
	return undefined;
}

/** Turns a failed Graph call of the credential test into the failure an admin can act on. */
export function failFromGraph(
	error: unknown,
	settings: GraphSettings,
	mailbox: string,
	tokenRoles: TokenRoles,
): never {
	if (error instanceof GraphApiError) {
		const advice = adviseGraphError(error, {
			mailbox,
			clientId: settings.clientId,
			permission: 'Mail.Send',
		});
		throw (
			permissionFailure(error, advice.reason, mailbox, tokenRoles) ??
			new CredentialTestFailure(advice.reason, advice.message)
		);
	}
	if (error instanceof NetworkError || error instanceof DeliveryUnknownError) {
		throw new CredentialTestFailure(
			'graphUnreachable',
			`Cannot get an answer from Microsoft Graph at ${settings.graphEndpoint}: ${sayNetworkCodes(error.message)}. Check the network, proxy (HTTPS_PROXY) and Cloud.`,
		);
	}
	throw error;
}
