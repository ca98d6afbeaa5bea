/**
 * The outbox as a page for people (GET /_sim/outbox): newest first, with bodies, Reply-To,
 * Importance, headers and downloadable attachments (GET
 * /_sim/outbox/attachment?m={requestId}&a={index}); below them the Drafts folders, held Send At
 * messages included; it reloads itself every few seconds. Message HTML is shown in a sandboxed
 * iframe (no scripts, no same-origin), so a workflow's HTML cannot act on this page; inline images
 * (cid:) are put in as data: URIs. Nothing here leaves this machine.
 */
import type { DraftView } from './draftsView';
import { emptyResponse, jsonResponse, type SimResponse } from './http';
import type { DeliveredAttachment, DeliveredMessage } from './types';

const REFRESH_SECONDS = 5;

export function escapeHtml(value: unknown): string {
	const text =
		typeof value === 'string'
			? value
			: typeof value === 'number' || typeof value === 'boolean'
				? String(value)
				: '';
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

interface WireRecipient {
	emailAddress?: { address?: unknown; name?: unknown };
}

function recipientList(list: unknown): string {
	if (!Array.isArray(list) || list.length === 0) return '';
	return (list as WireRecipient[])
		.map((r) => {
			const name = r.emailAddress?.name;
			const address = r.emailAddress?.address;
			return name ? `${escapeHtml(name)} &lt;${escapeHtml(address)}&gt;` : escapeHtml(address);
		})
		.join(', ');
}

/**
 * `cid:` references of the HTML replaced by the inline image's bytes (kept up to 256 KiB) as a
 * data: URI.
 */
function withInlineImages(html: string, attachments: DeliveredAttachment[]): string {
	return html.replace(/cid:([^"'\s)>]+)/gi, (ref: string, id: string) => {
		const wanted = decodeURIComponent(id).replace(/^<|>$/g, '').toLowerCase();
		const image = attachments.find(
			(a) => a.isInline && (a.contentId ?? '').replace(/^<|>$/g, '').toLowerCase() === wanted,
		);
		if (!image?.bytes || !/^image\//i.test(image.contentType ?? '')) return ref;
		return `data:${image.contentType};base64,${image.bytes.toString('base64')}`;
	});
}

function bodyHtml(msg: Record<string, unknown>, attachments: DeliveredAttachment[] = []): string {
	const body = (msg.body ?? {}) as { contentType?: unknown; content?: unknown };
	const content = typeof body.content === 'string' ? body.content : '';
	if (content === '') return '<em>(no body)</em>';
	if (String(body.contentType).toLowerCase() === 'html') {
		const html = withInlineImages(content, attachments);
		return `<iframe sandbox title="message body" srcdoc="${escapeHtml(html)}"></iframe>`;
	}
	return `<pre>${escapeHtml(content)}</pre>`;
}

/** To, Cc, Bcc, Reply-To and Importance lines (the last two only when set). */
function addressingHtml(msg: Record<string, unknown>): string {
	const lines = [
		`To: ${recipientList(msg.toRecipients)}`,
		`Cc: ${recipientList(msg.ccRecipients)}`,
		`Bcc: ${recipientList(msg.bccRecipients)}`,
	];
	const replyTo = recipientList(msg.replyTo);
	if (replyTo) lines.push(`Reply-To: ${replyTo}`);
	if (typeof msg.importance === 'string') lines.push(`Importance: ${escapeHtml(msg.importance)}`);
	return lines.join('<br>');
}

function attachmentsHtml(m: DeliveredMessage): string {
	return m.attachments
		.map((a, i) => {
			const label = `${escapeHtml(a.name)} (${a.size} bytes${a.isInline ? ', inline' : ''})`;
			const link = a.bytes
				? `<a href="outbox/attachment?m=${encodeURIComponent(m.requestId)}&amp;a=${i}" download>${label}</a>`
				: `${label} <small>bytes not kept (over 256 KiB); sha256 <code>${escapeHtml(a.sha256)}</code></small>`;
			return `<li>${link}</li>`;
		})
		.join('');
}

function messageHtml(m: DeliveredMessage): string {
	const msg = (m.message ?? {}) as Record<string, unknown>;
	const from = msg.from ? recipientList([msg.from]) : escapeHtml(m.mailbox);
	const headers = m.internetMessageHeaders
		.map((h) => `${escapeHtml(h.name)}: ${escapeHtml(h.value)}`)
		.join('<br>');
	const copy = m.saveToSentItems ? 'Sent Items copy kept' : 'no Sent Items copy';
	return `<article>
<h2>${escapeHtml(msg.subject) || '<em>(no subject)</em>'}</h2>
<p class="meta">${escapeHtml(m.deliveredAt)} · from ${from} · mailbox ${escapeHtml(m.mailbox)} via ${escapeHtml(m.via)} · ${copy}</p>
<p>${addressingHtml(msg)}${headers ? `<br>${headers}` : ''}</p>
${bodyHtml(msg, m.attachments)}
${m.attachments.length ? `<ul>${attachmentsHtml(m)}</ul>` : ''}
</article>`;
}

/** A draft, or a message Exchange holds until its Send At time (it stays in Drafts until then). */
function draftHtml(d: DraftView): string {
	const state = d.scheduledFor
		? `<strong>held: goes out at ${escapeHtml(d.scheduledFor)}</strong>`
		: '<strong>draft</strong>';
	const files = d.attachments
		.map((a) => `<li>${escapeHtml(a.name)} (${a.size} bytes${a.isInline ? ', inline' : ''})</li>`)
		.join('');
	return `<article class="draft">
<h2>${escapeHtml(d.subject) || '<em>(no subject)</em>'}</h2>
<p class="meta">${state} · created ${escapeHtml(d.createdDateTime)} · mailbox ${escapeHtml(d.mailbox)}</p>
<p>${addressingHtml(d.message)}</p>
${bodyHtml(d.message)}
${files ? `<ul>${files}</ul>` : ''}
</article>`;
}

export function outboxPage(outbox: DeliveredMessage[], drafts: DraftView[] = []): SimResponse {
	const newestFirst = [...outbox].reverse().map(messageHtml).join('\n');
	const held = drafts.filter((d) => d.scheduledFor).length;
	const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>M365 simulator outbox (${outbox.length})</title>
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<style>body{font-family:sans-serif;margin:1.5rem;max-width:70rem}article{border:1px solid #ccc;border-radius:4px;padding:.2rem 1rem;margin:1rem 0}article.draft{border-style:dashed}.meta{color:#555;font-size:.9em}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}iframe{width:100%;height:16rem;border:1px solid #ddd}code{font-size:.8em}</style>
</head><body>
<h1>M365 simulator outbox</h1>
<p>${outbox.length} delivered message(s), newest first. This page reloads every ${REFRESH_SECONDS} s. Nothing here leaves this machine.</p>
${newestFirst}
<h1 id="drafts">Drafts</h1>
<p>${drafts.length} in Drafts folders (${held} held until their Send At time), oldest first.</p>
${drafts.map(draftHtml).join('\n')}
</body></html>
`;
	return {
		status: 200,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
		body: html,
	};
}

/**
 * One attachment's bytes, as a download (always octet-stream, so nothing renders on this origin).
 */
export function attachmentDownload(
	outbox: DeliveredMessage[],
	query: URLSearchParams,
): SimResponse {
	const message = outbox.find((m) => m.requestId === query.get('m'));
	const attachment = message?.attachments[Number(query.get('a'))];
	if (!attachment) return jsonResponse(404, { error: 'no such message or attachment' });
	if (!attachment.bytes)
		return jsonResponse(410, { error: 'bytes of attachments over 256 KiB are not kept' });
	return {
		...emptyResponse(200, {
			'Content-Type': 'application/octet-stream',
			'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
			'Cache-Control': 'no-store',
		}),
		body: attachment.bytes,
	};
}
