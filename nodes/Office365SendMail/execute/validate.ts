import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import type { IDataObject } from 'n8n-workflow';

import { outcomeOf, type Outcome } from '../../shared/outcome';
import { acquireToken, type AccessToken } from '../../shared/token/tokenProvider';
import { renderPlan } from '../delivery/render';
import { previewItem } from './output';
import { withIdempotency } from './idempotency/mark';
import { failed, stopUnlessContinuing, type ItemOutcome, type RunContext } from './outcomes';
import { messageOperation } from './operations';
import { isGiven } from './operations/sharedReaders';
import type { PreparedItem } from './operations/types';

const YIELD_EVERY = 100;

export interface Validated {
	outcomes: ItemOutcome[];
	/** Sign-in, started with the first valid item that will really be sent. */
	signIn?: Promise<Outcome<AccessToken>>;
}

/** The item as planned by its operation, with its Idempotency Key applied when the item's Options give one. */
function withItemKey(run: RunContext, item: PreparedItem): PreparedItem {
	const options = (run.ctx.getNodeParameter('options', item.index, {}) ?? {}) as IDataObject;
	return isGiven(options.idempotencyKey) ? withIdempotency(item, options) : item;
}

/**
 * Phase 1, validate and plan: every item is read and planned before any request, so bad input never
 * reaches the network. Sign-in overlaps with validating the other items (a token request takes a
 * round trip or two); bad input alone never causes a request.
 */
export async function validateAll(run: RunContext): Promise<Validated> {
	const outcomes: ItemOutcome[] = [];
	let signIn: Promise<Outcome<AccessToken>> | undefined;
	const operation = messageOperation(run.operation);
	for (let index = 0; index < run.items.length; index++) {
		const prepared = await outcomeOf(async () =>
			withItemKey(run, operation.plan(await operation.read(run.ctx, index, run.settings))),
		);
		const outcome: ItemOutcome = prepared.ok
			? { state: 'ready', index, item: prepared.value }
			: failed(run, index, prepared.error);
		stopUnlessContinuing(run, outcome);
		outcomes.push(outcome);
		if (!signIn && prepared.ok && !prepared.value.dryRun)
			signIn = outcomeOf(() => acquireToken(run.settings, { timeoutMs: run.timeoutMs }));
		// Reading items awaits only microtasks: let the sign-in's network I/O (and the rest of n8n) run
		// between batches, or a large input starves the token request until its timeout.
		if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
	}
	return { outcomes, signIn };
}

/** Phase 2, Dry Run: ready dry-run items become previews of their plan. */
export async function previewAll(run: RunContext, outcomes: ItemOutcome[]): Promise<ItemOutcome[]> {
	const next: ItemOutcome[] = [];
	for (const outcome of outcomes) {
		if (outcome.state !== 'ready' || !outcome.item.dryRun) {
			next.push(outcome);
			continue;
		}
		const { item, index } = outcome;
		const requests = await outcomeOf(() =>
			renderPlan(run.settings.graphEndpoint, item.plan, item.idempotency?.hash),
		);
		const result: ItemOutcome = requests.ok
			? { state: 'done', index, output: previewItem(item, run.items[index], requests.value) }
			: failed(run, index, requests.error, item);
		stopUnlessContinuing(run, result);
		next.push(result);
	}
	return next;
}
