import type { IDataObject, INode, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { outcomeOf } from '../shared/outcome';
import { GraphApiError } from '../shared/transport/graphErrors';
import type { GraphClient } from '../shared/transport/graphClient';
import { readTriggerConfig, type TriggerConfig } from './config';
import { pollError } from './errors';
import {
	deltaStartUrl,
	markAsRead,
	newestMessages,
	readPage,
	triggerGraph,
	type GraphMessage,
} from './graph';
import { senderOf, withAttachments } from './output';
import { commitState, isNew, loadState, markSeen, type SyncState } from './syncState';

/**
 * Bounds one poll's requests even when pages hold nothing new (a large folder's first round, many
 * changes).
 */
const MAX_PAGES_PER_POLL = 50;
const MAX_PAGE_SIZE = 100;
/**
 * How many of the newest messages Fetch Test Event looks through for one that passes the filters.
 */
const TEST_EVENT_WINDOW = 25;

/**
 * The options that filter messages (Graph's delta query filters by date only, so these apply here).
 */
function passesFilters(m: GraphMessage, config: TriggerConfig): boolean {
	if (config.unreadOnly && m.isRead === true) return false;
	if (config.hasAttachments && m.hasAttachments !== true) return false;
	if (
		config.subjectContains &&
		!String(m.subject ?? '')
			.toLowerCase()
			.includes(config.subjectContains)
	)
		return false;
	if (config.from) {
		const sender = senderOf(m);
		const domain = sender.slice(sender.lastIndexOf('@') + 1);
		if (!config.from.addresses.has(sender) && !config.from.domains.includes(domain)) return false;
	}
	return true;
}

/**
 * Reads delta pages until the round ends or `maxMessagesPerPoll` new messages are found; returns
 * those, in the order Graph reported them. A sync state Graph no longer knows (410) starts a new
 * round from the horizon: the ids already seen keep it from emitting anything twice.
 */
async function collectNew(
	graph: GraphClient,
	config: TriggerConfig,
	state: SyncState,
): Promise<GraphMessage[]> {
	const found: GraphMessage[] = [];
	let url = state.nextLink ?? state.deltaLink ?? deltaStartUrl(graph, config, state.horizon);
	let restarted = false;
	for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
		const budget = config.maxMessagesPerPoll - found.length;
		const read = await outcomeOf(() => readPage(graph, url, Math.min(MAX_PAGE_SIZE, budget)));
		if (!read.ok) {
			const gone = read.error instanceof GraphApiError && read.error.status === 410;
			if (!gone || restarted) throw read.error;
			restarted = true;
			url = deltaStartUrl(graph, config, state.horizon);
			state.nextLink = undefined;
			continue;
		}
		for (const m of read.value.value) {
			if (m['@removed'] !== undefined || typeof m.id !== 'string') continue;
			const received = Date.parse(String(m.receivedDateTime ?? ''));
			if (!Number.isFinite(received) || !isNew(state, m.id, received)) continue;
			markSeen(state, m.id, received);
			if (passesFilters(m, config)) found.push(m);
		}
		const next = read.value['@odata.nextLink'];
		if (!next) {
			state.deltaLink = read.value['@odata.deltaLink'] ?? state.deltaLink;
			state.nextLink = undefined;
			return found;
		}
		url = next;
		state.nextLink = next;
		if (found.length >= config.maxMessagesPerPoll) return found;
	}
	return found;
}

/**
 * Marks the emitted messages as read. A failure does not fail the poll (the messages are emitted
 * all the same, or Unread Only would skip them next time): the item says `markedAsRead: false` and
 * why.
 */
async function markAll(
	node: INode,
	graph: GraphClient,
	config: TriggerConfig,
	messages: GraphMessage[],
	items: INodeExecutionData[],
): Promise<void> {
	for (const [i, m] of messages.entries()) {
		const marked = await outcomeOf(() => markAsRead(graph, config.mailbox, m.id));
		items[i].json.markedAsRead = marked.ok;
		if (!marked.ok)
			items[i].json.markAsReadError = pollError(node, marked.error, config, 'markAsRead').message;
	}
}

/**
 * Fetch Test Event in the editor: the newest message that passes the filters; the saved state is
 * left alone.
 */
async function testEvent(
	ctx: IPollFunctions,
	graph: GraphClient,
	config: TriggerConfig,
): Promise<INodeExecutionData[][] | null> {
	const newest = await newestMessages(
		graph,
		config,
		config.from || config.subjectContains || config.unreadOnly || config.hasAttachments
			? TEST_EVENT_WINDOW
			: 1,
	);
	const message = newest.find((m) => passesFilters(m, config));
	if (!message) return null;
	return [[await withAttachments(ctx, graph, config, message)]];
}

/**
 * One poll: new messages since the saved delta link, one item each. The state is written into the
 * workflow's static data only when the poll succeeds, so a failed poll is repeated from the same
 * point: nothing is lost, and nothing emitted is emitted again.
 */
export async function pollMail(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = ctx.getNode();
	const read = await outcomeOf(() => readTriggerConfig(ctx));
	if (!read.ok) throw pollError(node, read.error);
	const config = read.value;
	const graph = triggerGraph(config);
	if (ctx.getMode() === 'manual') {
		const result = await outcomeOf(() => testEvent(ctx, graph, config));
		if (!result.ok) throw pollError(node, result.error, config);
		return result.value;
	}
	const data = ctx.getWorkflowStaticData('node') as IDataObject;
	const state = loadState(
		data,
		`${config.mailbox.toLowerCase()}|${config.folder}`,
		config.includeExisting,
	);
	const collected = await outcomeOf(async () => {
		const messages = await collectNew(graph, config, state);
		const items: INodeExecutionData[] = [];
		for (const m of messages) items.push(await withAttachments(ctx, graph, config, m));
		return { messages, items };
	});
	if (!collected.ok) throw pollError(node, collected.error, config);
	const { messages, items } = collected.value;
	if (config.markAsRead) await markAll(node, graph, config, messages, items);
	commitState(data, state);
	return items.length ? [items] : null;
}
