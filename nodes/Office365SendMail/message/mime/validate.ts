import { excerpt } from '../../../shared/text/headerSafe';
import { InputError } from '../../../shared/text/inputError';
import { assertCustomHeaderName, assertOneLine, checkUnsubscribeUris } from './guards';
import { isContentId, isMediaType } from '../attachments';
import { messageIdListOf, messageIdOf } from '../messageId';
import type { MimeAddress, MimeAttachment, MimeMessageInput } from './types';

function checkAddress(a: MimeAddress, field: string): MimeAddress {
	const address = assertOneLine(a?.address ?? '', field).trim();
	if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) {
		throw new InputError(
			field,
			`${excerpt(address, 254)} is not an email address like name@contoso.com.`,
		);
	}
	const name = a.name === undefined ? undefined : assertOneLine(a.name, field);
	return name ? { address, name } : { address };
}

function checkAttachment(a: MimeAttachment, i: number): MimeAttachment {
	const field = a.inline ? 'Inline Images' : 'Attachments';
	const name = assertOneLine(a.name ?? '', field);
	if (!name.trim()) throw new InputError(field, `Attachment ${i + 1} has no file name.`);
	if (!isMediaType(assertOneLine(a.contentType ?? '', field))) {
		throw new InputError(field, `"${name}": "${a.contentType}" is not a MIME type like image/png.`);
	}
	if (!a.bytes === !a.stream) {
		throw new InputError(field, `"${name}": give either the bytes or a stream.`);
	}
	if (a.stream && !(Number.isSafeInteger(a.size) && (a.size as number) >= 0)) {
		throw new InputError(field, `"${name}": a streamed attachment must state its size.`);
	}
	if (a.contentId !== undefined && !isContentId(assertOneLine(a.contentId, field))) {
		throw new InputError(
			field,
			`"${name}": content ID ${excerpt(a.contentId)} must be one line without < or >.`,
		);
	}
	if (a.inline && !a.contentId) {
		throw new InputError(
			field,
			`"${name}": an inline image needs a content ID for cid: references.`,
		);
	}
	return a;
}

/**
 * Checks every value that reaches a header with the rules message/ applies to the node's fields,
 * for MIME input that was not built from them; buildMime itself takes validated input and checks
 * nothing again.
 */
export function validateMimeInput(input: MimeMessageInput): MimeMessageInput {
	const inReplyTo = input.inReplyTo ? messageIdOf(input.inReplyTo, 'In-Reply-To') : undefined;
	const references = input.references?.length
		? messageIdListOf(input.references, 'References')
		: inReplyTo && [inReplyTo];
	const uris = checkUnsubscribeUris(
		input.listUnsubscribe ?? [],
		!!input.listUnsubscribeOneClick,
		'List-Unsubscribe',
	);
	const listUnsubscribe = uris.length ? uris : undefined;
	if (input.importance && !['low', 'normal', 'high'].includes(input.importance)) {
		throw new InputError('Importance', 'Use low, normal or high.');
	}
	for (const [key, body] of [
		['Text', input.text],
		['Body', input.html],
	] as const) {
		if (body !== undefined && typeof body !== 'string') throw new InputError(key, 'Expected text.');
	}
	return {
		...input,
		messageId: messageIdOf(input.messageId, 'Message-ID'),
		subject: assertOneLine(input.subject ?? '', 'Subject'),
		from: checkAddress(input.from, 'From'),
		sender: input.sender && checkAddress(input.sender, 'Sender'),
		to: (input.to ?? []).map((a) => checkAddress(a, 'To')),
		cc: (input.cc ?? []).map((a) => checkAddress(a, 'CC')),
		bcc: (input.bcc ?? []).map((a) => checkAddress(a, 'BCC')),
		replyTo: (input.replyTo ?? []).map((a) => checkAddress(a, 'Reply To')),
		attachments: (input.attachments ?? []).map(checkAttachment),
		headers: (input.headers ?? []).map((h) => ({
			name: assertCustomHeaderName(assertOneLine(h.name, 'Custom Headers'), 'Custom Headers'),
			value: assertOneLine(h.value, 'Custom Headers'),
		})),
		inReplyTo,
		references: references || undefined,
		listUnsubscribe,
	};
}
