/**
 * `GET /v1.0/users/{id}/mailFolders/{folder}/messages`
 * (learn.microsoft.com/graph/api/mailfolder-list-messages) for the well-known folders a sender's
 * own messages are in: `sentitems` (sent copies, visible after the configured Sent Items delay) and
 * `drafts`. The one filter supported is the documented single-value extended property filter
 * (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get, "Get resource instances
 * filtered by single-value extended property"); no filter lists the folder.
 */
import { draftJson } from './drafts';
import { GraphError } from './errors';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import type { MailCall } from './mailcall';
import {
	expandedId,
	expandedProperties,
	hasProperty,
	parseFilter,
	type PropertyFilter,
} from './propertyFilter';
import type { DeliveredMessage } from './types';

/**
 * Only Mail.Read and Mail.ReadWrite see extended properties: Mail.ReadBasic excludes "any extended
 * properties" (learn.microsoft.com/graph/permissions-reference#mailreadbasicall).
 */
const SEES_EXTENDED = ['Mail.Read', 'Mail.ReadWrite'];

/**
 * The request's extended-property filter; more `or`ed values than the switched limit → 400 (an
 * assumption).
 */
export function filterOf(call: MailCall): PropertyFilter | undefined {
	const filter = parseFilter(call.ctx.query.get('$filter'));
	if (filter && filter.values.length > call.ctx.core.settings.maxFilterValues)
		// Simulator wording: Exchange's answer to a filter over its limits is not documented.
		throw new GraphError(
			400,
			'ErrorInvalidUrlQueryFilter',
			'The restriction or sort order is too complex for this operation.',
		);
	return filter;
}

/**
 * With `$expand` of the filtered property, each message shows it (learn:
 * singlevaluelegacyextendedproperty-get).
 */
function withExpanded(
	call: MailCall,
	json: Record<string, unknown>,
	message: Record<string, unknown>,
): Record<string, unknown> {
	const id = expandedId(call.ctx.query.get('$expand'));
	return id ? { ...json, singleValueExtendedProperties: expandedProperties(message, id) } : json;
}

/**
 * The Sent Items copy as Graph shows it: the message resource with the Message-ID it went out with.
 */
function sentCopyJson(m: DeliveredMessage): Record<string, unknown> {
	const message = m.message as Record<string, unknown>;
	const id = m.sentItemId ?? '';
	return {
		id,
		subject: message.subject ?? '',
		internetMessageId: m.internetMessageId,
		conversationId: message.conversationId ?? null,
		sentDateTime: m.deliveredAt.replace(/\.\d{3}Z$/, 'Z'),
		isDraft: false,
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		toRecipients: message.toRecipients ?? [],
		ccRecipients: message.ccRecipients ?? [],
	};
}

export function sentCopies(call: MailCall, filter?: PropertyFilter): Record<string, unknown>[] {
	const now = Date.now();
	return call.ctx.core.state.outbox
		.filter(
			(m) =>
				m.userId === call.user.id &&
				m.sentItemVisibleAt !== undefined &&
				Date.parse(m.sentItemVisibleAt) <= now &&
				hasProperty(m.message as Record<string, unknown>, filter),
		)
		.reverse()
		.map((m) => withExpanded(call, sentCopyJson(m), m.message as Record<string, unknown>));
}

export function draftCopies(call: MailCall, filter?: PropertyFilter): Record<string, unknown>[] {
	return [...call.ctx.core.state.drafts.values()]
		.filter((d) => d.userId === call.user.id && hasProperty(d.message, filter))
		.map((d) => withExpanded(call, draftJson(call, d, false), d.message));
}

/**
 * `$top` bounds the page (1–1000 for messages; default 10,
 * learn.microsoft.com/graph/api/user-list-messages).
 */
export function topOf(raw: string | null): number {
	if (raw === null) return 10;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 0)
		throw new GraphError(400, 'BadRequest', `Invalid $top value '${raw.slice(0, 20)}'.`);
	return Math.min(n, 1000);
}

/** An extended-property filter needs a permission that sees extended properties. */
export function checkSeesExtended(call: MailCall): void {
	const roles = call.ctx.core.state.effectiveRoles(call.token.clientId, call.token.roles);
	if (roles.some((r) => SEES_EXTENDED.includes(r))) return;
	// Assumption: Graph's exact answer to an extended-property filter under Mail.ReadBasic is not
	// public.
	throw new GraphError(
		403,
		'ErrorAccessDenied',
		'Access is denied. Check credentials and try again.',
	);
}

/**
 * The folder segment is matched by the route's `{id}` (mailRoutes.ts): a well-known folder name.
 */
export function listFolderMessages(call: MailCall): SimResponse {
	const folder = (call.messageId ?? '').toLowerCase();
	const filter = filterOf(call);
	if (filter) checkSeesExtended(call);
	let value: Record<string, unknown>[];
	if (folder === 'sentitems') value = sentCopies(call, filter);
	else if (folder === 'drafts') value = draftCopies(call, filter);
	else if (['inbox', 'outbox', 'deleteditems', 'junkemail', 'archive'].includes(folder)) value = [];
	// Assumption: wording for a folder that is neither a well-known name nor an id of this mailbox.
	else
		throw new GraphError(
			404,
			'ErrorItemNotFound',
			'The specified object was not found in the store.',
		);
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/mailFolders('${folder}')/messages`,
			value: value.slice(0, topOf(call.ctx.query.get('$top'))),
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}
