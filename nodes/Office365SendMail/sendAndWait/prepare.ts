import type { IExecuteFunctions } from 'n8n-workflow';
import { randomBytes } from 'node:crypto';

import { subjectOf } from '../message/fields';
import { InputError } from '../../shared/text/inputError';
import { readSendAndWaitConfig, type ParameterReader, type SendAndWaitConfig } from './config';
import { buildQuestionMail, WAIT_PARAMETER, type ResumeLinks } from './html';
import { MESSAGE_ID_PARAMETER } from './identity';
import { sendAndWaitWaitTill } from './waitTill';

export interface SendAndWaitMessage {
	subject: string;
	/** The mail body to send with Body Content Type html. */
	html: string;
	/** The same content as plain text. */
	text: string;
	/** Pass to putExecutionToWait after the mail is sent. */
	waitTill: Date;
	/** The token of this wait in the links (one per question mail). */
	wait: string;
}

/**
 * Functions that n8n versions differ in: present in 1.123 and 2.8, feature-checked so a later
 * removal is no crash.
 */
interface ResumeUrlFunctions {
	getSignedResumeUrl?: (parameters?: Record<string, string>) => string;
	setSignatureValidationRequired?: () => void;
}

/**
 * The links in the mail. n8n signs them (HMAC over the URL, checked by its waiting-webhook handler
 * before our webhook runs), so the `approved` value cannot be changed by whoever holds a link.
 * Without signing support the unsigned resume URL ($execution.resumeUrl + the node ID, the path of
 * our webhooks) is used.
 */
function resumeLinks(
	ctx: IExecuteFunctions,
	itemIndex: number,
	approval: boolean,
	messageId?: string,
): ResumeLinks & { wait: string } {
	const fns = ctx as unknown as ResumeUrlFunctions;
	let url: (params: Record<string, string>) => string;
	if (typeof fns.getSignedResumeUrl === 'function') {
		fns.setSignatureValidationRequired?.call(ctx);
		url = (params) => fns.getSignedResumeUrl!.call(ctx, params);
	} else {
		const base = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex));
		url = (params) => {
			const u = new URL(`${base}/${ctx.getNode().id}`);
			for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
			return u.toString();
		};
	}
	// Each wait gets its own token: a node that asks again in the same execution (a loop) must not
	// find its new question already marked answered. Signing covers it, so a link cannot borrow
	// another wait's token.
	const wait = randomBytes(12).toString('base64url');
	// The mail's own Message-ID, for the answered item (sendAndWait/identity.ts); signed with the
	// rest.
	const common = {
		[WAIT_PARAMETER]: wait,
		...(messageId ? { [MESSAGE_ID_PARAMETER]: messageId } : {}),
	};
	if (!approval) return { wait, primary: url(common) };
	return {
		wait,
		primary: url({ approved: 'true', ...common }),
		secondary: url({ approved: 'false', ...common }),
	};
}

/**
 * The question's parameters, checked (Subject, the question, Limit Wait Time) before anything is
 * built.
 */
export interface CheckedQuestion {
	subject: string;
	config: SendAndWaitConfig;
	waitTill: Date;
}

export function checkQuestion(ctx: IExecuteFunctions, itemIndex: number): CheckedQuestion {
	const read: ParameterReader = (name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback);
	const subject = subjectOf(read('subject', '')).trim();
	if (!subject)
		throw new InputError('Subject', 'Is empty: give the mail a subject, e.g. "Approval required".');
	return { subject, config: readSendAndWaitConfig(read), waitTill: sendAndWaitWaitTill(read) };
}

/**
 * The question mail of a checked question; its links name `messageId`, the ID the mail will be
 * stamped with.
 */
export function questionMail(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ subject, config, waitTill }: CheckedQuestion,
	messageId?: string,
): SendAndWaitMessage {
	const links = resumeLinks(ctx, itemIndex, config.responseType === 'approval', messageId);
	return { subject, ...buildQuestionMail(config, links), waitTill, wait: links.wait };
}

/**
 * Builds the question mail of "Send and Wait for Response" for one item, after checking every
 * Send-and-Wait parameter. Nothing is sent here: the caller sends `html` as the body with its usual
 * pipeline (sender, To, Allowed Senders, options), stamped with `messageId`, then calls
 * `putExecutionToWait(waitTill)`.
 */
export function prepareSendAndWait(
	ctx: IExecuteFunctions,
	itemIndex: number,
	messageId?: string,
): SendAndWaitMessage {
	return questionMail(ctx, itemIndex, checkQuestion(ctx, itemIndex), messageId);
}
