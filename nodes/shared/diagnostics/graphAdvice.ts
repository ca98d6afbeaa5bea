import type { GraphApiError } from '../transport/graphErrors';

/**
 * Short, stable names for Graph failures; tests and the README's troubleshooting table use them.
 */
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
	| 'requestTooLarge'
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
	'In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › {permission}, then click "Grant admin consent for (your tenant)".';

/** What every rule's words may use besides the error and the context. */
interface Words {
	/** Graph's message without its closing full stop: ours follow it with more sentences. */
	graphText: string;
	consent: string;
}

interface Rule {
	reason: GraphFailureReason;
	applies: (error: GraphApiError) => boolean;
	text: (error: GraphApiError, ctx: AdviceContext, words: Words) => string;
}

/**
 * Retry-After longer than the retry policy waits fails the item at once, without retries; Graph's
 * text then already says what Microsoft asked for (the transport adds it), so only the "after
 * several retries" is left out.
 */
/** After several retries, or at once when Microsoft asked for a wait longer than the node waits. */
function refusal(error: GraphApiError, afterRetries: string, atOnce: string): string {
	return error.retryAfterMs === undefined ? afterRetries : atOnce;
}

const isAccessPolicy = (error: GraphApiError) =>
	error.code === 'ErrorAccessDenied' &&
	/OData is disabled|AccessPolicy|RAOP/i.test(error.graphMessage);

const isAccessDenied = ({ code, status }: GraphApiError) =>
	code === 'ErrorAccessDenied' ||
	code === 'Authorization_RequestDenied' ||
	(status === 403 && code !== 'ErrorSendAsDenied' && code !== 'MailboxNotEnabledForRESTAPI');

const MAILBOX_NOT_FOUND = ['ErrorInvalidUser', 'ResourceNotFound', 'Request_ResourceNotFound'];

/** First match wins; the order matters where a status and a code could both match. */
const RULES: Rule[] = [
	{
		// One request over Graph's 4 MB limit (plans stay under it, so a proxy or a changed limit is
		// the likely cause); it says nothing about the mailbox's MaxSendSize, which Graph reports as
		// ErrorMessageSizeExceeded.
		// https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/682 (the 4 MB request
		// limit)
		reason: 'requestTooLarge',
		applies: (e) => e.status === 413,
		text: (e) =>
			`Microsoft Graph refused ${e.operation} as too large (HTTP 413): one request may carry at most 4 MB. This is Graph's request limit, not the mailbox's MaxSendSize. The node keeps its requests under 4 MB, so check for a proxy that limits request bodies, or send smaller attachments.`,
	},
	{
		reason: 'noPermissions',
		applies: (e) => e.code === 'NoPermissionsInAccessToken',
		text: (_e, _ctx, w) =>
			`The app's token carries no application permissions: admin consent is missing. ${w.consent}`,
	},
	{
		reason: 'tokenRejected',
		applies: (e) => e.code === 'InvalidAuthenticationToken' || e.status === 401,
		text: (_e, _ctx, w) =>
			`Microsoft Graph refused the access token: ${w.graphText || 'invalid token'}. If Cloud is Custom, Authority Host and Graph Endpoint must belong to the same cloud.`,
	},
	{
		reason: 'accessPolicy',
		applies: isAccessPolicy,
		text: (_e, ctx) =>
			`An Exchange Online application access policy blocks app ${ctx.clientId} from mailbox ${ctx.mailbox}. Add the mailbox to the policy's mail-enabled security group, check with Test-ApplicationAccessPolicy -Identity ${ctx.mailbox} -AppId ${ctx.clientId}, and allow up to an hour for changes to apply.`,
	},
	{
		reason: 'accessDenied',
		applies: isAccessDenied,
		text: (_e, ctx, w) =>
			`Access denied for mailbox ${ctx.mailbox}: the app lacks the ${ctx.permission} application permission with admin consent, or an Exchange RBAC for Applications scope excludes this mailbox (check with Test-ServicePrincipalAuthorization; changes take 30 minutes to 2 hours). ${w.consent}`,
	},
	{
		reason: 'mailboxNotFound',
		applies: (e) => MAILBOX_NOT_FOUND.includes(e.code),
		text: (_e, ctx) =>
			`Mailbox ${ctx.mailbox} was not found in this tenant. Use the user principal name or object ID of a user or shared mailbox (not a group or contact), and check the tenant.`,
	},
	{
		reason: 'mailboxNotEnabled',
		applies: (e) => e.code === 'MailboxNotEnabledForRESTAPI',
		text: (_e, ctx) =>
			`${ctx.mailbox} has no Exchange Online mailbox Graph can use: it is unlicensed, inactive, soft-deleted or hosted on-premises. Assign a licence that includes Exchange Online (or use a shared mailbox) and allow time for provisioning.`,
	},
	{
		reason: 'sendAsDenied',
		applies: (e) => e.code === 'ErrorSendAsDenied',
		text: (_e, ctx) =>
			`Mailbox ${ctx.mailbox} may not send as ${ctx.fromAddress ?? 'the From address'}. Grant Send As (Add-RecipientPermission ${ctx.fromAddress ?? '<from>'} -Trustee ${ctx.mailbox} -AccessRights SendAs) or leave From Address empty.`,
	},
	{
		reason: 'invalidRecipients',
		applies: (e) => e.code === 'ErrorInvalidRecipients',
		text: (e) => `Microsoft Graph refused the recipients: ${e.graphMessage}`,
	},
	{
		reason: 'invalidHeaders',
		applies: (e) => /InternetMessageHeader/.test(e.code),
		text: (e) => `Microsoft Graph refused the custom headers: ${e.graphMessage}`,
	},
	{
		reason: 'messageTooLarge',
		applies: (e) => e.code === 'ErrorMessageSizeExceeded',
		text: (_e, ctx) =>
			`The message is larger than mailbox ${ctx.mailbox} may send (MaxSendSize, 35 MB by default in Exchange Online). An Exchange admin can raise it up to 150 MB: Set-Mailbox ${ctx.mailbox} -MaxSendSize 150MB.`,
	},
	{
		reason: 'throttled',
		applies: (e) => e.status === 429,
		text: (e, ctx, w) =>
			`Microsoft Graph ${refusal(e, `kept throttling mailbox ${ctx.mailbox} after several retries`, `throttled mailbox ${ctx.mailbox}`)}: ${w.graphText}. Lower Max Concurrency or spread the workload over time.`,
	},
	{
		reason: 'unavailable',
		applies: (e) => e.status === 503,
		text: (e, _ctx, w) =>
			`Microsoft Graph ${refusal(e, 'was unavailable and stayed so after several retries', 'was unavailable')}: ${w.graphText}. Try again later.`,
	},
];

/** Admin-readable advice for a Graph error; always names Microsoft's code. */
export function adviseGraphError(error: GraphApiError, ctx: AdviceContext): GraphAdvice {
	const words: Words = {
		graphText: error.graphMessage.replace(/[.\s]+$/, ''),
		consent: CONSENT_STEPS.replace('{permission}', ctx.permission),
	};
	const rule = RULES.find((r) => r.applies(error));
	const text = rule
		? rule.text(error, ctx, words)
		: `Microsoft Graph refused ${error.operation}: ${words.graphText || 'no message'}`;
	return { reason: rule?.reason ?? 'other', message: `${text} (${error.status} ${error.code})` };
}
