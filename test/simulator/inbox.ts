/**
 * Received mail: a store per mailbox and folder with a change log, which the delta query (delta.ts)
 * reads. Messages arrive through the control call `deliverMessage`; a user reading, flagging or
 * moving them in Outlook is the control call `changeMessage`. Every change gets the next sequence
 * number, as Exchange's sync state advances, so a delta round reports it again
 * (learn.microsoft.com/graph/delta-query-messages: "additions, deletions, or updates to messages in
 * a folder").
 */
import * as crypto from 'node:crypto';

import { newItemId } from './drafts';
import { GraphError } from './errors';
import { seedMessage, type SeedAddress, type SeedMessageConfig } from './replies';
import type { SimState, User } from './state';

/**
 * Well-known folder names Graph accepts in place of a folder id
 * (https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names); the
 * simulator models these.
 */
export const WELL_KNOWN_FOLDERS = [
	'inbox',
	'archive',
	'deleteditems',
	'junkemail',
	'sentitems',
	'drafts',
	'outbox',
];

export interface ReceivedAttachment {
	id: string;
	name: string;
	contentType: string;
	bytes: Buffer;
	isInline: boolean;
	lastModifiedDateTime: string;
}

export interface ReceivedMessage {
	id: string;
	userId: string;
	folder: string;
	from: SeedAddress;
	to: SeedAddress[];
	cc: SeedAddress[];
	replyTo: SeedAddress[];
	subject: string;
	internetMessageId: string;
	conversationId: string;
	body: { contentType: 'text' | 'html'; content: string };
	receivedDateTime: string;
	isRead: boolean;
	flagStatus: 'notFlagged' | 'flagged' | 'complete';
	attachments: ReceivedAttachment[];
	headers: { name: string; value: string }[];
	/** Sequence number of the message's last change (arrival, read, flag, move). */
	seq: number;
}

/**
 * A message left a folder (deleted or moved): reported as `@removed` by that folder's next delta
 * round.
 */
export interface Tombstone {
	userId: string;
	folder: string;
	id: string;
	seq: number;
}

/** A message to put into a mailbox (control API `deliverMessage`). */
export interface DeliverMessageConfig extends Omit<SeedMessageConfig, 'body'> {
	/** Well-known folder name; default inbox. */
	folder?: string;
	body?: { contentType?: 'text' | 'html'; content: string };
	/** ISO date; default now. */
	receivedDateTime?: string;
	isRead?: boolean;
	attachments?: { name: string; contentType?: string; base64: string; isInline?: boolean }[];
	headers?: { name: string; value: string }[];
}

/** What a user does to a received message in Outlook (control API `changeMessage`). */
export interface MessageChange {
	isRead?: boolean;
	flagStatus?: ReceivedMessage['flagStatus'];
	/** Move to this well-known folder. */
	folder?: string;
	deleted?: boolean;
}

function isoSeconds(date = new Date()): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class MailStore {
	readonly messages = new Map<string, ReceivedMessage>();
	readonly tombstones: Tombstone[] = [];
	/** Sync tokens older than this epoch are refused with 410 (control API `expireDeltaTokens`). */
	epoch = 0;
	private seq = 0;

	get currentSeq(): number {
		return this.seq;
	}

	nextSeq(): number {
		return ++this.seq;
	}

	clear(): void {
		this.messages.clear();
		this.tombstones.length = 0;
		this.epoch = 0;
		this.seq = 0;
	}
}

function folderName(name: string | undefined): string {
	const folder = (name ?? 'inbox').toLowerCase();
	if (!WELL_KNOWN_FOLDERS.includes(folder)) throw new Error(`unknown folder ${name}`);
	return folder;
}

/**
 * Puts a received message into a mailbox folder; also seeds it for the reply actions. Returns its
 * Graph id.
 */
export function deliverMessage(state: SimState, config: DeliverMessageConfig): string {
	const folder = folderName(config.folder);
	const id = seedMessage(state, {
		...config,
		body: config.body?.content,
		id: config.id ?? newItemId(),
	});
	const seeded = state.seededMessages.get(id)!;
	const now = isoSeconds();
	state.mailStore.messages.set(id, {
		...seeded,
		folder,
		body: {
			contentType: config.body?.contentType ?? 'text',
			content: config.body?.content ?? '',
		},
		receivedDateTime: config.receivedDateTime ?? now,
		isRead: config.isRead ?? false,
		flagStatus: 'notFlagged',
		attachments: (config.attachments ?? []).map((a) => ({
			id: newItemId(),
			name: a.name,
			contentType: a.contentType ?? 'application/octet-stream',
			bytes: Buffer.from(a.base64, 'base64'),
			isInline: a.isInline ?? false,
			lastModifiedDateTime: now,
		})),
		headers: config.headers ?? [],
		seq: state.mailStore.nextSeq(),
	});
	return id;
}

/** Applies a change; every change is a new entry in the folder's change log. */
export function changeMessage(state: SimState, id: string, change: MessageChange): void {
	const store = state.mailStore;
	const m = store.messages.get(id);
	if (!m) throw new Error(`unknown received message ${id}`);
	const leaves = change.deleted || (change.folder && folderName(change.folder) !== m.folder);
	if (leaves)
		store.tombstones.push({ userId: m.userId, folder: m.folder, id, seq: store.nextSeq() });
	if (change.deleted) {
		store.messages.delete(id);
		state.seededMessages.delete(id);
		return;
	}
	if (change.folder) m.folder = folderName(change.folder);
	if (change.isRead !== undefined) m.isRead = change.isRead;
	if (change.flagStatus !== undefined) m.flagStatus = change.flagStatus;
	m.seq = store.nextSeq();
}

/**
 * A stable folder id per mailbox and well-known name, shaped like Exchange's (base64, trailing
 * "AAA=").
 */
export function folderId(user: User, name: string): string {
	const digest = crypto.createHash('sha256').update(`${user.id}/${name}`).digest('base64url');
	return `AAMkAG${digest}AAA=`;
}

/**
 * The `{folder}` path segment: a well-known name (any case) or one of the mailbox's folder ids.
 * Graph answers an unknown id 404 ErrorItemNotFound and a malformed one 400 ErrorInvalidIdMalformed
 * (https://learn.microsoft.com/graph/errors lists both codes; the exact texts here are Exchange's
 * usual ones, unverified for folders).
 */
export function resolveFolder(user: User, segment: string): string {
	const lower = segment.toLowerCase();
	if (WELL_KNOWN_FOLDERS.includes(lower)) return lower;
	const byId = WELL_KNOWN_FOLDERS.find((name) => folderId(user, name) === segment);
	if (byId) return byId;
	if (/^[A-Za-z0-9+/_=-]{20,}$/.test(segment))
		throw new GraphError(
			404,
			'ErrorItemNotFound',
			'The specified object was not found in the store.',
		);
	throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
}

/** The received message of this mailbox with this id, if any (drafts live in drafts.ts). */
export function findReceived(
	state: SimState,
	user: User,
	id?: string,
): ReceivedMessage | undefined {
	const m = id === undefined ? undefined : state.mailStore.messages.get(id);
	return m && m.userId === user.id ? m : undefined;
}
