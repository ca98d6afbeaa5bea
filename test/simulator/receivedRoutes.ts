/**
 * Route rows for received mail (received.ts, delta.ts). They come first in MAIL_ROUTES, so for a
 * message id that is not a received message the handlers fall back to the draft handlers of the
 * same path.
 */
import { messagesDelta } from './delta';
import type { MailRouteSpec } from './mailRoutes';
import {
	attachmentValue,
	getAnyMessage,
	listAnyAttachments,
	listFolderMessages,
	patchAnyMessage,
} from './received';

/**
 * Reading bodies and attachments needs Mail.Read or Mail.ReadWrite: Mail.ReadBasic.All excludes
 * "body, bodyPreview, uniqueBody, attachments, extensions, and any extended properties"
 * (https://learn.microsoft.com/graph/permissions-reference#mailreadbasicall); changing isRead needs
 * Mail.ReadWrite (https://learn.microsoft.com/graph/api/message-update).
 */
const READ = ['Mail.Read', 'Mail.ReadWrite'];

export const RECEIVED_ROUTES: MailRouteSpec[] = [
	{
		method: 'GET',
		path: ['mailfolders', '{folder}', 'messages', 'delta|microsoft.graph.delta'],
		handler: messagesDelta,
		roles: READ,
		body: false,
	},
	{
		method: 'GET',
		path: ['mailfolders', '{folder}', 'messages'],
		handler: listFolderMessages,
		roles: READ,
		body: false,
	},
	{ method: 'GET', path: ['messages', '{id}'], handler: getAnyMessage, roles: READ, body: false },
	{
		method: 'PATCH',
		path: ['messages', '{id}'],
		handler: patchAnyMessage,
		roles: ['Mail.ReadWrite'],
		body: true,
	},
	{
		method: 'GET',
		path: ['messages', '{id}', 'attachments'],
		handler: listAnyAttachments,
		roles: READ,
		body: false,
	},
	{
		method: 'GET',
		path: ['messages', '{id}', 'attachments', '{attachment}', '$value'],
		handler: attachmentValue,
		roles: READ,
		body: false,
	},
];
