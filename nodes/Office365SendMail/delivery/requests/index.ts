import type { DeliveryStep, StepOf } from '../plan';
import { addAttachment } from './addAttachment';
import { createActionDraft } from './createActionDraft';
import { createMessage } from './createMessage';
import { listMessages } from './listMessages';
import { messageAction } from './messageAction';
import { patchMessage } from './patchMessage';
import { sendDraft } from './sendDraft';
import { sendMail } from './sendMail';
import type { GraphCall } from './types';
import { uploadSession } from './uploadSession';

/** No request: Create Draft's result is the draft as Graph created it. */
const keepDraft: GraphCall<StepOf<'keepDraft'>> = {
	describe: async () => [],
	async run(_requests, _step, { state }) {
		state.delivered = state.created;
	},
};

/** Every step kind and its Graph call; TypeScript refuses a step kind missing here. */
const CALLS: { [K in DeliveryStep['kind']]: GraphCall<StepOf<K>> } = {
	sendMail,
	createMessage,
	addAttachment,
	uploadSession,
	patchMessage,
	sendDraft,
	messageAction,
	createActionDraft,
	keepDraft,
	listMessages,
};

export function callOf<S extends DeliveryStep>(step: S): GraphCall<S> {
	return CALLS[step.kind] as unknown as GraphCall<S>;
}

export { deleteDraft } from './createMessage';
export type { Delivery, MessageIdentity, ReplyAddressing, RunState } from './types';
export { graphRequest, type At, type RequestDescription } from './types';
