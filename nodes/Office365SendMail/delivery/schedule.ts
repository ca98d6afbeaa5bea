import type { GraphMessage } from '../message/build';
import { InputError } from '../../shared/text/inputError';
import { withDraftPatch } from './mime';
import { attachmentSteps, statusOf, type DeliveryPlan, type DeliveryStep } from './plan';

/**
 * Draft-only and scheduled delivery, as transformations of the plan `send` makes: whatever `send`
 * supports (attachments of any size, inline images) is drafted or scheduled the same way.
 */

/**
 * The draft's steps for one step of a send plan. A new step kind must say here what it becomes in a
 * draft (TypeScript's exhaustive switch points at it), e.g. a MIME send becomes a MIME draft.
 */
function asDraftSteps(step: DeliveryStep): DeliveryStep[] {
	switch (step.kind) {
		case 'sendMail':
			if (step.format === 'mime')
				// The MIME draft carries no attachments; they are added as on the JSON draft path.
				return [{ kind: 'createMessage', format: 'mime' }, ...attachmentSteps(step.attachments)];
			// Each attachment here fits one request (else the plan would be a draft already): added one
			// by one.
			return [
				{ kind: 'createMessage', format: 'json' },
				...step.attachments.map((source) => ({ kind: 'addAttachment' as const, source })),
			];
		case 'sendDraft':
		case 'keepDraft':
		case 'listMessages':
			return [];
		case 'createMessage':
		case 'patchMessage':
		case 'addAttachment':
		case 'uploadSession':
			return [step];
		case 'messageAction':
		case 'createActionDraft':
			// Only Send's plans are drafted or scheduled; a reply draft is made by createReply itself.
			throw new Error('A reply plan cannot be turned into a draft or a scheduled send.');
	}
}

function draftSteps(plan: DeliveryPlan): DeliveryStep[] {
	return plan.steps.flatMap(asDraftSteps);
}

/**
 * The same message as a draft that is sent at once: Graph's answer to the create names its
 * Message-ID.
 */
export function sentAsDraft(plan: DeliveryPlan): DeliveryPlan {
	return { ...plan, path: 'draft', steps: [...draftSteps(plan), { kind: 'sendDraft' }] };
}

/** Create Draft: the message is built in the sender's Drafts folder and left there, not sent. */
export function draftOnly(plan: DeliveryPlan): DeliveryPlan {
	return {
		...plan,
		sendAt: undefined,
		path: 'draft',
		steps: [...draftSteps(plan), { kind: 'keepDraft' }],
	};
}

/**
 * Scheduled send: the draft carries the deferred send time and is then sent; Exchange holds it
 * until that time. sendMail cannot be used: it delivers at once and leaves the deferred copy in
 * Drafts, a duplicate (https://github.com/openonion/connectonion/issues/1198, fixed by creating a
 * draft and sending it in https://github.com/openonion/connectonion/pull/1221).
 */
export function scheduled(plan: DeliveryPlan, sendAt: string): DeliveryPlan {
	// A MIME draft gets the deferred send time by PATCH, as its body cannot carry extended
	// properties.
	const deferred = { singleValueExtendedProperties: deferredProperties(sendAt) };
	const steps = withDraftPatch(draftSteps(plan), deferred);
	return { ...plan, sendAt, path: 'draft', steps: [...steps, { kind: 'sendDraft' }] };
}

/**
 * PidTagDeferredSendTime (0x3FEF, PT_SYSTIME, UTC) "indicates a time when a client would like to
 * defer sending a message"; a time already past sends at once
 * (https://learn.microsoft.com/office/client-developer/outlook/mapi/pidtagdeferredsendtime-canonical-property,
 * [MS-OXOMSG]). PidTagDeferredDeliveryTime (0x000F) is set too, as in the deferred send checked on
 * a live mailbox (connectonion PR #1221). Extended properties are set when the message is created
 * or updated, not by sendMail
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties).
 */
function deferredProperties(sendAt: string) {
	return [
		{ id: 'SystemTime 0x3FEF', value: sendAt },
		{ id: 'SystemTime 0x000F', value: sendAt },
	];
}

/** A scheduled send's draft body (`POST /users/{id}/messages`) with its deferred send time. */
export function withDeferredSend(draft: GraphMessage, sendAt: string): GraphMessage {
	const existing = Array.isArray(draft.singleValueExtendedProperties)
		? (draft.singleValueExtendedProperties as unknown[])
		: [];
	return {
		...draft,
		singleValueExtendedProperties: [...existing, ...deferredProperties(sendAt)],
	};
}

/**
 * Asks Graph for immutable ids, which stay the same when the draft is sent and moves to Sent Items
 * (https://learn.microsoft.com/graph/outlook-immutable-id), so the id in the output keeps naming
 * the message.
 */
export const IMMUTABLE_ID_HEADERS: Record<string, string> = { Prefer: 'IdType="ImmutableId"' };

/**
 * Drafts and scheduled sends are created with Mail.ReadWrite; the field named is where the user
 * asked for it.
 */
export function readWriteMissing(plan: DeliveryPlan): InputError | undefined {
	const status = statusOf(plan);
	if (status === 'sent') return undefined;
	const [field, what, besides] =
		status === 'draft'
			? ['Operation', 'Create Draft', '']
			: ['Send At', 'A scheduled send', ' besides Mail.Send'];
	return new InputError(
		field,
		`${what} creates the message in the sender's Drafts folder, which needs the Mail.ReadWrite application permission (with admin consent)${besides}. Add it in Entra admin center › App registrations › API permissions.`,
	);
}
