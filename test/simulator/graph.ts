/**
 * Microsoft Graph v1.0 mail surface: routing and the checks every call goes through, in this order:
 * token → roles present → required role → user → mailbox enabled → mailbox scoping → concurrency → body → endpoint.
 * Wire facts: /work/shared/reference/graph-sendmail-facts.md §1–4, §8, §9.
 */
import type { RequestContext } from './context';
import { GraphError } from './errors';
import { BodyTooLargeError, GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import { admitConcurrent, MIME_BODY, renderGraphError, type MailCall } from './mailcall';
import { validateAccessToken, type AppToken } from './tokens';
import { methodNotAllowed, resolveMailRoute, segmentNotFound } from './mailRoutes';
import { createDraft } from './drafts';
import { sendMail } from './sendmail';

/** Graph's request size limit (reference §2.1). */
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
			// 413 with code BadRequest and this text: microsoftgraph/microsoft-graph-docs-contrib#682 and #8362,
			// microsoftgraph/msgraph-sdk-powershell#1554.
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
	if (collection === 'me') {
		// Reference §1.1.
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

	// (2) an app-only token without roles (reference §4.2, docs-contrib issue #6623)
	if (token.roles.length === 0) {
		throw new GraphError(
			401,
			'NoPermissionsInAccessToken',
			'The token contains no permissions, or permissions can not be understood.',
		);
	}
	// (3) the permission this endpoint needs (reference §4.2)
	if (!route.roles.some((r) => token.roles.includes(r))) {
		throw new GraphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	// (4) the mailbox user in the token's tenant (reference §4.2)
	const user = core.state.findUser(token.tenantId, userSegment);
	if (!user)
		throw new GraphError(
			404,
			'ErrorInvalidUser',
			`The requested user '${userSegment}' is invalid.`,
		);
	ctx.record.mailbox = user.userPrincipalName;
	// (5) no Exchange Online mailbox (reference §4.2, aomail-ai/aomail-app #18)
	if (!user.licensed || user.onPremises) {
		throw new GraphError(
			404,
			'MailboxNotEnabledForRESTAPI',
			'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
		);
	}
	// (6) mailbox scoping (reference §8.1 / §8.2 and §4.2)
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
	// (7) Outlook concurrency per app + mailbox (reference §3.1)
	admitConcurrent(ctx, token.clientId, user);
	// (8) body
	const call: MailCall = { ctx, token, user, userSegment, messageId: route.messageId };
	if (route.body) {
		const raw = await ctx.readBody(GRAPH_BODY_LIMIT);
		call.contentType = ctx.header('content-type');
		// Both take a base64 MIME message as text/plain (learn: user-sendmail, user-post-messages).
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

/** `GET /v1.0/users/{id}`: a directory read, which needs User.Read.All-class roles (reference §4.2 last row). */
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
