import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { readGraphSettings, type GraphSettings } from '../../../../shared/credential/settings';
import { outcomeOf, outcomeOfSync } from '../../../../shared/outcome';
import { acquireToken } from '../../../../shared/token/tokenProvider';
import { GraphClient } from '../../../../shared/transport/graphClient';
import { nodeHttpClient } from '../../../../shared/transport/httpClient';
import { traceBudgetKey } from '../../../../shared/transport/traceBudget';
import { CREDENTIAL_TYPE } from '../../../description/constants';
import type { ItemFailure } from '../../errors';
import { failedItem } from '../../output';
import { traceFailure } from './failure';
import { readLookup, type TraceLookup } from './params';
import { deliveryStatusOf } from './poll';
import { previewJson } from './preview';
import { TraceApi, traceClientRetry } from './traceApi';
import { nationalCloud } from './words';

const TIMEOUT_MS = 60_000;
const TRACE_RETRY = traceClientRetry(TIMEOUT_MS);

interface Outcome {
	index: number;
	json?: INodeExecutionData['json'];
	failure?: ItemFailure;
	lookup?: TraceLookup;
}

function traceApiOf(ctx: IExecuteFunctions, settings: GraphSettings, tenantId: string): TraceApi {
	const tokens = {
		getToken: async (forceRefresh?: boolean) =>
			(await acquireToken(settings, { forceRefresh, timeoutMs: TIMEOUT_MS })).token,
	};
	const signal = ctx.getExecutionCancelSignal?.();
	const graph = new GraphClient(settings.graphEndpoint, tokens, nodeHttpClient, {
		timeoutMs: TIMEOUT_MS,
		retry: TRACE_RETRY,
		signal,
	});
	const key = traceBudgetKey(settings.graphEndpoint, tenantId);
	return new TraceApi(graph, settings.clientId, key, undefined, signal);
}

/** Checks every item before any request: invalid ones fail, Dry Run ones become previews. */
function prepare(ctx: IExecuteFunctions, settings: GraphSettings): Outcome[] {
	const node = ctx.getNode();
	const cloud = nationalCloud(settings.cloud, settings.cloudLabel);
	return ctx.getInputData().map((_, index) => {
		const read = cloud ? undefined : outcomeOfSync(() => readLookup(ctx, index, settings));
		if (!read || !read.ok)
			return { index, failure: traceFailure(node, read ? read.error : cloud, index, settings) };
		if (read.value.dryRun) return { index, json: previewJson(settings, read.value) };
		return { index, lookup: read.value };
	});
}

/**
 * Signs in once, then looks up every prepared item at once; their requests share the tenant's trace
 * budget.
 */
async function lookUpAll(
	ctx: IExecuteFunctions,
	settings: GraphSettings,
	outcomes: Outcome[],
): Promise<void> {
	const node = ctx.getNode();
	const pending = outcomes.filter((o) => o.lookup);
	if (!pending.length) return;
	const signedIn = await outcomeOf(() => acquireToken(settings, { timeoutMs: TIMEOUT_MS }));
	const tenantId = (signedIn.ok && signedIn.value.claims.tid) || settings.tenantId;
	const api = traceApiOf(ctx, settings, tenantId);
	const signal = ctx.getExecutionCancelSignal?.();
	await Promise.all(
		pending.map(async (o) => {
			const lookup = o.lookup!;
			const got = signedIn.ok
				? await outcomeOf(() => deliveryStatusOf(api, lookup, signal))
				: signedIn;
			if (got.ok) o.json = got.value;
			else o.failure = traceFailure(node, got.error, o.index, settings, lookup.sender);
		}),
	);
}

function output(node: INode, o: Outcome): INodeExecutionData {
	if (o.failure) return failedItem(node, o.index, o.failure);
	return { json: o.json ?? {}, pairedItem: { item: o.index } };
}

/**
 * Get Delivery Status: one output item per input item with the message's status per recipient, from
 * Exchange Online's message trace. Without Continue On Fail the first failure stops the node
 * (nothing was sent, so nothing is lost).
 */
export async function executeGetDeliveryStatus(
	ctx: IExecuteFunctions,
): Promise<INodeExecutionData[][]> {
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	const stopOnFailure = (outcomes: Outcome[]) => {
		const first = outcomes.find((o) => o.failure);
		if (first?.failure && !continueOnFail) throw first.failure.error;
	};
	const read = await outcomeOf(async () =>
		readGraphSettings(await ctx.getCredentials(CREDENTIAL_TYPE)),
	);
	if (!read.ok) {
		const all = ctx
			.getInputData()
			.map((_, index) => ({ index, failure: traceFailure(node, read.error, index) }));
		stopOnFailure(all);
		return [all.map((o) => output(node, o))];
	}
	const outcomes = prepare(ctx, read.value);
	stopOnFailure(outcomes);
	await lookUpAll(ctx, read.value, outcomes);
	stopOnFailure(outcomes);
	return [outcomes.map((o) => output(node, o))];
}
