import { randomUUID } from 'node:crypto';

import type { GraphClient } from '../../shared/transport/graphClient';
import type { GraphApiError } from '../../shared/transport/graphErrors';
import { InputError } from '../../shared/text/inputError';

/**
 * The package's own marker on every message it may need to find again: a named MAPI property (a
 * property set GUID plus a name, [MS-OXPROPS] 1.3.2) written as a Graph single-value extended
 * property (learn.microsoft.com/graph/api/resources/singlevaluelegacyextendedproperty). The GUID is
 * this package's and names no Microsoft property; the value is unique per message, so one filter
 * finds exactly that message.
 */
export const MARKER_PROPERTY_SET = '{6c378059-4101-4996-9200-31df354e4594}';
export const MARKER_PROPERTY_NAME = 'n8nOffice365SendMailMarker';
export const MARKER_PROPERTY_ID = `String ${MARKER_PROPERTY_SET} Name ${MARKER_PROPERTY_NAME}`;

/**
 * Folders the marked message can be in: sent, held (Send At) or still a draft. Well-known folder
 * names.
 */
export type MarkedFolder = 'sentitems' | 'drafts' | 'outbox';

/** What Graph says about the marked message once it is found. */
export interface FoundMessage {
	id: string;
	internetMessageId: string;
	conversationId?: string;
	webLink?: string;
	folder: MarkedFolder;
}

/** A new marker value: random, so two messages never share it. */
export function newMarker(): string {
	return randomUUID();
}

/**
 * The extended property that carries `marker`, for `singleValueExtendedProperties` of a message.
 */
export function markerProperty(marker: string): { id: string; value: string } {
	return { id: MARKER_PROPERTY_ID, value: marker };
}

/**
 * The OData filter for the marked message ("Get resource instances filtered by single-value
 * extended property", learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get). Single
 * quotes are doubled (OData string literals); markers made by newMarker() have none.
 */
export function markerFilter(marker: string): string {
	const value = marker.replace(/'/g, "''");
	return `singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_PROPERTY_ID}' and ep/value eq '${value}')`;
}

const SELECT = 'id,internetMessageId,conversationId,webLink';

/** The request URL that lists the marked message in one folder of the sender mailbox. */
export function markedMessageUrl(
	graph: Pick<GraphClient, 'userUrl'>,
	sender: string,
	folder: MarkedFolder,
	marker: string,
): string {
	const query = `$filter=${encodeURIComponent(markerFilter(marker))}&$select=${SELECT}&$top=1`;
	return `${graph.userUrl(sender, 'mailFolders', folder, 'messages')}?${query}`;
}

/** The permission the lookup needs, named: Mail.ReadBasic does not see extended properties. */
export function markerReadRefused(sender: string, error: GraphApiError): InputError {
	return new InputError(
		'Confirm Message-ID',
		`Finding the sent copy in ${sender}'s Sent Items needs the Mail.Read (or Mail.ReadWrite) application permission; Microsoft Graph refused the read (${error.status} ${error.code}, request-id ${error.requestId ?? 'n/a'}). Mail.ReadBasic is not enough: it excludes extended properties. Add Mail.Read in Entra admin center › App registrations › API permissions (and grant admin consent) or through Exchange RBAC for Applications, or turn Confirm Message-ID off.`,
	);
}
