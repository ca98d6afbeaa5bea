import type { DeliveryPlan } from './plan';
import { callOf, type RequestDescription } from './requests';
import { keyLookup } from './requests/keyLookup';

export interface PreviewRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
}

/**
 * A request as Dry Run shows it: no Authorization header; a repeated lookup says how long it
 * repeats.
 */
export function previewOf(request: RequestDescription): PreviewRequest {
	const { method, headers, body, repeatForMs } = request;
	const url =
		repeatForMs === undefined
			? request.url
			: `${request.url} (repeated until found, up to ${repeatForMs / 1000} s)`;
	const preview: PreviewRequest = { method, url, headers };
	if (body) preview.body = 'json' in body ? body.json : body.text;
	return preview;
}

/**
 * Dry Run: the Graph requests a real run makes, from the same descriptions (delivery/requests/).
 * Values only known after Microsoft answers (draft id, upload URL) appear as {placeholders}; upload
 * chunks list their ranges. With an Idempotency Key (its hash), the mailbox lookup comes first, as
 * this one key's request (a run combines the lookups of its keys, up to 20 per request).
 */
export async function renderPlan(
	graphEndpoint: string,
	plan: DeliveryPlan,
	keyHash?: string,
): Promise<PreviewRequest[]> {
	const requests: PreviewRequest[] = [];
	if (keyHash) requests.push(previewOf(keyLookup(graphEndpoint, plan.sender, [keyHash])));
	for (const step of plan.steps) {
		const described = await callOf(step).describe(step, { graphEndpoint, plan });
		for (const request of described) if (!request.bestEffort) requests.push(previewOf(request));
	}
	return requests;
}
