import { acquireToken } from '../shared/token/tokenProvider';
import { GraphClient } from '../shared/transport/graphClient';
import { nodeHttpClient } from '../shared/transport/httpClient';
import { DEFAULT_RETRY_POLICY } from '../shared/transport/retry';
import type { TriggerConfig } from './config';

const TIMEOUT_MS = 120_000;

/**
 * Properties each message is read with (https://learn.microsoft.com/graph/api/resources/message).
 */
const SELECT = [
	'id',
	'internetMessageId',
	'conversationId',
	'subject',
	'from',
	'toRecipients',
	'ccRecipients',
	'replyTo',
	'receivedDateTime',
	'bodyPreview',
	'body',
	'hasAttachments',
	'webLink',
	'isRead',
];

export interface GraphMessage {
	id: string;
	receivedDateTime?: string;
	'@removed'?: unknown;
	[key: string]: unknown;
}

export interface MessagePage {
	value: GraphMessage[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

/**
 * The package's Graph client (shared token cache, retries, and the process-wide gate of 4 requests
 * per app and mailbox that the sending node also counts against).
 */
export function triggerGraph(config: TriggerConfig): GraphClient {
	const tokens = {
		getToken: async (forceRefresh?: boolean) =>
			(await acquireToken(config.settings, { forceRefresh, timeoutMs: TIMEOUT_MS })).token,
	};
	return new GraphClient(config.settings.graphEndpoint, tokens, nodeHttpClient, {
		timeoutMs: TIMEOUT_MS,
		retry: DEFAULT_RETRY_POLICY,
	});
}

function selectOf(config: TriggerConfig): string {
	return [...SELECT, ...(config.includeHeaders ? ['internetMessageHeaders'] : [])].join(',');
}

/**
 * The first request of a delta round. From a time on: `$filter=receivedDateTime ge …`, the one
 * filter a messages delta query supports (https://learn.microsoft.com/graph/api/message-delta);
 * Graph keeps it and `$select` in the links it returns.
 */
export function deltaStartUrl(graph: GraphClient, config: TriggerConfig, sinceMs: number): string {
	const url = new URL(
		graph.userUrl(config.mailbox, 'mailFolders', config.folder, 'messages', 'delta'),
	);
	url.searchParams.set('$select', selectOf(config));
	if (sinceMs > 0)
		url.searchParams.set('$filter', `receivedDateTime ge ${new Date(sinceMs).toISOString()}`);
	return url.toString();
}

/** Links from Graph are followed only on Graph's own origin: the bearer token goes nowhere else. */
function checkedLink(graph: GraphClient, link: string): string {
	if (new URL(link).origin !== new URL(graph.graphEndpoint).origin)
		throw new Error(
			`Microsoft Graph returned a link to another host (${new URL(link).host}); it was not followed.`,
		);
	return link;
}

/**
 * `Prefer: IdType="ImmutableId"` keeps ids valid when messages move
 * (https://learn.microsoft.com/graph/outlook-immutable-id), so Reply and Create Draft can use them
 * later; `odata.maxpagesize` sizes delta pages.
 */
export async function readPage(
	graph: GraphClient,
	url: string,
	pageSize: number,
): Promise<MessagePage> {
	const response = await graph.request({
		operation: 'read the mail folder (delta)',
		method: 'GET',
		url: checkedLink(graph, url),
		headers: { Prefer: `IdType="ImmutableId", odata.maxpagesize=${pageSize}` },
		authenticated: true,
		replay: 'always',
	});
	return JSON.parse(response.body.toString('utf8')) as MessagePage;
}

/** The newest messages of the folder, newest first (for the editor's Fetch Test Event). */
export async function newestMessages(
	graph: GraphClient,
	config: TriggerConfig,
	top: number,
): Promise<GraphMessage[]> {
	const url = new URL(graph.userUrl(config.mailbox, 'mailFolders', config.folder, 'messages'));
	url.searchParams.set('$top', String(top));
	url.searchParams.set('$orderby', 'receivedDateTime desc');
	url.searchParams.set('$select', selectOf(config));
	return (await getJson<MessagePage>(graph, 'read the newest messages', url)).value;
}

export interface AttachmentInfo {
	id: string;
	name: string;
	contentType: string;
	size: number;
	isInline: boolean;
	'@odata.type'?: string;
}

/**
 * The message's attachments without their bytes
 * (https://learn.microsoft.com/graph/api/message-list-attachments).
 */
export async function listAttachments(
	graph: GraphClient,
	mailbox: string,
	id: string,
): Promise<AttachmentInfo[]> {
	const url = new URL(graph.userUrl(mailbox, 'messages', id, 'attachments'));
	url.searchParams.set('$select', 'id,name,contentType,size,isInline');
	return (await getJson<{ value: AttachmentInfo[] }>(graph, 'list attachments', url)).value;
}

/**
 * Raw bytes of a file attachment (https://learn.microsoft.com/graph/api/attachment-get, `$value`).
 */
export async function downloadAttachment(
	graph: GraphClient,
	mailbox: string,
	id: string,
	attachmentId: string,
): Promise<Buffer> {
	const response = await graph.request({
		operation: 'download an attachment',
		method: 'GET',
		url: `${graph.userUrl(mailbox, 'messages', id, 'attachments', attachmentId)}/$value`,
		headers: { Prefer: 'IdType="ImmutableId"' },
		authenticated: true,
		replay: 'always',
	});
	return response.body;
}

/**
 * `PATCH {isRead: true}` (https://learn.microsoft.com/graph/api/message-update; Mail.ReadWrite).
 */
export async function markAsRead(graph: GraphClient, mailbox: string, id: string): Promise<void> {
	await graph.request({
		operation: 'mark as read',
		method: 'PATCH',
		url: graph.userUrl(mailbox, 'messages', id),
		json: { isRead: true },
		headers: { Prefer: 'IdType="ImmutableId"' },
		authenticated: true,
		replay: 'always',
	});
}

/** A GET that is safe to repeat, with immutable ids, answered with JSON. */
async function getJson<T>(graph: GraphClient, operation: string, url: URL): Promise<T> {
	const response = await graph.request({
		operation,
		method: 'GET',
		url: url.toString(),
		headers: { Prefer: 'IdType="ImmutableId"' },
		authenticated: true,
		replay: 'always',
	});
	return JSON.parse(response.body.toString('utf8')) as T;
}
