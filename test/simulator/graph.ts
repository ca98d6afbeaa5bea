/**
 * Microsoft Graph v1.0 mail surface: routing and the checks every call goes through, in this order:
 * token → roles present → required role → user → mailbox enabled → mailbox scoping → concurrency →
 * body → endpoint. Wire facts: https://learn.microsoft.com/graph/api/user-sendmail,
 * https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/throttling-limits and
 * the sources cited at each behaviour below.
 */
import type { RequestContext } from './context';
import { GraphError } from './errors';
import { BodyTooLargeError, GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import { admitConcurrent, MIME_BODY, renderGraphError, type MailCall } from './mailcall';
import { validateAccessToken, type AppToken } from './tokens';
import { methodNotAllowed, resolveMailRoute, segmentNotFound } from './mailRoutes';
import { createDraft } from './drafts';
import { sendMail } from './sendmail';
import { handleMessageTrace } from './trace/handler';

/**
 * Graph's 4 MB request size limit
 * (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/682).
 */
export const GRAPH_BODY_LIMIT = 4 * 1024 * 1024;

const DIRECTORY_READ = [
	'User.Read.All',
	'User.ReadWrite.All',
	'User.ReadBasic.All',
	'Directory.Read.All',
	'Directory.ReadWrite.All',
];

export async function handleGraph(ctx: RequestContext): Promise<SimResponse> {
	try {
		return await runGraph(ctx);
	} catch (err) {
		if (err instanceof GraphError) return renderGraphError(ctx, err);
		if (err instanceof BodyTooLargeError) {
			// 413 with code BadRequest and this text: microsoftgraph/microsoft-graph-docs-contrib#682 and
			// #8362, microsoftgraph/msgraph-sdk-powershell#1554.
			return renderGraphError(
				ctx,
				new GraphError(413, 'BadRequest', 'The maximum request length supported is 4MB.'),
			);
		}
		throw err;
	}
}

async function runGraph(ctx: RequestContext): Promise<SimResponse> {
	const { core } = ctx;
	const segments = ctx.segments;
	// (1) bearer token
	const token = validateAccessToken(core, ctx.header('authorization'));
	ctx.record.clientId = token.clientId;

	const collection = (segments[1] ?? '').toLowerCase();
	if (collection === 'admin') return handleMessageTrace(ctx, token);
	if (collection === 'me') {
		// https://learn.microsoft.com/graph/api/user-sendmail.
		throw new GraphError(
			400,
			'BadRequest',
			'/me request is only valid with delegated authentication flow.',
		);
	}
	if (collection !== 'users' || segments.length < 3 || segments[2] === '')
		throw segmentNotFound(segments[1] ?? '');
	const userSegment = segments[2];
	const rest = segments.slice(3);
	if (rest.length === 0) return directoryUser(ctx, token, userSegment);
	const route = resolveMailRoute(ctx.method, rest);

	// RBAC for Applications grants permissions in Exchange, not in the token
	// (https://learn.microsoft.com/exchange/permissions-exo/application-rbac): Exchange honours both.
	const roles = core.state.effectiveRoles(token.clientId, token.roles);
	// (2) an app-only token without roles (https://learn.microsoft.com/graph/errors,
	// https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/6623)
	if (roles.length === 0) {
		throw new GraphError(
			401,
			'NoPermissionsInAccessToken',
			'The token contains no permissions, or permissions can not be understood.',
		);
	}
	// (3) the permission this endpoint needs (https://learn.microsoft.com/graph/errors)
	if (!route.roles.some((r) => roles.includes(r))) {
		throw new GraphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	// (4) the mailbox user in the token's tenant (https://learn.microsoft.com/graph/errors)
	const user = core.state.findUser(token.tenantId, userSegment);
	if (!user)
		throw new GraphError(
			404,
			'ErrorInvalidUser',
			`The requested user '${userSegment}' is invalid.`,
		);
	ctx.record.mailbox = user.userPrincipalName;
	// (5) no Exchange Online mailbox (https://learn.microsoft.com/graph/errors, aomail-ai/aomail-app
	// #18)
	if (!user.licensed || user.onPremises) {
		throw new GraphError(
			404,
			'MailboxNotEnabledForRESTAPI',
			'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
		);
	}
	// (6) mailbox scoping (https://learn.microsoft.com/graph/auth-limit-mailbox-access,
	// https://learn.microsoft.com/exchange/permissions-exo/application-rbac,
	// https://learn.microsoft.com/graph/errors)
	const restriction = core.state.restrictions.get(token.clientId.toLowerCase());
	if (restriction && !core.state.isMailboxAllowed(restriction, user)) {
		if (restriction.kind === 'applicationAccessPolicy') {
			throw new GraphError(
				403,
				'ErrorAccessDenied',
				'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
				{
					innerError: false,
				},
			);
		}
		throw new GraphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	// (7) Outlook concurrency per app + mailbox
	// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits)
	admitConcurrent(ctx, token.clientId, user);
	// (8) body
	const call: MailCall = { ctx, token, user, userSegment, messageId: route.messageId };
	if (route.body) {
		const raw = await ctx.readBody(GRAPH_BODY_LIMIT);
		call.contentType = ctx.header('content-type');
		// Both take a base64 MIME message as text/plain
		// (https://learn.microsoft.com/graph/api/user-sendmail,
		// https://learn.microsoft.com/graph/api/user-post-messages).
		const mimeAllowed = route.handler === sendMail || route.handler === createDraft;
		call.body = parseJsonBody(raw, call.contentType, mimeAllowed);
	}
	return route.handler(call);
}

function parseJsonBody(
	raw: Buffer,
	contentType: string | undefined,
	allowMime: boolean,
): Record<string, unknown> {
	const type = (contentType ?? '').toLowerCase();
	if (allowMime && type.startsWith('text/plain')) return { [MIME_BODY]: raw.toString('latin1') };
	const unreadable = new GraphError(
		400,
		'BadRequest',
		'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
	);
	if (raw.length === 0)
		throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
	if (!type.includes('json')) throw unreadable;
	let value: unknown;
	try {
		value = JSON.parse(raw.toString('utf8'));
	} catch {
		throw unreadable;
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unreadable;
	return value as Record<string, unknown>;
}

/**
 * `GET /v1.0/users/{id}`: a directory read, which needs User.Read.All-class roles
 * (https://learn.microsoft.com/graph/errors last row).
 */
function directoryUser(ctx: RequestContext, token: AppToken, userSegment: string): SimResponse {
	if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method, userSegment, false);
	if (!DIRECTORY_READ.some((r) => token.roles.includes(r))) {
		throw new GraphError(
			403,
			'Authorization_RequestDenied',
			'Insufficient privileges to complete the operation.',
		);
	}
	const user = ctx.core.state.findUser(token.tenantId, userSegment);
	if (!user) {
		throw new GraphError(
			404,
			'Request_ResourceNotFound',
			`Resource '${userSegment}' does not exist or one of its queried reference-property objects are not present.`,
		);
	}
	ctx.record.mailbox = user.userPrincipalName;
	return jsonResponse(
		200,
		{
			'@odata.context': `${ctx.core.url}/v1.0/$metadata#users/$entity`,
			id: user.id,
			userPrincipalName: user.userPrincipalName,
			mail: user.mail,
			displayName: user.userPrincipalName.split('@')[0],
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}
