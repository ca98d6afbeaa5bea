/**
 * The parameter names Send Email (n8n-nodes-base.emailSend) has ever had, per operation, from n8n's
 * source (packages/nodes-base/nodes/EmailSend: v1/EmailSendV1.node.ts, v2/send.operation.ts,
 * v2/sendAndWait.operation.ts, utils/sendAndWait/utils.ts). A node typed as Send Email whose
 * parameters are not these was retyped by some other tool: converting it would drop its recipients
 * and body.
 */
const COMMON = ['resource', 'operation', 'fromEmail', 'toEmail', 'subject', 'options'];
const SEND = [...COMMON, 'text', 'html', 'emailFormat', 'ccEmail', 'bccEmail', 'attachments'];
const SEND_AND_WAIT = [
	...COMMON,
	'message',
	'responseType',
	'approvalOptions',
	'formFields',
	'defineForm',
	'jsonOutput',
];

/** Type versions of Send Email the converter knows the defaults of. */
export const KNOWN_VERSIONS = [1, 2, 2.1];

// Parameter names that say where a retyped node came from (n8n's Gmail and Microsoft Outlook
// nodes).
const ORIGINS: Array<[string, string[]]> = [
	['Gmail', ['sendTo', 'emailType']],
	['Microsoft Outlook', ['toRecipients', 'bodyContent', 'additionalFields']],
];

function origin(foreign: string[]): string {
	const found = ORIGINS.find(([, keys]) => keys.some((k) => foreign.includes(k)));
	return found ? ` (they look like ${found[0]}'s)` : '';
}

/** Parameter names that Send Email never had for this operation. */
export function foreignKeys(params: Record<string, unknown>, operation: unknown): string[] {
	const known = operation === 'sendAndWait' ? SEND_AND_WAIT : SEND;
	return Object.keys(params).filter((key) => !known.includes(key));
}

/** Why a node is not a real Send Email node, or undefined when it is one. */
export function retypedReason(
	params: Record<string, unknown>,
	operation: unknown,
): string | undefined {
	const foreign = foreignKeys(params, operation);
	const resource = params.resource;
	const ownAddress = params.fromEmail !== undefined || params.toEmail !== undefined;
	if ((resource === undefined || resource === 'email') && (ownAddress || !foreign.length))
		return undefined;
	const names = foreign.length ? foreign.join(', ') : `resource "${String(resource)}"`;
	return `Typed as Send Email, but its parameters (${names}) are not Send Email's${origin(foreign)}: another tool probably changed its type. Left unchanged, since converting it would lose its recipients and body; recreate it as an Office 365 Send Mail node by hand.`;
}

/** The version whose rules apply: the newest known one not above the node's. */
export function rulesVersion(version: unknown): number {
	const v = typeof version === 'number' && Number.isFinite(version) ? version : 1;
	return [...KNOWN_VERSIONS].reverse().find((k) => k <= v) ?? 1;
}

export function versionWarning(version: unknown): string | undefined {
	if (typeof version === 'number' && KNOWN_VERSIONS.includes(version)) return undefined;
	const shown = version === undefined ? 'missing' : JSON.stringify(version);
	return `Type version ${shown} is not one the converter knows (${KNOWN_VERSIONS.join(', ')}); mapped by the rules of v${rulesVersion(version)}. Check the defaults (Email Format, attribution) in the result.`;
}
