import { InputError } from '../../shared/text/inputError';
import type { AttachmentSource } from '../message/attachments';
import { UPLOAD_SESSION_MIN_BYTES } from '../message/limits';
import {
	draftMessage,
	fileAttachmentJson,
	sendMailBody,
	type GraphMessage,
} from '../message/build';
import { planMimeSteps, type MimeContent } from './mime';
import {
	attachmentJsonBytes,
	jsonBytes,
	MAX_MESSAGE_BYTES,
	MAX_SINGLE_REQUEST_BYTES,
	megabytes,
	sendMailJsonBytes,
} from './sizes';
import type { ReplyTarget } from './replyTarget';

/**
 * One step of delivering a message, named after the Graph call it makes (never after an operation
 * of the node). Each kind has one module in delivery/requests/ that describes its requests (method,
 * URL, headers, body, replay safety); the real run (delivery/execute.ts) sends those descriptions
 * and Dry Run (delivery/render.ts) shows them.
 */
export type DeliveryStep =
	// POST /users/{id}/sendMail, with the JSON message or the base64 MIME message as body.
	| { kind: 'sendMail'; format: 'json' | 'mime'; attachments: AttachmentSource[] }
	// POST /users/{id}/messages: a draft, from JSON or from MIME without attachments.
	| { kind: 'createMessage'; format: 'json' | 'mime' }
	| { kind: 'addAttachment'; source: AttachmentSource }
	// createUploadSession on the draft, then the file in ranges to the upload URL.
	| { kind: 'uploadSession'; source: AttachmentSource }
	// PATCH of the draft: `fields` to set, or the new content above the quoted original of a reply
	// draft.
	| { kind: 'patchMessage'; fields: GraphMessage }
	| { kind: 'patchMessage'; aboveQuoted: true }
	| { kind: 'sendDraft' }
	// reply/replyAll on the message answered (one request). `quote`: the new content goes above the
	// quoted original (delivery/replyQuote.ts) instead of replacing it.
	| {
			kind: 'messageAction';
			action: 'reply' | 'replyAll';
			target: ReplyTarget;
			attachments: AttachmentSource[];
			quote?: boolean;
	  }
	// createReply/createReplyAll: a draft that holds the quoted original, for large attachments.
	| {
			kind: 'createActionDraft';
			action: 'createReply' | 'createReplyAll';
			target: ReplyTarget;
			quote?: boolean;
	  }
	// No request: the draft stays in Drafts and its identity is the result (delivery/schedule.ts).
	| { kind: 'keepDraft' }
	// GET of the marked message in Sent Items (delivery/confirm.ts): once before the send, as a
	// permission probe, or after it, repeated until the sent copy is found or `waitMs` has passed.
	| { kind: 'listMessages'; role: 'probe'; marker: string }
	| { kind: 'listMessages'; role: 'findSent'; marker: string; waitMs: number };

export type StepOf<K extends DeliveryStep['kind']> = Extract<DeliveryStep, { kind: K }>;

export interface DeliveryPlan {
	sender: string;
	/** The Graph `message` resource without attachments. */
	message: GraphMessage;
	saveToSentItems: boolean;
	/** 'draft' needs Mail.ReadWrite besides Mail.Send. */
	path: 'sendMail' | 'draft';
	steps: DeliveryStep[];
	/** Scheduled send: the UTC time Exchange holds the draft until (delivery/schedule.ts). */
	sendAt?: string;
	/**
	 * The Message-ID the node stamps on the message (delivery/identity.ts), when it could make one.
	 */
	messageId?: string;
	/**
	 * Set when the message goes as MIME (delivery/mime.ts); `message` then only names it (errors,
	 * retry ledger).
	 */
	mime?: MimeContent;
	/**
	 * The value of the package's marker property on the message (delivery/findSent.ts), when it
	 * carries one.
	 */
	marker?: string;
}

/** What the output's `status` says the plan did once it ran. */
export function statusOf(plan: DeliveryPlan): 'sent' | 'draft' | 'scheduled' {
	if (plan.steps.some((s) => s.kind === 'keepDraft')) return 'draft';
	return plan.sendAt ? 'scheduled' : 'sent';
}

/**
 * How the message is identified and, for MIME, written; without it the plan is the plain JSON one.
 */
export interface PlanIdentity {
	messageId?: string;
	mime?: MimeContent;
	/** Message properties MIME cannot carry, set on the MIME draft with PATCH. */
	patch?: GraphMessage;
}

/** A type, not an interface, so that it is a plain JSON object for n8n's output items. */
export type AttachmentSummary = {
	name: string;
	size: number;
	contentType: string;
	inline: boolean;
	via: 'request' | 'uploadSession';
};

/**
 * A file goes through an upload session when it is 3 MB or more, or when its base64 JSON would not
 * fit one request (a file just under 3 MB becomes more than 4 MB of base64).
 */
export function needsUploadSession(source: AttachmentSource): boolean {
	return (
		source.size >= UPLOAD_SESSION_MIN_BYTES ||
		attachmentJsonBytes(source) > MAX_SINGLE_REQUEST_BYTES
	);
}

/** Refuses, before any request, what no sequence of requests could deliver. */
export function checkSizes(draft: GraphMessage, attachments: AttachmentSource[]): void {
	const draftBytes = jsonBytes(draft);
	if (draftBytes > MAX_SINGLE_REQUEST_BYTES) {
		throw new InputError(
			'Body',
			`The message without attachments is ${megabytes(draftBytes)} as JSON; Microsoft Graph accepts at most 4 MB per request, so it cannot be sent. Shorten the Body (for example, move large content or embedded images into attachments).`,
		);
	}
	const total = attachments.reduce((sum, a) => sum + a.size, 0);
	if (total > MAX_MESSAGE_BYTES) {
		throw new InputError(
			attachments.some((a) => a.inline) ? 'Attachments / Inline Images' : 'Attachments',
			`The attachments add up to ${megabytes(total)}; Exchange Online accepts at most 150 MB per message, whatever the mailbox's MaxSendSize. Send them over several messages or share links instead.`,
		);
	}
}

/**
 * One sendMail call when the whole request fits (needs only Mail.Send); otherwise a draft with
 * attachments added directly or through upload sessions, then send (needs Mail.ReadWrite too).
 */
export function planDelivery(
	sender: string,
	message: GraphMessage,
	saveToSentItems: boolean,
	attachments: AttachmentSource[],
	identity: PlanIdentity = {},
): DeliveryPlan {
	checkSizes(draftMessage(message, saveToSentItems), attachments);
	const { messageId, mime, patch } = identity;
	const plan = { sender, message, saveToSentItems, ...(messageId ? { messageId } : {}) };
	if (mime) return { ...plan, mime, ...planMimeSteps(mime, patch, attachments, attachmentSteps) };
	const shell = sendMailBody(
		message,
		saveToSentItems,
		attachments.map((a) => fileAttachmentJson(a, Buffer.alloc(0))),
	);
	const fits = sendMailJsonBytes(shell, attachments) <= MAX_SINGLE_REQUEST_BYTES;
	if (fits && !attachments.some(needsUploadSession))
		return {
			...plan,
			path: 'sendMail',
			steps: [{ kind: 'sendMail', format: 'json', attachments }],
		};
	const steps: DeliveryStep[] = [
		{ kind: 'createMessage', format: 'json' },
		...attachmentSteps(attachments),
	];
	steps.push({ kind: 'sendDraft' });
	return { ...plan, path: 'draft', steps };
}

/** Attachments of a draft: small ones in one request each, the others through upload sessions. */
export function attachmentSteps(attachments: AttachmentSource[]): DeliveryStep[] {
	const steps: DeliveryStep[] = [];
	for (const source of attachments.filter((a) => !needsUploadSession(a)))
		steps.push({ kind: 'addAttachment', source });
	for (const source of attachments.filter(needsUploadSession))
		steps.push({ kind: 'uploadSession', source });
	return steps;
}

/** How each attachment travels, in the order the item lists them. */
export function attachmentSummaries(
	plan: DeliveryPlan,
	attachments: AttachmentSource[],
): AttachmentSummary[] {
	const uploaded = new Set(
		plan.steps.flatMap((s) => (s.kind === 'uploadSession' ? [s.source] : [])),
	);
	return attachments.map((a) => ({
		name: a.name,
		size: a.size,
		contentType: a.contentType,
		inline: a.inline,
		via: uploaded.has(a) ? 'uploadSession' : 'request',
	}));
}
