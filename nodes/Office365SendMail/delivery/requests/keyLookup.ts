import { graphUserUrl } from '../../../shared/transport/graphClient';
import { MARKER_PROPERTY_ID, markerFilter } from '../findSent';
import type { RequestDescription } from './types';

export const KEYED_SELECT = 'id,internetMessageId,conversationId,webLink,sentDateTime,isDraft';

/**
 * Two messages per key fit in one page (a draft and its sent copy); a fuller page is read as cut
 * short.
 */
export function keyLookupTop(hashes: string[]): number {
	return hashes.length * 2;
}

/**
 * Messages of the sender mailbox that carry an Idempotency Key's marker, over the whole mailbox
 * (Sent Items, Drafts, Outbox and any folder a copy was moved to): `GET /users/{id}/messages` with
 * the documented single-value extended property filter
 * (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get, whose example filters
 * /messages). One key: that filter, `$top=1`. Several: an `or` of it, one clause per key, with the
 * marker `$expand`ed so each message names its key.
 */
export function keyLookup(
	graphEndpoint: string,
	sender: string,
	hashes: string[],
): RequestDescription {
	const url = graphUserUrl(graphEndpoint, sender, 'messages');
	const filter = hashes.map((h) => markerFilter(h)).join(' or ');
	const query = [`$filter=${encodeURIComponent(filter)}`, `$select=${KEYED_SELECT}`];
	if (hashes.length === 1) query.push('$top=1');
	else {
		const expand = `singleValueExtendedProperties($filter=id eq '${MARKER_PROPERTY_ID}')`;
		query.push(`$expand=${encodeURIComponent(expand)}`, `$top=${keyLookupTop(hashes)}`);
	}
	return {
		label:
			hashes.length === 1
				? 'look for the Idempotency Key in the mailbox'
				: `look for ${hashes.length} Idempotency Keys in the mailbox`,
		method: 'GET',
		url: `${url}?${query.join('&')}`,
		headers: {},
		authenticated: true,
		replay: 'always',
	};
}
