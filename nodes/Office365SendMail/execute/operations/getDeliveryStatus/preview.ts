import type { IDataObject } from 'n8n-workflow';

import type { GraphSettings } from '../../../../shared/credential/settings';
import { messageIdFilter, SEARCH_AFTER_SENT_MS, searchFilter, windowOf } from './find';
import type { TraceLookup } from './params';
import { detailsUrl, listUrl } from './traceApi';

const get = (url: string) => ({ method: 'GET', url, headers: {} });

/**
 * Dry Run: the trace requests a real run starts with, without a token or a request. The search by
 * sender and subject is shown when a real run could need it; detail requests only happen for
 * recipients that were not delivered, so they are shown with placeholders.
 */
export function previewJson(settings: GraphSettings, lookup: TraceLookup): IDataObject {
	const now = Date.now();
	const graph = settings.graphEndpoint;
	const requests = [];
	if (lookup.internetMessageId)
		requests.push(
			get(listUrl(graph, messageIdFilter(lookup.internetMessageId, windowOf(lookup, now)))),
		);
	if (lookup.confirmed !== true && lookup.subject && lookup.recipients.length)
		requests.push(
			get(listUrl(graph, searchFilter(lookup, windowOf(lookup, now, SEARCH_AFTER_SENT_MS)))),
		);
	requests.push(get(detailsUrl(graph, '{trace-id}', '{recipient not delivered}')));
	return {
		status: 'preview',
		sender: lookup.sender,
		internetMessageId: lookup.internetMessageId || null,
		waitSeconds: lookup.waitSeconds,
		requests,
	};
}
