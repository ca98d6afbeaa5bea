import type { GraphApiError } from '../transport/graphErrors';

/** Short, stable names for Graph failures; tests and the README's troubleshooting table use them. */
export type GraphFailureReason =
	| 'tokenRejected'
	| 'noPermissions'
	| 'accessPolicy'
	| 'accessDenied'
	| 'mailboxNotFound'
	| 'mailboxNotEnabled'
	| 'sendAsDenied'
	| 'invalidRecipients'
	| 'invalidHeaders'
	| 'messageTooLarge'
	| 'throttled'
	| 'unavailable'
	| 'other';

export interface GraphAdvice {
	reason: GraphFailureReason;
	message: string;
}

export interface AdviceContext {
	mailbox: string;
	clientId: string;
	/** Permission the failed call needs, e.g. "Mail.Send" or "Mail.ReadWrite". */
	permission: string;
	fromAddress?: string;
}

const CONSENT_STEPS =
	'In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › {permission}, then click "Grant admin consent for <your tenant>".';

/** Admin-readable advice for a Graph error; always names Microsoft's code. */
export function adviseGraphError(error: GraphApiError, ctx: AdviceContext): GraphAdvice {
	const code = error.code;
	// Graph's messages end with a full stop; ours follow them with more sentences.
	const graphText = error.graphMessage.replace(/[.\s]+$/, '');
	const consent = CONSENT_STEPS.replace('{permission}', ctx.permission);
	const said = (reason: GraphFailureReason, text: string): GraphAdvice => ({
		reason,
		message: `${text} (${error.status} ${code})`,
	});

	if (code === 'NoPermissionsInAccessToken') {
		return said(
			'noPermissions',
			`The app's token carries no application permissions: admin consent is missing. ${consent}`,
		);
	}
	if (
		code === 'InvalidAuthenticationToken' ||
		(error.status === 401 && code !== 'NoPermissionsInAccessToken')
	) {
		return said(
			'tokenRejected',
			`Microsoft Graph refused the access token: ${graphText || 'invalid token'}. If Cloud is Custom, Authority Host and Graph Endpoint must belong to the same cloud.`,
		);
	}
	if (
		code === 'ErrorAccessDenied' &&
		/OData is disabled|AccessPolicy|RAOP/i.test(error.graphMessage)
	) {
		return said(
			'accessPolicy',
			`An Exchange Online application access policy blocks app ${ctx.clientId} from mailbox ${ctx.mailbox}. Add the mailbox to the policy's mail-enabled security group, check with Test-ApplicationAccessPolicy -Identity ${ctx.mailbox} -AppId ${ctx.clientId}, and allow up to an hour for changes to apply.`,
		);
	}
	if (
		code === 'ErrorAccessDenied' ||
		code === 'Authorization_RequestDenied' ||
		(error.status === 403 && code !== 'ErrorSendAsDenied' && code !== 'MailboxNotEnabledForRESTAPI')
	) {
		return said(
			'accessDenied',
			`Access denied for mailbox ${ctx.mailbox}: the app lacks the ${ctx.permission} application permission with admin consent, or an Exchange RBAC for Applications scope excludes this mailbox (check with Test-ServicePrincipalAuthorization; changes take 30 minutes to 2 hours). ${consent}`,
		);
	}
	if (
		code === 'ErrorInvalidUser' ||
		code === 'ResourceNotFound' ||
		code === 'Request_ResourceNotFound'
	) {
		return said(
			'mailboxNotFound',
			`Mailbox ${ctx.mailbox} was not found in this tenant. Use the user principal name or object ID of a user or shared mailbox (not a group or contact), and check the tenant.`,
		);
	}
	if (code === 'MailboxNotEnabledForRESTAPI') {
		return said(
			'mailboxNotEnabled',
			`${ctx.mailbox} has no Exchange Online mailbox Graph can use: it is unlicensed, inactive, soft-deleted or hosted on-premises. Assign a licence that includes Exchange Online (or use a shared mailbox) and allow time for provisioning.`,
		);
	}
	if (code === 'ErrorSendAsDenied') {
		return said(
			'sendAsDenied',
			`Mailbox ${ctx.mailbox} may not send as ${ctx.fromAddress ?? 'the From address'}. Grant Send As (Add-RecipientPermission ${ctx.fromAddress ?? '<from>'} -Trustee ${ctx.mailbox} -AccessRights SendAs) or leave From Address empty.`,
		);
	}
	if (code === 'ErrorInvalidRecipients')
		return said(
			'invalidRecipients',
			`Microsoft Graph refused the recipients: ${error.graphMessage}`,
		);
	if (/InternetMessageHeader/.test(code))
		return said(
			'invalidHeaders',
			`Microsoft Graph refused the custom headers: ${error.graphMessage}`,
		);
	if (code === 'ErrorMessageSizeExceeded' || error.status === 413) {
		return said(
			'messageTooLarge',
			`The message is larger than mailbox ${ctx.mailbox} may send (MaxSendSize, 35 MB by default in Exchange Online). An Exchange admin can raise it up to 150 MB: Set-Mailbox ${ctx.mailbox} -MaxSendSize 150MB.`,
		);
	}
	if (error.status === 429) {
		return said(
			'throttled',
			`Microsoft Graph kept throttling mailbox ${ctx.mailbox} after several retries: ${graphText}. Lower Max Concurrency or spread the workload over time.`,
		);
	}
	if (error.status === 503)
		return said(
			'unavailable',
			`Microsoft Graph was unavailable and stayed so after several retries: ${graphText}. Try again later.`,
		);
	return said('other', `Microsoft Graph refused ${error.operation}: ${graphText || 'no message'}`);
}
