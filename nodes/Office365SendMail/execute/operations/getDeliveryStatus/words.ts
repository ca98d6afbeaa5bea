import type { CloudName } from '../../../../shared/credential/clouds';

import { TRACE_PERMISSION } from '../../../../shared/diagnostics/traceAvailability';

export { TRACE_PERMISSION };

/**
 * Microsoft's "Transport Data Platform" app, whose service principal message trace needs in the
 * tenant.
 */
export const TRANSPORT_DATA_PLATFORM_APP_ID = '8bd644d1-64a1-4d4b-ae52-2e0cbf64e373';

export type TraceUnavailableReason = 'permission' | 'servicePrincipal' | 'cloud';

/**
 * Why message trace cannot be used with this credential, in words, and what the admin does about
 * it.
 */
export class TraceUnavailableError extends Error {
	constructor(
		readonly reason: TraceUnavailableReason,
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'TraceUnavailableError';
	}
}

export function permissionMissing(clientId: string, graphSaid?: string): TraceUnavailableError {
	const said = graphSaid ? ` Microsoft answered: ${graphSaid.slice(0, 300)}` : '';
	return new TraceUnavailableError(
		'permission',
		`Message trace needs the application permission ${TRACE_PERMISSION}, which app ${clientId} does not have.${said}`,
		`An admin adds it in Entra admin center › App registrations › your app › API permissions › Add a permission › Microsoft Graph › Application permissions › ${TRACE_PERMISSION}, and clicks "Grant admin consent". It lets the app read the message trace of the whole tenant (sender, recipients, subject, status), no message content.`,
	);
}

export function servicePrincipalMissing(graphSaid: string): TraceUnavailableError {
	return new TraceUnavailableError(
		'servicePrincipal',
		`Message trace is not set up in this tenant: the service principal of Microsoft's "Transport Data Platform" app (${TRANSPORT_DATA_PLATFORM_APP_ID}) is missing. Microsoft answered: ${graphSaid.slice(0, 300)}`,
		`An admin creates it once, e.g. in Graph Explorer: POST https://graph.microsoft.com/v1.0/servicePrincipals with {"appId": "${TRANSPORT_DATA_PLATFORM_APP_ID}"} (or New-MgServicePrincipal -AppId ${TRANSPORT_DATA_PLATFORM_APP_ID}); provisioning can take several hours.`,
	);
}

/**
 * Message trace exists in the global cloud only (learn: messagetracingroot-list-messagetraces,
 * "national cloud deployments").
 */
export function nationalCloud(cloud: CloudName, label: string): TraceUnavailableError | undefined {
	if (cloud === 'global' || cloud === 'custom') return undefined;
	return new TraceUnavailableError(
		'cloud',
		`Message trace in Microsoft Graph is available in the global cloud only, not in ${label}, so Get Delivery Status cannot work with this credential.`,
		'Use the message trace in the Exchange admin center (or Get-MessageTraceV2 in Exchange Online PowerShell) of your cloud instead.',
	);
}
