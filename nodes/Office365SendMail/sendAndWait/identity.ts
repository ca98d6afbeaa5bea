import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { outcomeOfSync } from '../../shared/outcome';
import { messageIdOf } from '../message/messageId';

/**
 * The question mail's Message-ID in the answered item. n8n drops the node's output when it resumes
 * a waiting execution (its waiting-webhook handler pops the node's last run before calling
 * webhook()), so what execute() learnt must travel another way:
 * - the resume links carry the Message-ID the node stamped (`mid`); n8n signs the whole link, so it
 *   cannot be changed, and every link names the mail it came in;
 * - what the delivery found out (Exchange's Message-ID with Confirm Message-ID) is kept in the
 *   node's execution context (`getContext('node')`), which n8n stores with the waiting execution,
 *   and read back by the webhook for the wait the link belongs to.
 */
export const MESSAGE_ID_PARAMETER = 'mid';
const CONTEXT_KEY = 'sendAndWaitQuestion';

export interface QuestionIdentity {
	internetMessageId: string | null;
	internetMessageIdConfirmed: boolean;
}

interface Remembered extends QuestionIdentity {
	wait: string;
}

/**
 * Before sending: the wait token of the question mail being sent, so that its delivery can be
 * matched later.
 */
export function rememberQuestion(ctx: IExecuteFunctions, wait: string): void {
	ctx.getContext('node')[CONTEXT_KEY] = JSON.stringify({ wait });
}

/** After the question was delivered: its Message-ID as the delivered item names it. */
export function rememberDelivery(ctx: IExecuteFunctions, delivered: IDataObject): void {
	const context = ctx.getContext('node');
	const pending = parse(context[CONTEXT_KEY]);
	if (!pending?.wait) return;
	const remembered: Remembered = {
		wait: pending.wait,
		internetMessageId: asId(delivered.internetMessageId),
		internetMessageIdConfirmed: delivered.internetMessageIdConfirmed === true,
	};
	context[CONTEXT_KEY] = JSON.stringify(remembered);
}

function parse(value: unknown): Partial<Remembered> | undefined {
	if (typeof value !== 'string') return undefined;
	const parsed = outcomeOfSync(() => JSON.parse(value) as unknown);
	if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return undefined;
	return parsed.value as Partial<Remembered>;
}

/**
 * A Message-ID in the shape the node writes; anything else (an unsigned link edited by hand) is no
 * ID.
 */
function asId(value: unknown): string | null {
	const id = outcomeOfSync(() => messageIdOf(value, 'Message-ID'));
	return id.ok ? id.value : null;
}

/**
 * A string literal for an n8n expression: JSON's quoting, with braces escaped, since n8n finds the
 * end of an expression at the first `}}` even inside a string (node names may contain them).
 */
function jsLiteral(value: string): string {
	return JSON.stringify(value).replace(/[{}]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/**
 * The node's own context as the waiting execution stored it, read through n8n's expression
 * `$(node).context`, the way n8n's own Form node reads execution data in its waiting webhook.
 */
function rememberedOf(ctx: IWebhookFunctions): Partial<Remembered> | undefined {
	const expression = `{{ $(${jsLiteral(ctx.getNode().name)}).context[${jsLiteral(CONTEXT_KEY)}] }}`;
	const value = outcomeOfSync(() => ctx.evaluateExpression(expression, 0));
	return value.ok ? parse(value.value) : undefined;
}

/**
 * The identity of the question a link answers: what the delivery found when the link is the one it
 * sent, else the Message-ID the link names, unconfirmed.
 */
export function questionIdentity(
	ctx: IWebhookFunctions,
	query: IDataObject,
	wait: unknown,
): QuestionIdentity {
	const remembered = typeof wait === 'string' && wait ? rememberedOf(ctx) : undefined;
	if (remembered && remembered.wait === wait && 'internetMessageId' in remembered) {
		const internetMessageId = asId(remembered.internetMessageId);
		const confirmed = internetMessageId !== null && remembered.internetMessageIdConfirmed === true;
		return { internetMessageId, internetMessageIdConfirmed: confirmed };
	}
	return {
		internetMessageId: asId(query[MESSAGE_ID_PARAMETER]),
		internetMessageIdConfirmed: false,
	};
}
