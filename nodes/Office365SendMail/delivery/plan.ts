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
 * One step of delivering a message: the sender executes these in order (delivery/execute.ts) and Dry Run renders
 * them (delivery/render.ts). A new operation (reply, draft only, scheduled send) adds step kinds here and one
 * executor and renderer each, not another copy of the sequence.
 */
export type DeliveryStep =
	| { kind: 'sendMail'; attachments: AttachmentSource[] }
	| { kind: 'createDraft' }
	| { kind: 'addAttachment'; source: AttachmentSource }
	| { kind: 'uploadAttachment'; source: AttachmentSource }
	| { kind: 'sendDraft' }
	| { kind: 'sendMime'; attachments: AttachmentSource[] }
	| { kind: 'createDraftMime' }
	| { kind: 'patchDraft'; body: GraphMessage }
	// Reply: Graph's reply/replyAll action, or a reply draft (createReply/createReplyAll) for large attachments.
	// `quote`: the new content goes above the quoted original (delivery/replyQuote.ts) instead of replacing it.
	| { kind: 'reply'; target: ReplyTarget; attachments: AttachmentSource[]; quote?: boolean }
	| { kind: 'createReply'; target: ReplyTarget; quote?: boolean }
	| { kind: 'prependReply' }
	// Create Draft: the draft stays in Drafts and its identity is the result (delivery/schedule.ts).
	| { kind: 'keepDraft' }
	// Confirm Message-ID (delivery/confirm.ts): may the app read Sent Items, then find the sent copy by its marker.
	| { kind: 'checkSentAccess'; marker: string }
	| { kind: 'findSent'; marker: string; waitMs: number };

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
	/** The Message-ID the node stamps on the message (delivery/identity.ts), when it could make one. */
	messageId?: string;
	/** Set when the message goes as MIME (delivery/mime.ts); `message` then only names it (errors, retry ledger). */
	mime?: MimeContent;
	/** The value of the package's marker property on the message (delivery/findSent.ts), when it carries one. */
	marker?: string;
}

/** How the message is identified and, for MIME, written; without it the plan is the plain JSON one. */
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
 * A file goes through an upload session when it is 3 MB or more, or when its base64 JSON would not fit one request
 * (a file just under 3 MB becomes more than 4 MB of base64).
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
 * One sendMail call when the whole request fits (needs only Mail.Send); otherwise a draft with attachments added
 * directly or through upload sessions, then send (needs Mail.ReadWrite too).
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
		return { ...plan, path: 'sendMail', steps: [{ kind: 'sendMail', attachments }] };
	const steps: DeliveryStep[] = [{ kind: 'createDraft' }, ...attachmentSteps(attachments)];
	steps.push({ kind: 'sendDraft' });
	return { ...plan, path: 'draft', steps };
}

/** Attachments of a draft: small ones in one request each, the others through upload sessions. */
export function attachmentSteps(attachments: AttachmentSource[]): DeliveryStep[] {
	const steps: DeliveryStep[] = [];
	for (const source of attachments.filter((a) => !needsUploadSession(a)))
		steps.push({ kind: 'addAttachment', source });
	for (const source of attachments.filter(needsUploadSession))
		steps.push({ kind: 'uploadAttachment', source });
	return steps;
}

/** How each attachment travels, in the order the item lists them. */
export function attachmentSummaries(
	plan: DeliveryPlan,
	attachments: AttachmentSource[],
): AttachmentSummary[] {
	const uploaded = new Set(
		plan.steps.flatMap((s) => (s.kind === 'uploadAttachment' ? [s.source] : [])),
	);
	return attachments.map((a) => ({
		name: a.name,
		size: a.size,
		contentType: a.contentType,
		inline: a.inline,
		via: uploaded.has(a) ? 'uploadSession' : 'request',
	}));
}
