import type { GraphMessage } from '../message/build';
import { formatRecipient, type Recipient } from '../../shared/address/recipients';
import { escapeHtml } from '../sendAndWait/html';
import type { DeliveryPlan } from './plan';
import type { ReplyTarget } from './replyTarget';

/**
 * Replies that keep the conversation, as Outlook does: the new text above the quoted original.
 * Graph's reply actions put a `comment` (HTML allowed) above the quoted original, while
 * `message.body` replaces the whole body ("Specify either a comment or the body property of the
 * message parameter", learn.microsoft.com/graph/api /message-reply; dust-tt/dust#18291).
 * createReply's draft already holds the quoted original, so the new content is put above it
 * (learn.microsoft.com/graph/api/message-createreply).
 */

type Body = { contentType?: unknown; content?: unknown };

/**
 * The reply's own content as HTML: the quoted original is HTML, so a Text reply is escaped, line
 * breaks kept.
 */
export function replyHtml(message: GraphMessage): string {
	const body = (message.body ?? {}) as Body;
	const content = typeof body.content === 'string' ? body.content : '';
	if (String(body.contentType).toLowerCase() === 'html') return content;
	return escapeHtml(content).replace(/\r?\n/g, '<br>');
}

/** The message properties without the body, which would replace the quoted original. */
export function withoutBody(message: GraphMessage): GraphMessage {
	const rest = { ...message };
	delete rest.body;
	return rest;
}

/**
 * `reply`/`replyAll` with the new content as `comment`, the other properties (CC, BCC, attachments)
 * in `message`.
 */
export function quotingReplyBody(
	message: GraphMessage,
	attachments: Record<string, unknown>[],
): Record<string, unknown> {
	const rest = withoutBody(message);
	const full = attachments.length ? { ...rest, attachments } : rest;
	return { comment: replyHtml(message), message: full };
}

/**
 * Puts `html` at the top of an HTML body: right after `<body …>` when there is one, else in front.
 */
export function prependHtml(html: string, quoted: string): string {
	const bodyTag = /<body\b[^>]*>/i.exec(quoted);
	const block = `<div>${html}</div>`;
	if (!bodyTag) return `${block}${quoted}`;
	const at = bodyTag.index + bodyTag[0].length;
	return `${quoted.slice(0, at)}${block}${quoted.slice(at)}`;
}

type Listed = { emailAddress?: { address?: unknown; name?: unknown } }[] | undefined;

function listOf(value: unknown): Recipient[] {
	if (!Array.isArray(value)) return [];
	return (value as NonNullable<Listed>).flatMap((r) => {
		const address = r?.emailAddress?.address;
		if (typeof address !== 'string' || !address) return [];
		const name = r.emailAddress?.name;
		return [typeof name === 'string' && name ? { address, name } : { address }];
	});
}

/**
 * Who gets a reply sent with Graph's reply action, derived from the original as Outlook derives it:
 * To is the original's Reply-To, else its sender; Reply to All adds its To (to To) and CC (to CC),
 * never the replying mailbox and never twice (learn.microsoft.com/graph/api/message-reply, "per RFC
 * 2822"; RFC 5322 §3.6.3).
 */
export function derivedAddressing(
	original: Record<string, unknown>,
	replyAll: boolean,
	self: string[],
) {
	const seen = new Set(self.map((a) => a.toLowerCase()));
	const keep = (list: Recipient[]) =>
		list.filter((r) => {
			const key = r.address.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
	const replyTo = listOf(original.replyTo);
	const to = keep(replyTo.length ? replyTo : listOf([original.from]));
	if (!replyAll) return { to, cc: [] as Recipient[] };
	return {
		to: [...to, ...keep(listOf(original.toRecipients))],
		cc: keep(listOf(original.ccRecipients)),
	};
}

/** "RE: " once, as Outlook prefixes reply subjects. */
export function replySubject(subject: unknown): string {
	const text = typeof subject === 'string' ? subject : '';
	return /^re:\s/i.test(text) ? text : `RE: ${text}`;
}

/**
 * The addressing of a one-request reply as the output shows it: derived recipients plus the item's
 * CC and BCC.
 */
export function oneRequestAddressing(
	original: Record<string, unknown>,
	target: ReplyTarget,
	plan: DeliveryPlan,
) {
	const self = [plan.sender, ...listOf([(plan.message as { from?: unknown }).from])].map((a) =>
		typeof a === 'string' ? a : a.address,
	);
	const derived = derivedAddressing(original, target.replyAll, self);
	const added = (key: 'ccRecipients' | 'bccRecipients') => listOf(plan.message[key]);
	return {
		toRecipients: derived.to.map(formatRecipient),
		ccRecipients: [...derived.cc, ...added('ccRecipients')].map(formatRecipient),
		bccRecipients: added('bccRecipients').map(formatRecipient),
		subject: replySubject(original.subject),
	};
}
