import type { IDataObject } from 'n8n-workflow';

import { asBoolean } from '../message/fields';
import { InputError } from '../../shared/text/inputError';
import { markerProperty, newMarker } from './findSent';
import { idempotencyKeyOf, keyHash } from '../execute/idempotency/key';
import { withDraftPatch } from './mime';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { sentAsDraft } from './schedule';

/**
 * Confirm Message-ID: the ID in the output is the one Exchange used, read from Exchange.
 * - Draft paths: Graph's answer to creating the draft names the draft's internetMessageId; nothing
 *   is added.
 * - One-request paths (JSON sendMail, reply/replyAll): the message carries the package's marker
 *   property, and the sent copy is found in Sent Items by it afterwards (needs Mail.Read or
 *   Mail.ReadWrite).
 * - MIME sendMail: a MIME body cannot carry an extended property, so the message goes as a MIME
 *   draft instead.
 */
/**
 * Reading Sent Items needs one of these; a token that lists neither gets a probe before the send.
 */
const READ_ROLES = ['Mail.Read', 'Mail.ReadWrite'];

const DRAFT_STARTS: DeliveryStep['kind'][] = ['createMessage', 'createActionDraft'];

/** The plan with what confirms its Message-ID; `waitMs` bounds the search for the sent copy. */
export function withConfirmation(
	plan: DeliveryPlan,
	waitMs: number,
	marker = newMarker(),
): DeliveryPlan {
	const mime = plan.steps.some((s) => s.kind === 'sendMail' && s.format === 'mime');
	const base = mime ? sentAsDraft(plan) : plan;
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
		{ kind: 'listMessages', role: 'probe', marker },
		...base.steps,
		{ kind: 'listMessages', role: 'findSent', marker, waitMs },
	];
	return { ...marked, steps };
}

/**
 * Confirm Message-ID as asked: how long to look for the sent copy, and the marker when the item
 * names one.
 */
export interface Confirmation {
	waitMs: number;
	marker?: string;
}

/**
 * Send's and Reply's option Confirm Message-ID; the search for the sent copy waits up to Request
 * Timeout.
 */
export function confirmationOf(options: IDataObject): Confirmation | undefined {
	if (!(asBoolean(options.confirmMessageId, 'Confirm Message-ID') ?? false)) return undefined;
	const seconds = Number(options.requestTimeout ?? 120);
	const waitSeconds = Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 900) : 120;
	// With an Idempotency Key the marker is the key's hash: one marker serves both
	// (execute/idempotency).
	const key = idempotencyKeyOf(options);
	return { waitMs: waitSeconds * 1000, ...(key === undefined ? {} : { marker: keyHash(key) }) };
}

/** The plan, with what confirms its Message-ID when that was asked for. */
export function confirmed(plan: DeliveryPlan, confirmation?: Confirmation): DeliveryPlan {
	if (!confirmation) return plan;
	return withConfirmation(plan, confirmation.waitMs, confirmation.marker);
}

/** Drops the permission probe when the token already lists a role that reads Sent Items. */
export function withoutNeedlessProbe(plan: DeliveryPlan, roles?: string[]): DeliveryPlan {
	if (!roles?.some((r) => READ_ROLES.includes(r))) return plan;
	return {
		...plan,
		steps: plan.steps.filter((s) => !(s.kind === 'listMessages' && s.role === 'probe')),
	};
}
