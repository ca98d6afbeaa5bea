import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { coordination } from '../../../shared/coordination';
import type { ClaimStore } from '../../../shared/coordination/claims';
import { outcomeOf } from '../../../shared/outcome';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { DeliveryUnknownError } from '../../../shared/transport/graphErrors';
import { DraftMayExistError } from '../../delivery/draftError';
import type { Delivery } from '../../delivery/execute';
import type { RunContext } from '../outcomes';
import type { PreparedItem } from '../operations/types';
import {
	deduplicated,
	fromDelivery,
	fromMailbox,
	parseClaim,
	type FirstDelivery,
	type KeyedDelivery,
} from './claimState';
import { findKeyedMessage, readPermissionMissing } from './lookup';
import { findKey } from './lookupBatch';

/**
 * How long each kind of claim lives. A pending claim is renewed while its delivery runs, so a
 * worker that dies frees the key after PENDING_TTL_MS. A sent claim answers repeats without a
 * request for a while; after it the mailbox answers (30 days and more). An unknown claim makes
 * others look in the mailbox instead of sending; once it ends, a key whose message never appeared
 * is free to be sent.
 */
const PENDING_TTL_MS = 2 * 60_000;
const SENT_TTL_MS = 60 * 60_000;
const UNKNOWN_TTL_MS = 10 * 60_000;
/**
 * After an unclear send, how long to look for the copy at most (Sent Items can lag the send by
 * seconds).
 */
const UNCLEAR_LOOK_MS = 30_000;
const LOOK_DELAYS_MS = [250, 500, 1000, 2000];

const READ_ROLES = ['Mail.Read', 'Mail.ReadWrite'];

interface Keyed {
	run: RunContext;
	graph: GraphClient;
	item: PreparedItem;
	hash: string;
	claims: ClaimStore;
	name: string;
	/** The run's Request Timeout: the longest wait for a copy after an unclear send. */
	timeoutMs: number;
}

function unclear(error: unknown): error is DeliveryUnknownError | DraftMayExistError {
	return error instanceof DeliveryUnknownError || error instanceof DraftMayExistError;
}

/** Polls the mailbox for the key's message for up to `waitMs`. */
async function lookFor(k: Keyed, waitMs: number): Promise<FirstDelivery | undefined> {
	const deadline = Date.now() + waitMs;
	for (let attempt = 0; ; attempt++) {
		const found = await findKeyedMessage(k.graph, k.item.sender, k.hash);
		if (found) return fromMailbox(found);
		const left = deadline - Date.now();
		if (left <= 0) return undefined;
		await sleep(Math.min(LOOK_DELAYS_MS[Math.min(attempt, LOOK_DELAYS_MS.length - 1)], left));
	}
}

async function settle(k: Keyed, mine: string, first: FirstDelivery, notes?: string[]) {
	const value = JSON.stringify({ s: 'sent', o: randomUUID(), d: first });
	const saved = await outcomeOf(() => k.claims.update(k.name, mine, value, SENT_TTL_MS));
	// Sent already: a claim that could not be saved only means later repeats ask the mailbox.
	if (!saved.ok && notes)
		notes.push(
			'The Idempotency Key claim could not be updated; later repeats look in the mailbox.',
		);
}

/**
 * This execution holds the claim: look in the mailbox, then send, and leave the claim saying what
 * happened.
 */
async function asHolder(
	k: Keyed,
	mine: string,
	send: () => Promise<Delivery>,
): Promise<KeyedDelivery> {
	const renew = setInterval(() => {
		void k.claims.update(k.name, mine, mine, PENDING_TTL_MS).catch(() => undefined);
	}, PENDING_TTL_MS / 4);
	renew.unref();
	try {
		// The first look may come from the run's combined lookup of several keys (lookupBatch.ts).
		const earlier = await outcomeOf(async () => {
			const found = await findKey(k.run, k.graph, k.item, k.hash);
			return found && fromMailbox(found);
		});
		if (!earlier.ok) {
			await k.claims.release(k.name, mine).catch(() => undefined);
			throw earlier.error;
		}
		if (earlier.value) {
			await settle(k, mine, earlier.value);
			return deduplicated(earlier.value);
		}
		const sent = await outcomeOf(send);
		if (sent.ok) {
			await settle(k, mine, fromDelivery(sent.value), sent.value.notes);
			return sent.value;
		}
		if (!unclear(sent.error)) {
			await k.claims.release(k.name, mine).catch(() => undefined);
			throw sent.error;
		}
		return await resolveUnclear(k, mine, sent.error);
	} finally {
		clearInterval(renew);
	}
}

/**
 * No clear answer: the mailbox says whether it went out. Not found → the claim stays "unknown",
 * nothing is resent.
 */
async function resolveUnclear(
	k: Keyed,
	mine: string,
	error: DeliveryUnknownError | DraftMayExistError,
): Promise<KeyedDelivery> {
	const found = await outcomeOf(() => lookFor(k, Math.min(UNCLEAR_LOOK_MS, k.timeoutMs)));
	if (found.ok && found.value) {
		const notes = [
			`The delivery got no clear answer (${error.reason}); the message was found in the mailbox by its Idempotency Key, so it was delivered once.`,
		];
		await settle(k, mine, found.value);
		const { requestId, clientRequestId } = error;
		const first = { ...found.value, requestId, clientRequestId };
		return { ...deduplicated(first), deduplicated: undefined, notes };
	}
	const value = JSON.stringify({ s: 'unknown', o: randomUUID() });
	await k.claims.update(k.name, mine, value, UNKNOWN_TTL_MS).catch(() => undefined);
	throw error;
}

/**
 * Another execution holds the claim: wait for its outcome, or look in the mailbox when that was
 * unclear.
 */
async function asFollower(k: Keyed, value: string): Promise<KeyedDelivery | undefined> {
	const held = parseClaim(value);
	if (held.s === 'sent') return deduplicated(held.d);
	if (held.s === 'pending') return undefined;
	const found = await lookFor(k, 0);
	if (found) return deduplicated(found);
	throw new DeliveryUnknownError(
		`an earlier delivery with this Idempotency Key got no clear answer and no copy of it is in the mailbox yet; try again in ${UNKNOWN_TTL_MS / 60_000} minutes`,
		undefined,
		'',
		'Idempotency Key',
	);
}

/**
 * Delivers an item that has an Idempotency Key at most once per sender mailbox: a claim (in this
 * process, or in n8n's Redis in queue mode) covers the moments before the sent copy is in the
 * mailbox; the mailbox, searched for the key's marker, is the record after that.
 */
export async function deliverKeyed(
	run: RunContext,
	graph: GraphClient,
	item: PreparedItem,
	roles: string[] | undefined,
	send: () => Promise<Delivery>,
): Promise<KeyedDelivery> {
	const hash = item.idempotency!.hash;
	// Roles come from Entra app permissions; with RBAC for Applications the token has none and
	// Exchange decides.
	if (roles && !roles.some((r) => READ_ROLES.includes(r)))
		throw readPermissionMissing(item.sender, ' (the token lists neither)');
	const { claims } = coordination();
	const name = `idem:${run.settings.tenantId}:${item.sender.toLowerCase()}:${hash}`;
	const k: Keyed = { run, graph, item, hash, claims, name, timeoutMs: run.timeoutMs };
	const deadline = Date.now() + run.timeoutMs;
	for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
		const mine = JSON.stringify({ s: 'pending', o: randomUUID() });
		const claim = await claims.claim(name, mine, PENDING_TTL_MS);
		if (claim.claimed) return await asHolder(k, mine, send);
		const answer = await asFollower(k, claim.value);
		if (answer) return answer;
		if (Date.now() + wait > deadline)
			throw new Error(
				`Idempotency Key: another execution is delivering the message with this key and has not finished within the Request Timeout; this one was not sent, to avoid a duplicate. Run it again later: it then outputs the first delivery.`,
			);
		await sleep(wait);
	}
}
