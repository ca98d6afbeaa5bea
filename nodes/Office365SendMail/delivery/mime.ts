import type { AttachmentSource } from '../message/attachments';
import { draftMessage, type GraphMessage, type MessageInput } from '../message/build';
import { InputError } from '../../shared/text/inputError';
import { buildMime, estimateEncodedSize, type MimeMessageInput } from '../message/mime';
import type { DeliveryPlan, DeliveryStep } from './plan';
import { MAX_SINGLE_REQUEST_BYTES, megabytes } from './sizes';

/** What only a MIME message can carry: Graph's JSON takes no standard headers and one body type. */
export interface MimeOptions {
	inReplyTo?: string;
	references?: string[];
	listUnsubscribe?: string[];
	listUnsubscribeOneClick?: boolean;
}

/** The MIME message of a plan, without attachments (they are read only when a request is made). */
export type MimeContent = Omit<MimeMessageInput, 'attachments'>;

function bodiesOf(input: MessageInput): Pick<MimeMessageInput, 'html' | 'text'> {
	if (input.bodyContentType === 'text') return { text: input.bodyContent };
	if (input.bodyContentType === 'html') return { html: input.bodyContent };
	return { html: input.bodyContent, text: input.textContent ?? '' };
}

/**
 * The message as MIME input, from fields message/ and the operation's readers already checked (so
 * it is not checked again). The Date is fixed here, so Dry Run and the real request carry the same
 * one.
 */
export function mimeContentOf(
	input: MessageInput,
	options: MimeOptions,
	sender: string,
	messageId: string | undefined,
): MimeContent {
	const from = input.from ?? (sender.includes('@') ? { address: sender } : undefined);
	if (!from || !messageId) {
		throw new InputError(
			'Sender',
			'HTML and Text, In-Reply-To, References and List-Unsubscribe send the message as MIME, which needs an email address for From: give Sender as an address (not an object ID) or fill in From Address.',
		);
	}
	return {
		messageId,
		subject: input.subject,
		from,
		to: input.to,
		cc: input.cc,
		bcc: input.bcc,
		replyTo: input.replyTo,
		...bodiesOf(input),
		importance: input.importance,
		headers: input.headers,
		...options,
		date: new Date(),
	};
}

/**
 * What MIME cannot say but the message resource can: categories, receipts, and
 * PidTagDeleteAfterSubmit for Save to Sent Items off (a MIME request has no saveToSentItems
 * parameter). Set on the draft with PATCH (learn.microsoft.com/graph/api/message-update), so such
 * messages take the draft path.
 */
export function draftPatchOf(input: MessageInput): GraphMessage | undefined {
	const patch: GraphMessage = draftMessage({}, input.saveToSentItems);
	if (input.categories.length) patch.categories = input.categories;
	if (input.isReadReceiptRequested !== undefined)
		patch.isReadReceiptRequested = input.isReadReceiptRequested;
	if (input.isDeliveryReceiptRequested !== undefined)
		patch.isDeliveryReceiptRequested = input.isDeliveryReceiptRequested;
	return Object.keys(patch).length ? patch : undefined;
}

/**
 * One MIME sendMail when the whole base64 MIME fits one request and nothing needs a PATCH (needs
 * only Mail.Send). Otherwise the draft is created from the MIME without attachments, patched, given
 * its attachments as on the JSON draft path, and sent (needs Mail.ReadWrite too).
 */
export function planMimeSteps(
	content: MimeContent,
	patch: GraphMessage | undefined,
	attachments: AttachmentSource[],
	attachmentSteps: (attachments: AttachmentSource[]) => DeliveryStep[],
): Pick<DeliveryPlan, 'path' | 'steps'> {
	const bare = estimateEncodedSize(content);
	if (bare > MAX_SINGLE_REQUEST_BYTES) {
		throw new InputError(
			'Body',
			`The message without attachments is about ${megabytes(bare)} as base64 MIME; Microsoft Graph accepts at most 4 MB per request, so it cannot be sent. Shorten the Body and Text Body.`,
		);
	}
	const whole = estimateEncodedSize({
		...content,
		attachments: attachments.map(({ name, contentType, size, inline, contentId }) => ({
			name,
			contentType,
			size,
			inline,
			contentId,
		})),
	});
	if (!patch && whole <= MAX_SINGLE_REQUEST_BYTES)
		return { path: 'sendMail', steps: [{ kind: 'sendMail', format: 'mime', attachments }] };
	const steps: DeliveryStep[] = [{ kind: 'createMessage', format: 'mime' }];
	if (patch) steps.push({ kind: 'patchMessage', fields: patch });
	steps.push(...attachmentSteps(attachments), { kind: 'sendDraft' });
	return { path: 'draft', steps };
}

/**
 * The base64 MIME a request carries: the whole message (sendMail) or without attachments (draft).
 */
export async function mimeBody(
	plan: DeliveryPlan,
	attachments: AttachmentSource[],
): Promise<string> {
	if (!plan.mime) throw new Error('The delivery plan has no MIME message.');
	const parts = [];
	for (const a of attachments) {
		parts.push({
			name: a.name,
			contentType: a.contentType,
			bytes: await a.readAll(),
			inline: a.inline,
			contentId: a.contentId,
		});
	}
	return (await buildMime({ ...plan.mime, attachments: parts })).base64;
}

/**
 * Graph's MIME requests: the base64 text is the body
 * (learn.microsoft.com/graph/outlook-send-mime-message).
 */
export const MIME_HEADERS: Record<string, string> = { 'Content-Type': 'text/plain' };

/**
 * Adds properties to a MIME draft's PATCH (a MIME body cannot carry them), creating the PATCH right
 * after the draft when there is none; extended property lists are joined.
 */
export function withDraftPatch(steps: DeliveryStep[], extra: GraphMessage): DeliveryStep[] {
	const at = steps.findIndex((s) => s.kind === 'patchMessage' && 'fields' in s);
	if (at < 0) {
		const created = steps.findIndex((s) => s.kind === 'createMessage' && s.format === 'mime');
		if (created < 0) return steps;
		return [
			...steps.slice(0, created + 1),
			{ kind: 'patchMessage', fields: extra },
			...steps.slice(created + 1),
		];
	}
	const patch = steps[at] as { kind: 'patchMessage'; fields: GraphMessage };
	const props = [patch.fields, extra].flatMap(
		(b) => (b.singleValueExtendedProperties as unknown[] | undefined) ?? [],
	);
	const fields = { ...patch.fields, ...extra, singleValueExtendedProperties: props };
	return steps.map((s, i) => (i === at ? { kind: 'patchMessage', fields } : s));
}
