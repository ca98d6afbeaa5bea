import type { IDataObject } from 'n8n-workflow';

import type { GraphClient } from '../../shared/transport/graphClient';
import { graphUserUrl } from '../../shared/transport/graphClient';
import { asBoolean } from '../message/fields';
import { InputError } from '../../shared/text/inputError';
import {
	findMarkedMessage,
	findSentMessage,
	markedMessageUrl,
	markerProperty,
	newMarker,
	type FoundMessage,
} from './findSent';
import { idempotencyKeyOf, keyHash } from '../execute/idempotency/key';
import { withDraftPatch } from './mime';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { sentAsDraft } from './schedule';

/**
 * Confirm Message-ID: the ID in the output is the one Exchange used, read from Exchange.
 * - Draft paths: Graph's answer to creating the draft names the draft's internetMessageId; nothing is added.
 * - One-request paths (JSON sendMail, reply/replyAll): the message carries the package's marker property, and
 *   the sent copy is found in Sent Items by it afterwards (needs Mail.Read or Mail.ReadWrite).
 * - MIME sendMail: a MIME body cannot carry an extended property, so the message goes as a MIME draft instead.
 */
type ConfirmStep = Extract<DeliveryStep, { kind: 'checkSentAccess' | 'findSent' }>;

/** Reading Sent Items needs one of these; a token that lists neither gets a probe before the send. */
const READ_ROLES = ['Mail.Read', 'Mail.ReadWrite'];

const DRAFT_STARTS = ['createDraft', 'createDraftMime', 'createReply'];

/** The plan with what confirms its Message-ID; `waitMs` bounds the search for the sent copy. */
export function withConfirmation(
	plan: DeliveryPlan,
	waitMs: number,
	marker = newMarker(),
): DeliveryPlan {
	const base = plan.steps.some((s) => s.kind === 'sendMime') ? sentAsDraft(plan) : plan;
	// The marker goes on the message at request time (delivery/identity.ts), not into plan.message.
	const marked = { ...base, marker };
	if (base.steps.some((s) => DRAFT_STARTS.includes(s.kind))) {
		const patch = { singleValueExtendedProperties: [markerProperty(marker)] };
		return { ...marked, steps: withDraftPatch(base.steps, patch) };
	}
	if (!base.saveToSentItems)
		throw new InputError(
			'Confirm Message-ID',
			'Confirming the Message-ID reads the sent copy in Sent Items, and Save to Sent Items is off. Turn Save to Sent Items on, or Confirm Message-ID off.',
		);
	const steps: DeliveryStep[] = [
		{ kind: 'checkSentAccess', marker },
		...base.steps,
		{ kind: 'findSent', marker, waitMs },
	];
	return { ...marked, steps };
}

/** Send's and Reply's option Confirm Message-ID; the search for the sent copy waits up to Request Timeout. */
export function confirmedIfAsked(options: IDataObject, plan: DeliveryPlan): DeliveryPlan {
	if (!(asBoolean(options.confirmMessageId, 'Confirm Message-ID') ?? false)) return plan;
	const seconds = Number(options.requestTimeout ?? 120);
	const waitSeconds = Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 900) : 120;
	// With an Idempotency Key the marker is the key's hash: one marker serves both (execute/idempotency).
	const key = idempotencyKeyOf(options);
	return withConfirmation(plan, waitSeconds * 1000, key === undefined ? undefined : keyHash(key));
}

/** Drops the permission probe when the token already lists a role that reads Sent Items. */
export function withoutNeedlessProbe(plan: DeliveryPlan, roles?: string[]): DeliveryPlan {
	if (!roles?.some((r) => READ_ROLES.includes(r))) return plan;
	return { ...plan, steps: plan.steps.filter((s) => s.kind !== 'checkSentAccess') };
}

/**
 * `checkSentAccess` reads Sent Items once before the send, so a missing Mail.Read fails the item before anything
 * is sent (the marker is new, so nothing is found). `findSent` polls for the sent copy.
 */
export async function runConfirmStep(
	graph: GraphClient,
	plan: DeliveryPlan,
	step: ConfirmStep,
	signal?: AbortSignal,
): Promise<FoundMessage | undefined> {
	if (step.kind === 'checkSentAccess') {
		await findMarkedMessage(graph, plan.sender, 'sentitems', step.marker);
		return undefined;
	}
	return findSentMessage(graph, plan.sender, step.marker, { waitMs: step.waitMs, signal });
}

/** Dry Run of the confirmation requests. */
export function renderConfirmStep(graphEndpoint: string, plan: DeliveryPlan, step: ConfirmStep) {
	const graph = { userUrl: (m: string, ...s: string[]) => graphUserUrl(graphEndpoint, m, ...s) };
	const url = markedMessageUrl(graph, plan.sender, 'sentitems', step.marker);
	const request = { method: 'GET', url, headers: {} };
	if (step.kind === 'checkSentAccess') return [request];
	return [{ ...request, url: `${url} (repeated until found, up to ${step.waitMs / 1000} s)` }];
}

/** The output's Message-ID and whether it came from Exchange, with a note where Exchange's differs from ours. */
export function confirmedIdentity(
	plan: DeliveryPlan,
	draft: { internetMessageId?: string } | undefined,
	found: FoundMessage | undefined,
	notes: string[],
): { internetMessageId?: string; internetMessageIdConfirmed: boolean } & Partial<
	Omit<FoundMessage, 'folder'>
> {
	const fromExchange = found?.internetMessageId ?? draft?.internetMessageId;
	if (plan.messageId && fromExchange && fromExchange !== plan.messageId)
		notes.push(
			`Exchange used the Message-ID ${fromExchange} instead of the one the node set (${plan.messageId}); the output shows Exchange's.`,
		);
	if (plan.steps.some((s) => s.kind === 'findSent') && !found)
		notes.push(
			"The sent copy did not appear in Sent Items in time, so the Message-ID is the node's and not confirmed. The message was sent; do not send it again.",
		);
	if (found) {
		const { id, internetMessageId, conversationId, webLink } = found;
		return { id, internetMessageId, conversationId, webLink, internetMessageIdConfirmed: true };
	}
	if (fromExchange) return { internetMessageId: fromExchange, internetMessageIdConfirmed: true };
	return { internetMessageId: plan.messageId, internetMessageIdConfirmed: false };
}
