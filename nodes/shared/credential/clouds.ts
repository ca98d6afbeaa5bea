/**
 * Microsoft cloud → identity and Graph hosts.
 * Sources: https://learn.microsoft.com/graph/deployments and
 * https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud.
 */
export type CloudName = 'global' | 'usGovHigh' | 'usGovDod' | 'china' | 'custom';

export interface CloudHosts {
	/** Display name for messages, e.g. "Global (incl. GCC)". */
	label: string;
	authorityHost: string;
	graphEndpoint: string;
}

export const CLOUDS: Record<Exclude<CloudName, 'custom'>, CloudHosts> = {
	// GCC and GCC Moderate keep using the worldwide endpoints.
	global: {
		label: 'Global (incl. GCC)',
		authorityHost: 'https://login.microsoftonline.com',
		graphEndpoint: 'https://graph.microsoft.com',
	},
	usGovHigh: {
		label: 'US Government L4 (GCC High)',
		authorityHost: 'https://login.microsoftonline.us',
		graphEndpoint: 'https://graph.microsoft.us',
	},
	usGovDod: {
		label: 'US Government L5 (DoD)',
		authorityHost: 'https://login.microsoftonline.us',
		graphEndpoint: 'https://dod-graph.microsoft.us',
	},
	china: {
		label: 'China (21Vianet)',
		authorityHost: 'https://login.partner.microsoftonline.cn',
		graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
	},
};

export const CLOUD_NAMES: CloudName[] = ['global', 'usGovHigh', 'usGovDod', 'china', 'custom'];

export function isCloudName(value: unknown): value is CloudName {
	return typeof value === 'string' && (CLOUD_NAMES as string[]).includes(value);
}
