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
import { confirmationPage, formPage, messagePage } from './html';

/**
 * The resume endpoints: n8n's waiting-webhook server routes <webhook-waiting base>/<execution>/<node ID> here while
 * the execution waits (restartWebhook). GET shows a page; only POST can resume. Other methods (HEAD from scanners)
 * match no entry, so n8n answers them itself and never resumes.
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

// Pages carry the signed link in their URL: no referrer, no caching, no indexing, no framing, no scripts.
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
 * Answers already recorded, so a second POST that arrives while n8n is still resuming the first sees "already
 * answered" instead of starting a second run: the first answer wins. In this process by default; in queue mode in
 * n8n's Redis, so two webhook processes that get a POST each at the same moment still record one. Later requests
 * are refused by n8n itself (the execution is no longer waiting). Entries expire so a node that waits again in a
 * loop can be answered again.
 */
const ANSWERED_TTL_MS = 10 * 60_000;

async function alreadyAnswered(key: string): Promise<boolean> {
	return (await coordination().claims.peek(`answer:${key}`)) !== undefined;
}

/** True when this request's answer is the first: it takes the claim. */
async function firstAnswer(key: string): Promise<boolean> {
	const claim = await coordination().claims.claim(`answer:${key}`, '1', ANSWERED_TTL_MS);
	return claim.claimed;
}

function alreadyAnsweredPage(res: ServerResponse, isHead: boolean): IWebhookResponseData {
	const page = messagePage(
		'Already answered',
		'This question has already been answered. You can close this page.',
	);
	send(res, 409, page, !isHead);
	return { noWebhookResponse: true };
}

/** Queue mode's Redis did not answer: nothing is recorded, so the person can send the answer again. */
// The page is public: it does not say where Redis is or why it failed.
function unavailable(res: ServerResponse, isHead: boolean): IWebhookResponseData {
	const page = messagePage(
		'Your answer was not recorded',
		'The server could not check whether this question was already answered. Try again in a moment.',
	);
	send(res, 503, page, !isHead);
	return { noWebhookResponse: true };
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

/** The node's webhook(): GET/HEAD render, POST with a valid answer resumes with `{ data }`. */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject() as unknown as ServerResponse;
	const read: ParameterReader = (name, fallback) => this.getNodeParameter(name, fallback);
	const key = `${this.getExecutionId()}:${this.getNode().id}`;
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
	const query = (this.getQueryData() ?? {}) as IDataObject;
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
	const first = await outcomeOf(() => firstAnswer(key));
	if (!first.ok) return unavailable(res, false);
	if (!first.value) return alreadyAnsweredPage(res, false);
	send(res, 200, messagePage('Thank you', 'Your answer was recorded. You can close this page.'));
	return { noWebhookResponse: true, workflowData: [[{ json: { data: answer.data } }]] };
}
