import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import type { ServerResponse } from 'node:http';

import { coordination } from '../../shared/coordination';
import { outcomeOf } from '../../shared/outcome';
import { readSendAndWaitConfig, type ParameterReader, type SendAndWaitConfig } from './config';
import { answerOf, approvalOf, FREE_TEXT_FIELDS } from './answer';
import { confirmationPage, formPage, messagePage, WAIT_PARAMETER } from './html';
import { questionIdentity } from './identity';

/**
 * The resume endpoints: n8n's waiting-webhook server routes <webhook-waiting
 * base>/<execution>/<node ID> here while the execution waits (restartWebhook). GET shows a page;
 * only POST can resume. Other methods (HEAD from scanners) match no entry, so n8n answers them
 * itself and never resumes.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = ['GET', 'POST'].map((httpMethod) => ({
	name: 'default',
	httpMethod: httpMethod as IWebhookDescription['httpMethod'],
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
}));

// Pages carry the signed link in their URL: no referrer, no caching, no indexing, no framing, no
// scripts.
const PAGE_HEADERS: Record<string, string> = {
	'Content-Type': 'text/html; charset=utf-8',
	'Cache-Control': 'no-store',
	'Referrer-Policy': 'no-referrer',
	'X-Robots-Tag': 'noindex, nofollow',
	'X-Content-Type-Options': 'nosniff',
	'Content-Security-Policy':
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

function send(res: ServerResponse, status: number, html: string, withBody = true): void {
	res.statusCode = status;
	for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
	res.end(withBody ? html : undefined);
}

/**
 * Answers already recorded, so a second POST that arrives while n8n is still resuming the first
 * sees "already answered" instead of starting a second run: the first answer wins. In this process
 * by default; in queue mode in n8n's Redis, so two webhook processes that get a POST each at the
 * same moment still record one. Later requests are refused by n8n itself (the execution is no
 * longer waiting). Each wait has its own key (the link's wait token), so a node that asks again in
 * a loop is answered again, and a link of an answered wait stays refused. Links without a token,
 * sent by earlier versions, share one key per execution and node, which expires so such a loop can
 * be answered again.
 */
const UNTOKENED_TTL_MS = 10 * 60_000;
/**
 * Longer than any wait a link can still answer: an old link stays refused when the node asks again.
 */
const TOKENED_TTL_MS = 30 * 24 * 60 * 60_000;

/** The wait this request answers, and how long its answered-mark is kept. */
function answeredKeyOf(ctx: IWebhookFunctions, query: IDataObject): { key: string; ttlMs: number } {
	const wait = query[WAIT_PARAMETER];
	const base = `answer:${ctx.getExecutionId()}:${ctx.getNode().id}`;
	if (typeof wait === 'string' && wait) return { key: `${base}:${wait}`, ttlMs: TOKENED_TTL_MS };
	return { key: base, ttlMs: UNTOKENED_TTL_MS };
}

async function alreadyAnswered(key: string): Promise<boolean> {
	return (await coordination().claims.peek(key)) !== undefined;
}

/** True when this request's answer is the first: it takes the claim. */
async function firstAnswer(key: string, ttlMs: number): Promise<boolean> {
	const claim = await coordination().claims.claim(key, '1', ttlMs);
	return claim.claimed;
}

/** A page that ends the request without resuming the execution. */
function pageOnly(
	res: ServerResponse,
	isHead: boolean,
	status: number,
	title: string,
	text: string,
) {
	send(res, status, messagePage(title, text), !isHead);
	return { noWebhookResponse: true } satisfies IWebhookResponseData;
}

function alreadyAnsweredPage(res: ServerResponse, isHead: boolean): IWebhookResponseData {
	const text = 'This question has already been answered. You can close this page.';
	return pageOnly(res, isHead, 409, 'Already answered', text);
}

/**
 * Queue mode's Redis did not answer: nothing is recorded, so the person can send the answer again.
 */
// The page is public: it does not say where Redis is or why it failed.
function unavailable(res: ServerResponse, isHead: boolean): IWebhookResponseData {
	const text =
		'The server could not check whether this question was already answered. Try again in a moment.';
	return pageOnly(res, isHead, 503, 'Your answer was not recorded', text);
}

function showPage(config: SendAndWaitConfig, query: IDataObject): { status: number; html: string } {
	if (config.responseType === 'approval') {
		const approved = approvalOf(config, query);
		if (approved === undefined)
			return {
				status: 400,
				html: messagePage(
					'Link not valid',
					'This link does not carry a valid answer. Use a button in the mail.',
				),
			};
		return { status: 200, html: confirmationPage(config, approved) };
	}
	const fields = config.responseType === 'freeText' ? FREE_TEXT_FIELDS : config.fields;
	return { status: 200, html: formPage(config, fields) };
}

/**
 * The node's webhook(): GET/HEAD render, POST with a valid answer resumes with `{ data }` and the
 * question mail's `internetMessageId` and `internetMessageIdConfirmed` (sendAndWait/identity.ts).
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject() as unknown as ServerResponse;
	const read: ParameterReader = (name, fallback) => this.getNodeParameter(name, fallback);
	const query = (this.getQueryData() ?? {}) as IDataObject;
	const { key, ttlMs } = answeredKeyOf(this, query);
	const isHead = req.method === 'HEAD';
	const answered = await outcomeOf(() => alreadyAnswered(key));
	if (!answered.ok) return unavailable(res, isHead);
	if (answered.value) return alreadyAnsweredPage(res, isHead);
	let config: SendAndWaitConfig;
	try {
		config = readSendAndWaitConfig(read);
	} catch (error) {
		// Settings were valid when the mail was sent; an expression may evaluate differently now.
		send(
			res,
			500,
			messagePage(
				'Cannot show this question',
				`The workflow's settings for it are not valid: ${(error as Error).message}`,
			),
			!isHead,
		);
		return { noWebhookResponse: true };
	}
	if (req.method !== 'POST') {
		const { status, html } = showPage(config, query);
		send(res, status, html, !isHead);
		return { noWebhookResponse: true };
	}
	const answer = answerOf(config, query, this.getBodyData());
	if (!answer.ok) {
		send(
			res,
			400,
			messagePage(
				'Your answer was not recorded',
				`${answer.reason} Go back, correct it and send it again.`,
			),
		);
		return { noWebhookResponse: true };
	}
	const first = await outcomeOf(() => firstAnswer(key, ttlMs));
	if (!first.ok) return unavailable(res, false);
	if (!first.value) return alreadyAnsweredPage(res, false);
	send(res, 200, messagePage('Thank you', 'Your answer was recorded. You can close this page.'));
	const identity = questionIdentity(this, query, query[WAIT_PARAMETER]);
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: { data: answer.data, ...identity } }]],
	};
}
