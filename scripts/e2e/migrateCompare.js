'use strict';
/**
 * "The same message": what n8n's Send Email handed to the SMTP server versus what the converted
 * Office 365 Send Mail node handed to Microsoft Graph (the simulator's outbox), field by field.
 */
const crypto = require('node:crypto');

const lower = (s) => String(s || '').toLowerCase();
const norm = (s) =>
	String(s || '')
		.replace(/\r\n/g, '\n')
		.trimEnd();
const addr = (a) => `${a.name ? `${a.name} ` : ''}<${lower(a.address)}>`;
const list = (xs) => (xs || []).map(addr).sort();
const fromGraph = (rs) => (rs || []).map((r) => r.emailAddress || {});
const fromParsed = (field) => (field ? [].concat(field).flatMap((f) => f.value || []) : []);

/**
 * Which body parts the raw MIME text really has (mailparser derives a text body from HTML-only
 * mail).
 */
function partsOf(raw) {
	const text = raw.toString('latin1');
	return {
		html: /^content-type:\s*text\/html/im.test(text),
		text: /^content-type:\s*text\/plain/im.test(text),
	};
}

/**
 * The SMTP message as comparable fields; Bcc only exists in the envelope (nodemailer leaves the
 * header out).
 */
function smtpView(captured) {
	const p = captured.parsed;
	const parts = partsOf(captured.raw);
	const to = fromParsed(p.to);
	const cc = fromParsed(p.cc);
	const shown = new Set([...to, ...cc].map((a) => lower(a.address)));
	const html = parts.html ? p.html : null;
	return {
		from: fromParsed(p.from).map(addr),
		to: list(to),
		cc: list(cc),
		bcc: captured.envelope.to
			.map(lower)
			.filter((a) => !shown.has(a))
			.sort(),
		replyTo: list(fromParsed(p.replyTo)),
		subject: p.subject,
		html: html === null ? null : norm(html),
		text: parts.text ? norm(p.text) : null,
		attachments: (p.attachments || [])
			.map((a) => ({
				name: a.filename,
				type: a.contentType,
				sha256: crypto.createHash('sha256').update(a.content).digest('hex'),
				// Send Email v2 gave each attachment a content ID; it is inline only where the HTML uses
				// it.
				inlineAs: a.cid && html && html.includes(`cid:${a.cid}`) ? a.cid : null,
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

/**
 * The bodies Graph received. A MIME message with a multipart/alternative part (HTML and Text) is
 * recorded with `message.body` = the HTML and both parts under `mime`; otherwise `message.body` is
 * the one body sent.
 */
function bodiesOf(delivered) {
	const mime = delivered.mime;
	if (mime && mime.alternative)
		return { html: norm(mime.html), text: typeof mime.text === 'string' ? norm(mime.text) : null };
	const body = (delivered.message || {}).body || {};
	if (!body.contentType) return { html: null, text: null };
	const isHtml = lower(body.contentType) === 'html';
	return { html: isHtml ? norm(body.content) : null, text: isHtml ? null : norm(body.content) };
}

/** The simulator's outbox entry (Graph message JSON + itemised attachments) as the same fields. */
function graphView(delivered) {
	const m = delivered.message || {};
	const { html, text } = bodiesOf(delivered);
	return {
		// Without `from` Graph sends as the mailbox itself
		// (learn.microsoft.com/graph/api/user-sendmail).
		from: [addr(m.from ? m.from.emailAddress || {} : { address: delivered.mailbox })],
		to: list(fromGraph(m.toRecipients)),
		cc: list(fromGraph(m.ccRecipients)),
		bcc: fromGraph(m.bccRecipients)
			.map((a) => lower(a.address))
			.sort(),
		replyTo: list(fromGraph(m.replyTo)),
		subject: m.subject,
		html,
		text,
		attachments: (delivered.attachments || [])
			.map((a) => ({
				name: a.name,
				type: a.contentType,
				sha256: a.sha256,
				inlineAs: a.isInline ? a.contentId || null : null,
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

const FIELDS = ['from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'html', 'text', 'attachments'];

/**
 * Differences between the two views, one line each; expected attachment hashes are checked on both
 * sides.
 */
function compareMessages(smtp, graph, expectedSha) {
	const diffs = [];
	for (const f of FIELDS) {
		const a = JSON.stringify(smtp[f]);
		const b = JSON.stringify(graph[f]);
		if (a !== b) diffs.push(`${f}: SMTP ${a} ≠ Graph ${b}`);
	}
	for (const [side, view] of [
		['SMTP', smtp],
		['Graph', graph],
	])
		for (const a of view.attachments)
			if (!expectedSha.has(a.sha256))
				diffs.push(
					`${side} attachment ${a.name}: sha256 ${a.sha256} is not what the Code node made`,
				);
	return diffs;
}

function summary(view) {
	const body = [view.html !== null ? 'html' : '', view.text !== null ? 'text' : '']
		.filter(Boolean)
		.join('+');
	const atts = view.attachments
		.map((a) => `${a.name}${a.inlineAs ? `(cid:${a.inlineAs})` : ''}`)
		.join(', ');
	return `${body}; to ${view.to.length}, cc ${view.cc.length}, bcc ${view.bcc.length}, reply-to ${view.replyTo.length}; attachments ${atts || '-'}`;
}

module.exports = { smtpView, graphView, compareMessages, summary };
