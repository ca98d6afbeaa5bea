/**
 * `POST /v1.0/users/{id | userPrincipalName}/sendMail`
 * (https://learn.microsoft.com/graph/api/user-sendmail). Success is 202 Accepted with an EMPTY body
 * (https://learn.microsoft.com/graph/api/user-sendmail).
 */
import { deliver, extendedMessageIdOf, requestAttachment } from './delivery';
import { GraphError } from './errors';
import { MIME_BODY, type MailCall } from './mailcall';
import { emptyResponse, type SimResponse } from './http';
import { decodeMimeBody, parseMime } from './mime';
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
	// "default is true" (https://learn.microsoft.com/graph/api/user-sendmail)
	if (value === undefined || value === null) return true;
	if (typeof value === 'boolean') return value;
	// The doc's own example sends the string "false"
	// (https://learn.microsoft.com/graph/api/user-sendmail), which the OData reader converts.
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

export async function sendMail(call: MailCall): Promise<SimResponse> {
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
		// Simulator wording: no public source quotes Graph's text for a missing `message`.
		throw new GraphError(
			400,
			'ErrorInvalidParameter',
			"The parameter 'Message' is required for the operation 'sendMail'.",
		);
	}
	const saveToSentItems = parseSaveToSentItems(save);
	return submitJsonMessage(call, checkMessageShape(message), 'sendMail', saveToSentItems);
}

/**
 * MIME variant: Content-Type text/plain, body = base64 of the RFC 5322 message
 * (https://learn.microsoft.com/graph/api/user-sendmail).
 */
async function sendMime(call: MailCall, base64: string): Promise<SimResponse> {
	const parsed = await parseMime(decodeMimeBody(base64));
	checkRecipientsForSubmission(parsed.message);
	checkSendAs(parsed.message, call.user);
	if (parsed.size > call.user.maxSendSizeBytes) {
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
		// A MIME request has no saveToSentItems parameter; Exchange keeps the default, true
		// (https://learn.microsoft.com/graph/api/user-sendmail).
		saveToSentItems: true,
		internetMessageHeaders: parsed.customHeaders,
		internetMessageId: parsed.internetMessageId,
		mime: parsed.summary,
		attachments: parsed.attachments.map(requestAttachment),
	});
	return emptyResponse(202);
}

/**
 * Submits a JSON message (sendMail, reply, replyAll): Exchange's recipient, header, Send As and
 * size checks, then delivery; 202 with an empty body
 * (https://learn.microsoft.com/graph/api/user-sendmail, message-reply).
 */
export function submitJsonMessage(
	call: MailCall,
	msg: Record<string, unknown>,
	via: 'sendMail' | 'reply',
	saveToSentItems: boolean,
): SimResponse {
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
		via,
		message: stored,
		saveToSentItems,
		internetMessageHeaders: headers,
		internetMessageId: extendedMessageIdOf(msg),
		attachments: attachments.map(requestAttachment),
	});
	return emptyResponse(202);
}
