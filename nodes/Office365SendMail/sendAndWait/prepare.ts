import type { IExecuteFunctions } from 'n8n-workflow';
import { randomBytes } from 'node:crypto';

import { subjectOf } from '../message/fields';
import { InputError } from '../../shared/text/inputError';
import { readSendAndWaitConfig, type ParameterReader } from './config';
import { buildQuestionMail, WAIT_PARAMETER, type ResumeLinks } from './html';
import { sendAndWaitWaitTill } from './waitTill';

export interface SendAndWaitMessage {
	subject: string;
	/** The mail body to send with Body Content Type html. */
	html: string;
	/** The same content as plain text. */
	text: string;
	/** Pass to putExecutionToWait after the mail is sent. */
	waitTill: Date;
}

/** Functions that n8n versions differ in: present in 1.123 and 2.8, feature-checked so a later removal is no crash. */
interface ResumeUrlFunctions {
	getSignedResumeUrl?: (parameters?: Record<string, string>) => string;
	setSignatureValidationRequired?: () => void;
}

/**
 * The links in the mail. n8n signs them (HMAC over the URL, checked by its waiting-webhook handler before our
 * webhook runs), so the `approved` value cannot be changed by whoever holds a link. Without signing support the
 * unsigned resume URL ($execution.resumeUrl + the node ID, the path of our webhooks) is used.
 */
function resumeLinks(ctx: IExecuteFunctions, itemIndex: number, approval: boolean): ResumeLinks {
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
	// Each wait gets its own token: a node that asks again in the same execution (a loop) must not find its new
	// question already marked answered. Signing covers it, so a link cannot borrow another wait's token.
	const wait = randomBytes(12).toString('base64url');
	if (!approval) return { primary: url({ [WAIT_PARAMETER]: wait }) };
	return {
		primary: url({ approved: 'true', [WAIT_PARAMETER]: wait }),
		secondary: url({ approved: 'false', [WAIT_PARAMETER]: wait }),
	};
}

/**
 * Builds the question mail of "Send and Wait for Response" for one item, after checking every Send-and-Wait
 * parameter. Nothing is sent here: the caller sends `html` as the body with its usual pipeline (sender, To,
 * Allowed Senders, options), then calls `putExecutionToWait(waitTill)`.
 */
export function prepareSendAndWait(ctx: IExecuteFunctions, itemIndex: number): SendAndWaitMessage {
	const read: ParameterReader = (name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback);
	const subject = subjectOf(read('subject', '')).trim();
	if (!subject)
		throw new InputError('Subject', 'Is empty: give the mail a subject, e.g. "Approval required".');
	const config = readSendAndWaitConfig(read);
	const waitTill = sendAndWaitWaitTill(read);
	const mail = buildQuestionMail(
		config,
		resumeLinks(ctx, itemIndex, config.responseType === 'approval'),
	);
	return { subject, ...mail, waitTill };
}
