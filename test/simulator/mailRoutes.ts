/**
 * The Graph mail endpoints below `/v1.0/users/{id}/`, as a table. A new endpoint (reply,
 * createReply, …) is a handler in its own file plus one row here; the matcher gives unknown
 * segments and wrong methods Graph's errors.
 */
import {
	addAttachment,
	createDraft,
	deleteMessage,
	getMessage,
	listAttachments,
	sendDraft,
	updateMessage,
} from './drafts';
import { GraphError } from './errors';
import type { SimResponse } from './http';
import type { MailCall } from './mailcall';
import { listMailboxMessages } from './mailboxSearch';
import { RECEIVED_ROUTES } from './receivedRoutes';
import { REPLY_ROUTES } from './replies';
import { sendMail } from './sendmail';
import { listFolderMessages } from './sentItems';
import { createUploadSession } from './uploads';

export type Handler = (call: MailCall) => SimResponse | Promise<SimResponse>;

export interface MailRouteSpec {
	method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
	/**
	 * Lower-case literal segments; `{id}` is the message id, other `{…}` any segment; `a|b` accepts
	 * either spelling.
	 */
	path: string[];
	handler: Handler;
	/** Any one of these application permissions allows the call. */
	roles: string[];
	/** The handler reads a request body. */
	body: boolean;
	/** An OData action (POST only; other methods get the action wording of 405). */
	action?: boolean;
}

export interface MailRoute {
	handler: Handler;
	roles: string[];
	body: boolean;
	messageId?: string;
}

const SEND = ['Mail.Send'];
const READ_WRITE = ['Mail.ReadWrite'];
const READ = ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic', 'Mail.ReadBasic.All'];

export const MAIL_ROUTES: MailRouteSpec[] = [
	// Received mail first: its handlers fall back to the draft handlers below for draft ids.
	...RECEIVED_ROUTES,
	{ method: 'POST', path: ['sendmail'], handler: sendMail, roles: SEND, body: true, action: true },
	{ method: 'POST', path: ['messages'], handler: createDraft, roles: READ_WRITE, body: true },
	{ method: 'GET', path: ['messages'], handler: listMailboxMessages, roles: READ, body: false },
	{ method: 'GET', path: ['messages', '{id}'], handler: getMessage, roles: READ, body: false },
	{
		method: 'DELETE',
		path: ['messages', '{id}'],
		handler: deleteMessage,
		roles: READ_WRITE,
		body: false,
	},
	// learn.microsoft.com/graph/api/message-update
	{
		method: 'PATCH',
		path: ['messages', '{id}'],
		handler: updateMessage,
		roles: READ_WRITE,
		body: true,
	},
	{
		method: 'POST',
		path: ['messages', '{id}', 'send'],
		handler: sendDraft,
		roles: SEND,
		body: false,
		action: true,
	},
	{
		method: 'POST',
		path: ['messages', '{id}', 'attachments'],
		handler: addAttachment,
		roles: READ_WRITE,
		body: true,
	},
	{
		method: 'GET',
		path: ['messages', '{id}', 'attachments'],
		handler: listAttachments,
		roles: READ,
		body: false,
	},
	{
		method: 'POST',
		path: [
			'messages',
			'{id}',
			'attachments',
			'createuploadsession|microsoft.graph.createuploadsession',
		],
		handler: createUploadSession,
		roles: READ_WRITE,
		body: true,
		action: true,
	},
	// learn.microsoft.com/graph/api/mailfolder-list-messages; `{id}` here is the folder
	// (sentItems.ts).
	{
		method: 'GET',
		path: ['mailfolders', '{id}', 'messages'],
		handler: listFolderMessages,
		roles: READ,
		body: false,
	},
	// reply, replyAll (Mail.Send) and createReply, createReplyAll (Mail.ReadWrite):
	// test/simulator/replies.ts.
	...Object.entries(REPLY_ROUTES).map(
		([segment, route]): MailRouteSpec => ({
			method: 'POST',
			path: ['messages', '{id}', segment],
			handler: route.handler,
			roles: route.draft ? READ_WRITE : SEND,
			body: true,
			action: true,
		}),
	),
];

export function segmentNotFound(segment: string): GraphError {
	return new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

export function methodNotAllowed(method: string, segment: string, isAction: boolean): GraphError {
	// OData's wording for actions; simulator wording otherwise.
	return new GraphError(
		405,
		'BadRequest',
		isAction
			? `The request URI is not valid. Since the segment '${segment}' refers to an action, the only supported HTTP method is POST.`
			: `The HTTP method '${method}' is not supported for the resource '${segment}'.`,
	);
}

function segmentMatches(pattern: string, segment: string): boolean {
	return pattern.startsWith('{') || pattern.split('|').includes(segment);
}

/** How many leading segments of `s` the pattern matches. */
function matchedPrefix(path: string[], s: string[]): number {
	let n = 0;
	while (n < path.length && n < s.length && segmentMatches(path[n], s[n])) n++;
	return n;
}

/**
 * Resolves `rest` (segments after the user) to a route; throws 400 (unknown segment) / 405 (wrong
 * method).
 */
export function resolveMailRoute(
	method: string,
	rest: string[],
	routes: MailRouteSpec[] = MAIL_ROUTES,
): MailRoute {
	const s = rest.map((x) => x.toLowerCase());
	const samePath = routes.filter(
		(r) => r.path.length === s.length && matchedPrefix(r.path, s) === s.length,
	);
	const route = samePath.find((r) => r.method === method);
	if (route) {
		const idAt = route.path.indexOf('{id}');
		return {
			handler: route.handler,
			roles: route.roles,
			body: route.body,
			messageId: idAt >= 0 ? rest[idAt] : undefined,
		};
	}
	if (samePath.length > 0) {
		throw methodNotAllowed(
			method,
			rest[s.length - 1],
			samePath.some((r) => r.action === true),
		);
	}
	const known = Math.max(0, ...routes.map((r) => matchedPrefix(r.path, s)));
	throw segmentNotFound(rest[Math.min(known, rest.length - 1)] ?? '');
}
