import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { readGraphSettings, type GraphSettings } from '../../shared/credential/settings';
import { outcomeOf, type Outcome } from '../../shared/outcome';
import { acquireToken, type AccessToken } from '../../shared/token/tokenProvider';
import { GraphClient, type TokenSource } from '../../shared/transport/graphClient';
import { nodeHttpClient } from '../../shared/transport/httpClient';
import { DEFAULT_RETRY_POLICY } from '../../shared/transport/retry';
import { CREDENTIAL_TYPE } from '../description/constants';
import { InputError } from '../message/inputError';
import { toItemFailure, type ItemFailure } from './errors';
import { MailboxLimiter } from './mailboxLimiter';
import { sentItem, previewItem } from './output';
import { prepareItem, type PreparedItem } from './prepareItem';
import { previewRequests } from './preview';
import { sendPrepared } from './sendMessage';

const TOTAL_CONCURRENCY = 16;
const DEFAULT_TIMEOUT_SECONDS = 120;

interface RunOptions {
	maxConcurrency: number;
	timeoutMs: number;
}

/** Node-level options are read from the first item: they shape the run, not one message. */
function runOptions(ctx: IExecuteFunctions): RunOptions {
	const options = (
		ctx.getInputData().length ? ctx.getNodeParameter('options', 0, {}) : {}
	) as IDataObject;
	const concurrency = Number(options.maxConcurrency ?? 4);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 4) {
		throw new InputError(
			'Max Concurrency',
			'Must be a whole number from 1 to 4 (Graph allows 4 concurrent requests per mailbox).',
		);
	}
	const timeout = Number(options.requestTimeout ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(timeout) || timeout < 1 || timeout > 900)
		throw new InputError('Request Timeout', 'Must be between 1 and 900 seconds.');
	return { maxConcurrency: concurrency, timeoutMs: Math.round(timeout * 1000) };
}

/**
 * The one place that owns the item loop and the Continue On Fail policy (habit 4):
 * 1. every item is validated and planned before any request, so bad input never reaches the network;
 * 2. dry-run items become previews;
 * 3. the rest are sent, at most `maxConcurrency` per mailbox, and come out in input order, paired.
 */
export async function executeSendMail(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const node = this.getNode();
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const results: (INodeExecutionData | undefined)[] = new Array(items.length);
	const failures: (ItemFailure | undefined)[] = new Array(items.length);

	let settings: GraphSettings;
	let options: RunOptions;
	try {
		settings = readGraphSettings(await this.getCredentials(CREDENTIAL_TYPE));
		options = runOptions(this);
	} catch (error) {
		const failure = toItemFailure(node, error, { index: 0, clientId: '' });
		if (!continueOnFail) throw failure.error;
		return [
			items.map((_, i) =>
				failedItem(
					node,
					{ status: 'failed', error: failure.error.message, ...failure.json, itemIndex: i },
					i,
					failure,
				),
			),
		];
	}
	const fail = (index: number, error: unknown, prepared?: PreparedItem, permission?: string) => {
		failures[index] = toItemFailure(node, error, {
			index,
			sender: prepared?.sender,
			clientId: settings.clientId,
			fromAddress: prepared?.input.from?.address,
			permission,
		});
	};

	// Sign-in overlaps with validating the other items (a token request to Entra ID takes a round trip or two).
	// It starts with the first valid item that will really be sent, so bad input alone never causes a request.
	let earlyToken: Promise<Outcome<AccessToken>> | undefined;
	const prepared: PreparedItem[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const item = await prepareItem(this, i, settings);
			prepared.push(item);
			if (!earlyToken && !item.dryRun)
				earlyToken = outcomeOf(() => acquireToken(settings, { timeoutMs: options.timeoutMs }));
		} catch (error) {
			fail(i, error);
			if (!continueOnFail) throw failures[i]!.error;
		}
	}

	for (const item of prepared.filter((p) => p.dryRun)) {
		try {
			results[item.index] = previewItem(
				item,
				items[item.index],
				await previewRequests(settings.graphEndpoint, item),
			);
		} catch (error) {
			fail(item.index, error, item);
			if (!continueOnFail) throw failures[item.index]!.error;
		}
	}

	const toSend = prepared.filter((p) => !p.dryRun);
	if (toSend.length) {
		await sendAll(
			this,
			settings,
			options,
			toSend,
			items,
			results,
			fail,
			continueOnFail,
			earlyToken,
		);
		const firstFailure = failures.find((f) => f !== undefined);
		if (!continueOnFail && firstFailure) throw firstFailure.error;
	}

	return [
		items.map((_, i) => {
			const failure = failures[i];
			if (failure)
				return failedItem(
					node,
					{ status: failure.status, error: failure.error.message, ...failure.json },
					i,
					failure,
				);
			return results[i]!;
		}),
	];
}

/**
 * n8n's WorkflowExecute replaces the json of every output item that carries `error` with `{ error: message }`, which
 * would drop status, itemIndex, field and the request ids under "Continue (using regular output)". Only the error
 * output ("Continue (using error output)") needs `error`, to route the item, so it is set only then.
 */
function failedItem(
	node: INode,
	json: IDataObject,
	index: number,
	failure: ItemFailure,
): INodeExecutionData {
	const item: INodeExecutionData = { json, pairedItem: { item: index } };
	if (node.onError === 'continueErrorOutput') item.error = failure.error;
	return item;
}

async function sendAll(
	ctx: IExecuteFunctions,
	settings: GraphSettings,
	options: RunOptions,
	toSend: PreparedItem[],
	items: INodeExecutionData[],
	results: (INodeExecutionData | undefined)[],
	fail: (index: number, error: unknown, prepared?: PreparedItem, permission?: string) => void,
	continueOnFail: boolean,
	earlyToken?: Promise<Outcome<AccessToken>>,
): Promise<void> {
	const signal = ctx.getExecutionCancelSignal?.();
	// One token for the whole run (cached per credential across runs); a failure here stops every item before Graph.
	const signedIn =
		(await earlyToken) ??
		(await outcomeOf(() => acquireToken(settings, { timeoutMs: options.timeoutMs })));
	if (!signedIn.ok) {
		for (const item of toSend) fail(item.index, signedIn.error, item);
		return;
	}
	const roles = signedIn.value.claims.hasRolesClaim ? signedIn.value.claims.roles : undefined;
	const tokens: TokenSource = {
		getToken: async (forceRefresh) =>
			(await acquireToken(settings, { forceRefresh, timeoutMs: options.timeoutMs })).token,
	};
	const graph = new GraphClient(settings.graphEndpoint, tokens, nodeHttpClient, {
		timeoutMs: options.timeoutMs,
		retry: DEFAULT_RETRY_POLICY,
		signal,
	});
	const limiter = new MailboxLimiter(options.maxConcurrency, TOTAL_CONCURRENCY);
	let stop = false;

	await Promise.all(
		toSend.map((item) =>
			limiter.run(item.sender, async () => {
				if (stop) return;
				const needsReadWrite = item.plan.kind === 'draft';
				// Roles come from Entra app permissions; with Exchange RBAC for Applications the token has none and
				// Exchange decides, so only a token that lists roles without Mail.ReadWrite is refused up front.
				if (needsReadWrite && roles && !roles.includes('Mail.ReadWrite')) {
					fail(
						item.index,
						new InputError(
							'Attachments',
							'This message is over 4 MB or has an attachment of 3 MB or more, so it is sent as a draft with upload sessions, which needs the Mail.ReadWrite application permission (with admin consent) besides Mail.Send. Add it in Entra admin center › App registrations › API permissions, or send smaller attachments.',
						),
						item,
					);
				} else {
					try {
						results[item.index] = sentItem(
							item,
							items[item.index],
							await sendPrepared(graph, item),
						);
						return;
					} catch (error) {
						fail(item.index, error, item, needsReadWrite ? 'Mail.ReadWrite' : 'Mail.Send');
					}
				}
				if (!continueOnFail) stop = true;
			}),
		),
	);
}
