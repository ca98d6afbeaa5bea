import { outcomeOf } from '../../../shared/outcome';
import { graphUserUrl } from '../../../shared/transport/graphClient';
import { GraphApiError } from '../../../shared/transport/graphErrors';
import {
	markedMessageUrl,
	markerReadRefused,
	type FoundMessage,
	type MarkedFolder,
} from '../findSent';
import type { StepOf } from '../plan';
import { jsonOf, text } from './types';
import type { GraphCall, RequestDescription, Run } from './types';

/**
 * Pauses between polls: quick at first (the copy is usually there within seconds), then every 2 s.
 */
const POLL_DELAYS_MS = [250, 500, 1000, 2000];

/** `GET /users/{id}/mailFolders/{folder}/messages?$filter=…`: the marked message, at most one. */
export function markedLookup(
	graphEndpoint: string,
	sender: string,
	folder: MarkedFolder,
	marker: string,
): RequestDescription {
	const graph = { userUrl: (m: string, ...s: string[]) => graphUserUrl(graphEndpoint, m, ...s) };
	return {
		label: `find the sent copy in ${folder}`,
		method: 'GET',
		url: markedMessageUrl(graph, sender, folder, marker),
		headers: {},
		authenticated: true,
		replay: 'always',
	};
}

/** One lookup: the marked message, or undefined when it is not there (yet). */
async function lookUp(run: Run, request: RequestDescription): Promise<FoundMessage | undefined> {
	const answer = await outcomeOf(() => run.send(request));
	if (!answer.ok) {
		const { error } = answer;
		throw error instanceof GraphApiError && error.status === 403
			? markerReadRefused(run.plan.sender, error)
			: error;
	}
	const json = jsonOf(answer.value);
	const first = Array.isArray(json.value) ? (json.value[0] as Record<string, unknown>) : undefined;
	const id = text(first?.id);
	const internetMessageId = text(first?.internetMessageId);
	if (!first || !id || !internetMessageId) return undefined;
	const found: FoundMessage = { id, internetMessageId, folder: 'sentitems' };
	const conversationId = text(first.conversationId);
	const webLink = text(first.webLink);
	if (conversationId) found.conversationId = conversationId;
	if (webLink) found.webLink = webLink;
	return found;
}

/**
 * Repeats the lookup until the copy is found or `waitMs` has passed; undefined is "not yet", not
 * "not sent".
 */
async function poll(run: Run, request: RequestDescription, waitMs: number) {
	const deadline = Date.now() + waitMs;
	for (let attempt = 0; ; attempt++) {
		const found = await lookUp(run, request);
		if (found) return found;
		const left = deadline - Date.now();
		if (left <= 0) return undefined;
		const delay = POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)];
		await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
	}
}

/**
 * The marked message in Sent Items ("filtered by single-value extended property",
 * https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get). As a probe before
 * the send, a missing Mail.Read fails the item before anything is sent (the marker is new, so
 * nothing is found); after it, repeated until the sent copy appears (Confirm Message-ID,
 * delivery/confirm.ts).
 */
export const listMessages: GraphCall<StepOf<'listMessages'>> = {
	async describe(step, at) {
		const lookup = markedLookup(at.graphEndpoint, at.plan.sender, 'sentitems', step.marker);
		return [step.role === 'findSent' ? { ...lookup, repeatForMs: step.waitMs } : lookup];
	},
	async run([request], step, run) {
		if (step.role === 'probe') {
			await lookUp(run, request);
			return;
		}
		// After the send nothing may fail the item: a retry would send the message again.
		const found = await outcomeOf(() => poll(run, request, step.waitMs));
		if (found.ok) run.state.found = found.value;
		else
			run.state.delivered?.notes.push(
				`Sent Items could not be read: ${found.error instanceof Error ? found.error.message : String(found.error)}`,
			);
	},
};
