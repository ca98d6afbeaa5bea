/**
 * `GET /users/{id}/mailFolders/{folder}/messages/delta`
 * (https://learn.microsoft.com/graph/api/message-delta,
 * https://learn.microsoft.com/graph/delta-query-messages): a round of pages linked by
 * `@odata.nextLink` (`$skiptoken`), ending in an `@odata.deltaLink` (`$deltatoken`) whose next use
 * returns what changed since. The state token encodes the position in the mailbox's change log, so
 * it stays valid for any client that kept it (a restarted n8n resumes with it). Query options of
 * the first request are carried in the token, as Graph "automatically encodes any OData and custom
 * query options into the @odata.nextLink or @odata.deltaLink".
 */
import { GraphError } from './errors';
import { GRAPH_JSON_CONTENT_TYPE, jsonResponse, type SimResponse } from './http';
import { resolveFolder, type ReceivedMessage, type Tombstone } from './inbox';
import type { MailCall } from './mailcall';
import { receivedJson, selectOf } from './received';

/** What a state token carries. */
interface SyncState {
	/** Mailbox user id and folder name the token belongs to. */
	u: string;
	f: string;
	/** Changes after this sequence number are reported. */
	s: number;
	/** Within a round (skiptoken): the round ends at this sequence number. */
	t?: number;
	/** The initial round: a full sync of the folder, without removals. */
	i?: boolean;
	/** `$filter=receivedDateTime ge|gt {value}`. */
	g?: { op: 'ge' | 'gt'; value: string };
	/** `$select`. */
	sel?: string[];
	/** Store epoch the token was issued in. */
	e: number;
}

/**
 * Messages' default page size (https://learn.microsoft.com/graph/api/user-list-messages: "The
 * default page size is 10").
 */
const DEFAULT_PAGE_SIZE = 10;

function encode(state: SyncState): string {
	return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/**
 * An unreadable or expired token: Graph answers `410 Gone` and the client must start a new round
 * (https://learn.microsoft.com/graph/delta-query-overview, "Synchronization reset"). Code and text
 * are assumptions.
 */
function syncStateGone(): GraphError {
	return new GraphError(
		410,
		'SyncStateNotFound',
		'The sync state is not valid or has expired. Start a new synchronization round.',
	);
}

function decode(token: string, call: MailCall, folder: string): SyncState {
	let state: SyncState;
	try {
		state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as SyncState;
	} catch {
		throw syncStateGone();
	}
	if (state?.u !== call.user.id || state.f !== folder || typeof state.s !== 'number')
		throw syncStateGone();
	if (state.e !== call.ctx.core.state.mailStore.epoch) throw syncStateGone();
	return state;
}

/**
 * Only `receivedDateTime ge|gt {value}` is supported in a delta `$filter`
 * (https://learn.microsoft.com/graph/api/message-delta, "limited support for $filter"). Other
 * expressions: simulator wording.
 */
function parseFilter(raw: string | null): SyncState['g'] {
	if (!raw) return undefined;
	const match = /^receivedDateTime (ge|gt) (\S+)$/i.exec(raw.trim());
	if (!match || Number.isNaN(Date.parse(match[2])))
		throw new GraphError(
			400,
			'ErrorInvalidUrlQueryFilter',
			'The only supported $filter for a delta query of messages is receivedDateTime ge|gt {date}.',
		);
	return { op: match[1].toLowerCase() as 'ge' | 'gt', value: new Date(match[2]).toISOString() };
}

function firstState(call: MailCall, folder: string): SyncState {
	const query = call.ctx.query;
	if (query.has('changeType'))
		throw new GraphError(400, 'BadRequest', 'changeType is not modelled by this simulator.');
	return {
		u: call.user.id,
		f: folder,
		s: 0,
		i: true,
		g: parseFilter(query.get('$filter')),
		sel: selectOf(call),
		e: call.ctx.core.state.mailStore.epoch,
	};
}

/** `Prefer: odata.maxpagesize=N` (the header may list other preferences, such as IdType). */
function pageSizeOf(call: MailCall): number | undefined {
	const match = /odata\.maxpagesize=(\d+)/i.exec(call.ctx.header('prefer') ?? '');
	return match ? Math.max(1, Number(match[1])) : undefined;
}

function passes(m: ReceivedMessage, g: SyncState['g']): boolean {
	if (!g) return true;
	const received = Date.parse(m.receivedDateTime);
	const bound = Date.parse(g.value);
	return g.op === 'ge' ? received >= bound : received > bound;
}

type Change = { seq: number; message?: ReceivedMessage; removed?: Tombstone };

/**
 * Changes of the folder with s < seq ≤ top, in order; a message is reported once, by its latest
 * change.
 */
function changesOf(call: MailCall, state: SyncState, top: number): Change[] {
	const store = call.ctx.core.state.mailStore;
	const inRange = (seq: number) => seq > state.s && seq <= top;
	const changes: Change[] = [];
	for (const m of store.messages.values())
		if (m.userId === state.u && m.folder === state.f && inRange(m.seq) && passes(m, state.g))
			changes.push({ seq: m.seq, message: m });
	if (!state.i) {
		const latest = new Map<string, Tombstone>();
		for (const t of store.tombstones)
			if (t.userId === state.u && t.folder === state.f && inRange(t.seq)) latest.set(t.id, t);
		for (const t of latest.values()) {
			const now = store.messages.get(t.id);
			if (now && now.folder === state.f && now.seq > t.seq) continue;
			changes.push({ seq: t.seq, removed: t });
		}
	}
	return changes.sort((a, b) => a.seq - b.seq);
}

export function messagesDelta(call: MailCall): SimResponse {
	const folderSegment = call.ctx.segments[4]; // v1.0 / users / {id} / mailFolders / {folder}
	const folder = resolveFolder(call.user, folderSegment);
	const query = call.ctx.query;
	const token = query.get('$skiptoken') ?? query.get('$deltatoken');
	const state = token ? decode(token, call, folder) : firstState(call, folder);
	const store = call.ctx.core.state.mailStore;
	const top = state.t ?? store.currentSeq;
	const pageSize = pageSizeOf(call) ?? DEFAULT_PAGE_SIZE;
	const all = changesOf(call, state, top);
	const page = all.slice(0, pageSize);
	const value = page.map((c) =>
		c.removed
			? {
					'@odata.type': '#microsoft.graph.message',
					id: c.removed.id,
					'@removed': { reason: 'deleted' },
				}
			: { '@odata.type': '#microsoft.graph.message', ...receivedJson(call, c.message!, state.sel) },
	);
	const base = `${call.ctx.core.url}/v1.0/users/${encodeURIComponent(call.userSegment)}/mailFolders/${encodeURIComponent(folderSegment)}/messages/delta`;
	const more = all.length > page.length;
	const link = more
		? {
				'@odata.nextLink': `${base}?$skiptoken=${encode({ ...state, s: page[page.length - 1].seq, t: top })}`,
			}
		: {
				'@odata.deltaLink': `${base}?$deltatoken=${encode({ ...state, s: top, t: undefined, i: undefined })}`,
			};
	const applied = [
		pageSizeOf(call) ? `odata.maxpagesize=${pageSize}` : '',
		/IdType="ImmutableId"/i.test(call.ctx.header('prefer') ?? '') ? 'IdType="ImmutableId"' : '',
	]
		.filter(Boolean)
		.join(', ');
	return jsonResponse(
		200,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#Collection(message)`,
			value,
			...link,
		},
		applied ? { 'Preference-Applied': applied } : {},
		GRAPH_JSON_CONTENT_TYPE,
	);
}
