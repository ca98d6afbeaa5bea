/**
 * `POST /v1.0/users/{id | userPrincipalName}/sendMail` (reference §1: docs-contrib api-reference/v1.0/api/user-sendmail.md).
 * Success is 202 Accepted with an EMPTY body (§1.1).
 */
import { deliver, KEEP_BYTES_LIMIT } from './delivery';
import { GraphError } from './errors';
import { MIME_BODY, type MailCall } from './mailcall';
import { emptyResponse, type SimResponse } from './http';
import { parseMimeMessage } from './mime';
import {
	checkInternetMessageHeaders,
	checkMessageShape,
	checkMessageSize,
	checkRecipientsForSubmission,
	checkSendAs,
	decodeAttachments,
	withoutContentBytes,
} from './validation';

function parseSaveToSentItems(value: unknown): boolean {
	if (value === undefined || value === null) return true; // "default is true" (§1.1)
	if (typeof value === 'boolean') return value;
	// The doc's own example sends the string "false" (§1.1), which the OData reader converts.
	if (typeof value === 'string' && /^(true|false)$/i.test(value))
		return value.toLowerCase() === 'true';
	const literal =
		typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
	throw new GraphError(
		400,
		'RequestBodyRead',
		`Cannot convert the literal '${literal}' to the expected type 'Edm.Boolean'.`,
	);
}

export function sendMail(call: MailCall): SimResponse {
	const body = call.body ?? {};
	if (typeof body[MIME_BODY] === 'string') return sendMime(call, body[MIME_BODY]);

	// Action parameters are matched case-insensitively (older SDKs send "Message"/"SaveToSentItems").
	let message: unknown;
	let save: unknown;
	for (const [key, value] of Object.entries(body)) {
		if (key.startsWith('@')) continue;
		const k = key.toLowerCase();
		if (k === 'message') message = value;
		else if (k === 'savetosentitems') save = value;
		else {
			throw new GraphError(
				400,
				'RequestBodyRead',
				`The parameter '${key}' in the request payload is not a valid parameter for the operation 'sendMail'.`,
			);
		}
	}
	if (message === undefined || message === null) {
		// Simulator wording: the reference does not quote Graph's text for a missing `message`.
		throw new GraphError(
			400,
			'ErrorInvalidParameter',
			"The parameter 'Message' is required for the operation 'sendMail'.",
		);
	}
	const saveToSentItems = parseSaveToSentItems(save);
	const msg = checkMessageShape(message);
	checkRecipientsForSubmission(msg);
	const headers = checkInternetMessageHeaders(msg);
	const attachments = decodeAttachments(msg);
	checkSendAs(msg, call.user);
	const stored = withoutContentBytes(msg);
	checkMessageSize(
		stored,
		attachments.reduce((n, a) => n + a.bytes.length, 0),
		call.user,
	);

	deliver(call.ctx, {
		user: call.user,
		clientId: call.token.clientId,
		via: 'sendMail',
		message: stored,
		saveToSentItems,
		internetMessageHeaders: headers,
		attachments: attachments.map((a) => ({
			name: a.name,
			contentType: a.contentType,
			size: a.bytes.length,
			isInline: a.isInline,
			contentId: a.contentId,
			sha256: a.sha256,
			via: 'request',
			bytes: a.bytes.length <= KEEP_BYTES_LIMIT ? a.bytes : undefined,
		})),
	});
	return emptyResponse(202);
}

/** MIME variant (reference §1.5): Content-Type text/plain, body = base64 of the RFC 5322 message. */
function sendMime(call: MailCall, base64: string): SimResponse {
	const compact = base64.replace(/\s+/g, '');
	if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
		throw new GraphError(
			400,
			'ErrorMimeContentInvalidBase64String',
			'Invalid base64 string for MIME content.',
		);
	}
	const mime = Buffer.from(compact, 'base64');
	const parsed = parseMimeMessage(mime.toString('latin1'));
	checkRecipientsForSubmission(parsed.message);
	checkSendAs(parsed.message, call.user);
	if (mime.length > call.user.maxSendSizeBytes) {
		throw new GraphError(
			400,
			'ErrorMessageSizeExceeded',
			'The message exceeds the maximum supported size., Cannot save changes made to an item to store.',
		);
	}
	deliver(call.ctx, {
		user: call.user,
		clientId: call.token.clientId,
		via: 'sendMail',
		message: parsed.message,
		saveToSentItems: true,
		internetMessageHeaders: parsed.customHeaders,
		attachments: [],
	});
	return emptyResponse(202);
}
