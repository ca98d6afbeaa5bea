import { outcomeOf } from '../../shared/outcome';
import type { GraphClient } from '../../shared/transport/graphClient';
import { GraphApiError } from '../../shared/transport/graphErrors';
import { confirmedIdentity } from './identity';
import type { DeliveryPlan, DeliveryStep } from './plan';
import {
	callOf,
	deleteDraft,
	graphRequest,
	type At,
	type Delivery,
	type RequestDescription,
	type RunState,
} from './requests';

export type { Delivery, MessageIdentity } from './requests';

/**
 * The real run: each step's requests as delivery/requests/ describes them, sent through the Graph
 * client.
 */
async function runStep(
	graph: GraphClient,
	plan: DeliveryPlan,
	step: DeliveryStep,
	state: RunState,
) {
	const known = { draftId: state.draftId ?? '', quoted: state.quoted ?? '' };
	const at: At = { graphEndpoint: graph.graphEndpoint, plan, known };
	const call = callOf(step);
	const send = (request: RequestDescription) => graph.request(graphRequest(request));
	await call.run(await call.describe(step, at), step, { graph, plan, state, send });
}

/**
 * Runs the plan's steps in order. A draft is deleted when a step before its send fails, or when
 * Microsoft clearly refused the send; after an unclear send it is kept, because the message may be
 * on its way.
 */
export async function executePlan(graph: GraphClient, plan: DeliveryPlan): Promise<Delivery> {
	const state: RunState = {};
	for (const step of plan.steps) {
		const done = await outcomeOf(() => runStep(graph, plan, step, state));
		if (done.ok) continue;
		const refused = step.kind !== 'sendDraft' || done.error instanceof GraphApiError;
		if (state.draftId && refused) {
			const at = {
				graphEndpoint: graph.graphEndpoint,
				plan,
				known: { draftId: state.draftId, quoted: '' },
			};
			// Best effort: the original failure is what the user needs to see, so a failed delete is not
			// reported.
			await outcomeOf(() => graph.request(graphRequest(deleteDraft(at))));
		}
		throw done.error;
	}
	if (!state.delivered) throw new Error('The delivery plan has no step that sends the message.');
	// The draft's identity stays the message's identity after it is sent (Message-ID, conversation);
	// the sent copy, where it was read back, is Exchange's last word (delivery/confirm.ts).
	const { notes } = state.delivered;
	const identity = confirmedIdentity(plan, state.draft, state.found, notes);
	return { ...state.draft, ...state.delivered, ...identity };
}
