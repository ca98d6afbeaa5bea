/**
 * Just enough RFC 5322 header parsing to record a MIME sendMail (reference §1.5) in the outbox: subject, addresses
 * and X- headers. MIME parts (attachments) are not itemised.
 */
import type { InternetMessageHeader } from './types';

export interface ParsedMime {
	message: Record<string, unknown>;
	customHeaders: InternetMessageHeader[];
}

function unfoldHeaders(text: string): { name: string; value: string }[] {
	const end = text.search(/\r?\n\r?\n/);
	const block = end >= 0 ? text.slice(0, end) : text;
	const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
	const headers: { name: string; value: string }[] = [];
	for (const line of unfolded.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
	}
	return headers;
}

/** Splits an address list on commas outside quotes and angle brackets. */
function splitAddressList(value: string): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;
	for (const ch of value) {
		if (ch === '"') quoted = !quoted;
		else if (ch === '<' && !quoted) angle = true;
		else if (ch === '>' && !quoted) angle = false;
		if (ch === ',' && !quoted && !angle) {
			out.push(current);
			current = '';
		} else {
			current += ch;
		}
	}
	out.push(current);
	return out.map((s) => s.trim()).filter((s) => s !== '');
}

function toRecipient(entry: string): { emailAddress: { address: string; name?: string } } {
	const m = /^(.*)<([^>]*)>\s*$/.exec(entry);
	if (!m) return { emailAddress: { address: entry } };
	const name = m[1].trim().replace(/^"(.*)"$/, '$1');
	return { emailAddress: name ? { address: m[2].trim(), name } : { address: m[2].trim() } };
}

export function parseMimeMessage(text: string): ParsedMime {
	const headers = unfoldHeaders(text);
	const get = (name: string): string[] =>
		headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
	const list = (name: string): ReturnType<typeof toRecipient>[] =>
		get(name).flatMap(splitAddressList).map(toRecipient);
	const message: Record<string, unknown> = {
		subject: get('subject')[0] ?? '',
		toRecipients: list('to'),
		ccRecipients: list('cc'),
		bccRecipients: list('bcc'),
	};
	const from = list('from')[0];
	if (from) message.from = from;
	return {
		message,
		customHeaders: headers
			.filter((h) => /^x-/i.test(h.name))
			.map((h) => ({ name: h.name, value: h.value })),
	};
}
