/**
 * `GET /v1.0/users/{id}/messages` (learn.microsoft.com/graph/api/user-list-messages): the messages
 * of the whole mailbox. With the documented single-value extended property filter
 * (learn.microsoft.com/graph/api/ singlevaluelegacyextendedproperty-get, whose example filters
 * `/me/messages`) it searches every folder the simulator models at once: Sent Items copies (after
 * the Sent Items delay) and Drafts, where held Send At messages stay until they go (scheduled.ts).
 * Without a filter it lists the drafts, as before.
 */
import { listMessages } from './drafts';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import type { MailCall } from './mailcall';
import { checkSeesExtended, draftCopies, filterOf, sentCopies, topOf } from './sentItems';

export function listMailboxMessages(call: MailCall): SimResponse {
	const filter = filterOf(call);
	if (!filter) return listMessages(call);
	checkSeesExtended(call);
	const value = [...sentCopies(call, filter), ...draftCopies(call, filter)];
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#users('${encodeURIComponent(call.userSegment)}')/messages`,
			value: value.slice(0, topOf(call.ctx.query.get('$top'))),
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}
