import { outcomeOf, outcomeOfSync, type Outcome } from '../../shared/outcome';
import { acquireToken, type AccessToken } from '../../shared/token/tokenProvider';
import { GraphClient } from '../../shared/transport/graphClient';
import { nodeHttpClient } from '../../shared/transport/httpClient';
import { DEFAULT_RETRY_POLICY } from '../../shared/transport/retry';
import { withoutNeedlessProbe } from '../delivery/confirm';
import { executePlan } from '../delivery/execute';
import { readWriteMissing } from '../delivery/schedule';
import { InputError } from '../../shared/text/inputError';
import { beginAttempt, recall, remember } from './deliveryLedger';
import { deduplicatedOutcome, deliverPlan, planKeyLookups } from './idempotency';
import { RunMailboxLanes } from './runMailboxLanes';
import type { ItemFailure } from './errors';
import { failed, type ItemOutcome, type RunContext } from './outcomes';
import { sentItem } from './output';
import type { PreparedItem } from './operations/types';

const TOTAL_CONCURRENCY = 16;

const READ_WRITE_MISSING = new InputError(
	'Attachments',
	'This message is over 4 MB or has an attachment of 3 MB or more, so it is sent as a draft with upload sessions, which needs the Mail.ReadWrite application permission (with admin consent) besides Mail.Send. Add it in Entra admin center › App registrations › API permissions, or send smaller attachments.',
);

function graphClientOf(run: RunContext): GraphClient {
	const tokens = {
		getToken: async (forceRefresh?: boolean) =>
			(await acquireToken(run.settings, { forceRefresh, timeoutMs: run.timeoutMs })).token,
	};
	return new GraphClient(run.settings.graphEndpoint, tokens, nodeHttpClient, {
		timeoutMs: run.timeoutMs,
		retry: DEFAULT_RETRY_POLICY,
		signal: run.ctx.getExecutionCancelSignal?.(),
	});
}

/**
 * Unknown outcomes a retry must report rather than repeat: a delivery, or (for Create Draft) the
 * draft itself.
 */
function mustNotRepeat(item: PreparedItem, failure: ItemFailure): boolean {
	if (failure.status === 'deliveryUnknown') return true;
	return item.operation === 'createDraft' && failure.json.errorCode === 'DraftMayExist';
}

/**
 * One item: skipped when an earlier attempt of this execution delivered it, otherwise its plan is
 * executed.
 */
async function deliverOne(
	run: RunContext,
	graph: GraphClient,
	item: PreparedItem,
	roles: string[] | undefined,
): Promise<ItemOutcome> {
	const { index } = item;
	const input = run.items[index];
	// The ledger exists only under Retry On Fail (executeSendMail.ts); without it nothing is recalled or remembered.
	const earlier = run.ledger && recall(run.ledger, item);
	if (earlier && 'unknown' in earlier) return { state: 'failed', index, failure: earlier.unknown };
	if (earlier) {
		const note =
			'Delivered by an earlier attempt of this execution (Retry On Fail); not sent again.';
		const delivered = { ...earlier.delivered, notes: [...earlier.delivered.notes, note] };
		return { state: 'done', index, output: sentItem(item, input, delivered), delivered };
	}
	const needsReadWrite = item.plan.path === 'draft';
	// Roles come from Entra app permissions; with Exchange RBAC for Applications the token has none
	// and Exchange decides, so only a token that lists roles without Mail.ReadWrite is refused up
	// front.
	if (needsReadWrite && roles && !roles.includes('Mail.ReadWrite'))
		return failed(run, index, readWriteMissing(item.plan) ?? READ_WRITE_MISSING, item);
	// Only a marked plan (Confirm Message-ID) can hold the permission probe that the token's roles may make needless.
	const plan = item.plan.marker ? withoutNeedlessProbe(item.plan, roles) : item.plan;
	const send = () => executePlan(graph, plan);
	// Only an item with an Idempotency Key goes through the key's claim and lookup.
	const keyed = item.idempotency !== undefined;
	const sent = await outcomeOf(() => (keyed ? deliverPlan(run, graph, item, roles, send) : send()));
	if (sent.ok) {
		const repeat = keyed ? deduplicatedOutcome(item, input, sent.value) : undefined;
		if (repeat) return repeat;
		if (run.ledger) remember(run.ledger, item, { delivered: sent.value });
		return {
			state: 'done',
			index,
			output: sentItem(item, input, sent.value),
			delivered: sent.value,
		};
	}
	const outcome = failed(
		run,
		index,
		sent.error,
		item,
		needsReadWrite ? 'Mail.ReadWrite' : 'Mail.Send',
	);
	if (run.ledger && outcome.state === 'failed' && mustNotRepeat(item, outcome.failure))
		remember(run.ledger, item, { unknown: outcome.failure });
	return outcome;
}

/**
 * Phases 3 and 4, sign in and deliver: one token for the run (cached per credential across runs),
 * then the ready items at most `maxConcurrency` per mailbox. Without Continue On Fail, no new item
 * starts after a failure.
 */
export async function deliverAll(
	run: RunContext,
	outcomes: ItemOutcome[],
	signIn?: Promise<Outcome<AccessToken>>,
): Promise<ItemOutcome[]> {
	const ready = outcomes.flatMap((o) => (o.state === 'ready' ? [o.item] : []));
	if (!ready.length) return outcomes;
	const { ledger } = run;
	if (!ledger) return await deliverReady(run, outcomes, ready, signIn);
	const attempt = outcomeOfSync(() => beginAttempt(ledger, ready.length));
	if (!attempt.ok)
		return outcomes.map((o) =>
			o.state === 'ready' ? failed(run, o.index, attempt.error, o.item) : o,
		);
	let allDone = false;
	try {
		const delivered = await deliverReady(run, outcomes, ready, signIn);
		allDone = delivered.every((o) => o.state === 'done');
		return delivered;
	} finally {
		attempt.value(allDone);
	}
}

async function deliverReady(
	run: RunContext,
	outcomes: ItemOutcome[],
	ready: PreparedItem[],
	signIn?: Promise<Outcome<AccessToken>>,
): Promise<ItemOutcome[]> {
	const signedIn =
		(await signIn) ??
		(await outcomeOf(() => acquireToken(run.settings, { timeoutMs: run.timeoutMs })));
	if (!signedIn.ok)
		return outcomes.map((o) =>
			o.state === 'ready' ? failed(run, o.index, signedIn.error, o.item) : o,
		);

	const roles = signedIn.value.claims.hasRolesClaim ? signedIn.value.claims.roles : undefined;
	const graph = graphClientOf(run);
	if (ready.some((item) => item.idempotency)) planKeyLookups(run, graph, ready);
	const lanes = new RunMailboxLanes(run.maxConcurrency, TOTAL_CONCURRENCY);
	const results = new Map<number, ItemOutcome>();
	let stop = false;
	await Promise.all(
		ready.map((item) =>
			lanes.run(item.sender, async () => {
				if (stop) return;
				const result = await deliverOne(run, graph, item, roles);
				results.set(item.index, result);
				if (result.state === 'failed' && !run.continueOnFail) stop = true;
			}),
		),
	);
	return outcomes.map((o) => results.get(o.index) ?? o);
}
