/**
 * Validation of Graph `message` payloads (sendMail, drafts, attachments).
 * Property list: https://learn.microsoft.com/graph/api/resources/message; header rules:
 * https://learn.microsoft.com/graph/api/resources/internetmessageheader and the limits quoted
 * below; attachments: https://learn.microsoft.com/graph/api/resources/fileattachment; error codes:
 * https://learn.microsoft.com/graph/errors. Shape errors use the OData reader's wording
 * (RequestBodyRead), which no public source quotes verbatim except for the unknown-property /
 * unknown-parameter texts.
 */
import * as crypto from 'node:crypto';
import { GraphError } from './errors';
import type { User } from './state';
import type { InternetMessageHeader } from './types';

type Json = Record<string, unknown>;

type Shape =
	| { kind: 'string' }
	| { kind: 'boolean' }
	| { kind: 'enum'; type: string; values: string[] }
	| { kind: 'object'; type: string; props: Record<string, Shape> }
	| { kind: 'array'; type: string; item: Shape }
	| { kind: 'attachment' }
	| { kind: 'any' };

const str: Shape = { kind: 'string' };
const bool: Shape = { kind: 'boolean' };
const any: Shape = { kind: 'any' };
const emailAddress: Shape = {
	kind: 'object',
	type: 'microsoft.graph.emailAddress',
	props: { address: str, name: str },
};
const recipient: Shape = {
	kind: 'object',
	type: 'microsoft.graph.recipient',
	props: { emailAddress },
};
const recipients: Shape = { kind: 'array', type: 'microsoft.graph.recipient', item: recipient };
const dateTimeTimeZone: Shape = {
	kind: 'object',
	type: 'microsoft.graph.dateTimeTimeZone',
	props: { dateTime: str, timeZone: str },
};

/**
 * Writable message properties usable when sending
 * (https://learn.microsoft.com/graph/api/resources/message).
 */
const MESSAGE_PROPS: Record<string, Shape> = {
	subject: str,
	body: {
		kind: 'object',
		type: 'microsoft.graph.itemBody',
		props: {
			contentType: { kind: 'enum', type: 'microsoft.graph.bodyType', values: ['text', 'html'] },
			content: str,
		},
	},
	toRecipients: recipients,
	ccRecipients: recipients,
	bccRecipients: recipients,
	replyTo: recipients,
	from: recipient,
	sender: recipient,
	importance: {
		kind: 'enum',
		type: 'microsoft.graph.importance',
		values: ['low', 'normal', 'high'],
	},
	isReadReceiptRequested: bool,
	isDeliveryReceiptRequested: bool,
	categories: { kind: 'array', type: 'Edm.String', item: str },
	flag: {
		kind: 'object',
		type: 'microsoft.graph.followupFlag',
		props: {
			flagStatus: {
				kind: 'enum',
				type: 'microsoft.graph.followupFlagStatus',
				values: ['notflagged', 'complete', 'flagged'],
			},
			startDateTime: dateTimeTimeZone,
			dueDateTime: dateTimeTimeZone,
			completedDateTime: dateTimeTimeZone,
		},
	},
	internetMessageHeaders: {
		kind: 'array',
		type: 'microsoft.graph.internetMessageHeader',
		item: {
			kind: 'object',
			type: 'microsoft.graph.internetMessageHeader',
			props: { name: str, value: str },
		},
	},
	attachments: { kind: 'array', type: 'microsoft.graph.attachment', item: { kind: 'attachment' } },
	singleValueExtendedProperties: {
		kind: 'array',
		type: 'microsoft.graph.singleValueLegacyExtendedProperty',
		item: {
			kind: 'object',
			type: 'microsoft.graph.singleValueLegacyExtendedProperty',
			props: { id: str, value: str },
		},
	},
	multiValueExtendedProperties: {
		kind: 'array',
		type: 'microsoft.graph.multiValueLegacyExtendedProperty',
		item: {
			kind: 'object',
			type: 'microsoft.graph.multiValueLegacyExtendedProperty',
			props: { id: str, value: { kind: 'array', type: 'Edm.String', item: str } },
		},
	},
	// Read-only / server-set: accepted and ignored
	// (https://learn.microsoft.com/graph/api/resources/message "ignore them in the fake").
	id: any,
	conversationId: any,
	createdDateTime: any,
	sentDateTime: any,
	internetMessageId: any,
	isDraft: any,
	webLink: any,
	bodyPreview: any,
	hasAttachments: any,
	parentFolderId: any,
	changeKey: any,
};

const FILE_ATTACHMENT_PROPS: Record<string, Shape> = {
	name: str,
	contentType: str,
	contentBytes: str,
	isInline: bool,
	contentId: str,
	contentLocation: any,
	id: any,
	size: any,
	lastModifiedDateTime: any,
};

const FILE_ATTACHMENT_TYPE = '#microsoft.graph.fileAttachment';
const KNOWN_ATTACHMENT_TYPES = [
	'microsoft.graph.fileattachment',
	'microsoft.graph.itemattachment',
	'microsoft.graph.referenceattachment',
];

function bodyRead(message: string): GraphError {
	return new GraphError(400, 'RequestBodyRead', message);
}

function unknownProperty(name: string, type: string): GraphError {
	// Reference-quoted OData text (the OData reader's wording for a closed type): unknown property on
	// a closed type.
	return bodyRead(
		`The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
	);
}

function nodeKind(value: unknown): string {
	if (Array.isArray(value)) return 'StartArray';
	if (typeof value === 'object' && value !== null) return 'StartObject';
	return 'PrimitiveValue';
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Instance annotations (`@odata.type`, `x@odata.type`, ...) are allowed on every object. */
function isAnnotation(key: string): boolean {
	return key.includes('@');
}

function checkShape(value: unknown, shape: Shape, propName: string): void {
	if (value === null) {
		if (shape.kind === 'array') {
			const t = `Collection(${shape.type})[Nullable=False]`;
			throw bodyRead(
				`A null value was found for the property named '${propName}', which has the expected type '${t}'. The expected type '${t}' does not allow null values.`,
			);
		}
		return;
	}
	switch (shape.kind) {
		case 'any':
			return;
		case 'string':
			if (typeof value !== 'string')
				throw bodyRead(
					nodeKind(value) === 'PrimitiveValue'
						? "Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details."
						: `An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.`,
				);
			return;
		case 'boolean':
			if (typeof value !== 'boolean')
				throw bodyRead(
					nodeKind(value) === 'PrimitiveValue'
						? "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details."
						: `An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.`,
				);
			return;
		case 'enum':
			if (typeof value !== 'string' || !shape.values.includes(value.toLowerCase())) {
				throw bodyRead(
					`Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${shape.type}'.`,
				);
			}
			return;
		case 'array':
			if (!Array.isArray(value))
				throw bodyRead(
					`An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'StartArray' node was expected.`,
				);
			for (const item of value) checkShape(item, shape.item, propName);
			return;
		case 'object':
			if (!isObject(value))
				throw bodyRead(
					`An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`,
				);
			for (const [key, v] of Object.entries(value)) {
				if (isAnnotation(key)) continue;
				const inner = shape.props[key];
				if (!inner) throw unknownProperty(key, shape.type);
				checkShape(v, inner, key);
			}
			return;
		case 'attachment':
			checkAttachmentShape(value);
			return;
	}
}

function attachmentType(value: Json): string | undefined {
	const t = value['@odata.type'];
	return typeof t === 'string' ? t.replace(/^#/, '').toLowerCase() : undefined;
}

export function checkAttachmentShape(value: unknown): void {
	if (!isObject(value))
		throw bodyRead(
			`An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`,
		);
	const type = attachmentType(value);
	if (type !== undefined && !KNOWN_ATTACHMENT_TYPES.includes(type)) {
		throw bodyRead(
			`A type named '${String(value['@odata.type']).replace(/^#/, '')}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
		);
	}
	if (type === 'microsoft.graph.fileattachment') {
		checkShape(
			value,
			{ kind: 'object', type: 'microsoft.graph.fileAttachment', props: FILE_ATTACHMENT_PROPS },
			'attachments',
		);
	}
}

// ---- semantic checks ----------------------------------------------------------------------------

export interface DecodedAttachment {
	name: string;
	contentType?: string;
	isInline: boolean;
	contentId?: string;
	bytes: Buffer;
	sha256: string;
}

/**
 * Parses a message object (shape only) for sendMail (`message` parameter) or a draft. Throws
 * GraphError.
 */
export function checkMessageShape(value: unknown): Json {
	if (!isObject(value))
		throw bodyRead(
			`An unexpected '${nodeKind(value)}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`,
		);
	checkShape(
		value,
		{ kind: 'object', type: 'microsoft.graph.message', props: MESSAGE_PROPS },
		'message',
	);
	return value;
}

export interface RecipientSummary {
	to: string[];
	cc: string[];
	bcc: string[];
}

function addressesOf(list: unknown): string[] {
	if (!Array.isArray(list)) return [];
	return list.map((r) => {
		const email = isObject(r) && isObject(r.emailAddress) ? r.emailAddress : undefined;
		return typeof email?.address === 'string' ? email.address : '';
	});
}

export function recipientsOf(message: Json): RecipientSummary {
	return {
		to: addressesOf(message.toRecipients),
		cc: addressesOf(message.ccRecipients),
		bcc: addressesOf(message.bccRecipients),
	};
}

/**
 * Simple local@domain syntax check (Graph refuses e.g. `a.@b.com` with ErrorInvalidRecipients).
 * Internationalized addresses (RFC 6531/6532: UTF-8 local part, IDN domain labels) are accepted:
 * Exchange Online supports Email Address Internationalization (EAI). Which exact characters it
 * refuses is not public: see README.
 */
export function isValidSmtpAddress(address: string): boolean {
	if (address.length > 320 || /[\s<>(),;:"[\]\\]/.test(address)) return false;
	const parts = address.split('@');
	if (parts.length !== 2) return false;
	const [local, domain] = parts;
	if (local === '' || local.startsWith('.') || local.endsWith('.') || local.includes('..'))
		return false;
	const labels = domain.split('.');
	return (
		labels.length >= 2 &&
		labels.every((l) => /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u.test(l))
	);
}

/**
 * Outlook's per-message recipient cap (To+Cc+Bcc),
 * https://learn.microsoft.com/graph/api/resources/message,
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits.
 */
export const MAX_RECIPIENTS = 500;

/**
 * Submission-time recipient checks: syntax, none at all, more than 500.
 * ErrorInvalidRecipients texts: the unresolved-recipient text is quoted in
 * https://learn.microsoft.com/graph/errors; the "no recipients" text is Exchange's wording (no
 * public source quotes it); the >500 code is unverified
 * (https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 * gives only the limit).
 */
export function checkRecipientsForSubmission(message: Json): void {
	const r = recipientsOf(message);
	const all = [...r.to, ...r.cc, ...r.bcc];
	const replyTo = addressesOf(message.replyTo);
	for (const address of [...all, ...replyTo]) {
		if (!isValidSmtpAddress(address)) {
			throw new GraphError(
				400,
				'ErrorInvalidRecipients',
				`At least one recipient is not valid., Recipient '${address}' is not resolved. All recipients must be resolved before a message can be submitted.`,
			);
		}
	}
	if (all.length === 0) {
		throw new GraphError(
			400,
			'ErrorInvalidRecipients',
			"At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
		);
	}
	if (all.length > MAX_RECIPIENTS) {
		throw new GraphError(
			400,
			'ErrorInvalidRecipients',
			`At least one recipient is not valid., The message has ${all.length} recipients; the maximum is ${MAX_RECIPIENTS}.`,
		);
	}
}

/**
 * internetMessageHeaders: 1..5 entries, names starting x-/X-
 * (https://learn.microsoft.com/answers/questions/762243).
 */
export function checkInternetMessageHeaders(message: Json): InternetMessageHeader[] {
	const headers = message.internetMessageHeaders;
	if (headers === undefined || headers === null) return [];
	const list = headers as { name?: unknown; value?: unknown }[];
	if (list.length === 0 || list.length > 5) {
		// An empty array trips the same error (msgraph-sdk-dotnet #2208,
		// https://learn.microsoft.com/answers/questions/762243).
		throw new GraphError(
			400,
			'InvalidInternetMessageHeaderCollection',
			'Maximum number of headers in one message should be less than or equal to 5.',
		);
	}
	return list.map((h) => {
		const name = typeof h.name === 'string' ? h.name : '';
		if (!/^x-/i.test(name)) {
			throw new GraphError(
				400,
				'InvalidInternetMessageHeader',
				`The internet message header name '${name}' should start with 'x-' or 'X-'.`,
			);
		}
		return { name, value: typeof h.value === 'string' ? h.value : '' };
	});
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a fileAttachment (https://learn.microsoft.com/graph/api/resources/fileattachment:
 * `@odata.type` #microsoft.graph.fileAttachment, `name`, base64 `contentBytes`). The error wordings
 * here are the simulator's (no public source quotes Graph's for these cases).
 */
export function decodeFileAttachment(value: unknown): DecodedAttachment {
	const a = value as Json;
	const type = attachmentType(a);
	if (type === undefined) {
		throw bodyRead(
			"A type name must be given with '@odata.type' for an instance of the abstract type 'microsoft.graph.attachment'.",
		);
	}
	if (type !== 'microsoft.graph.fileattachment') {
		throw new GraphError(
			400,
			'ErrorInvalidRequest',
			`Only ${FILE_ATTACHMENT_TYPE} attachments are supported by the simulator.`,
		);
	}
	if (typeof a.name !== 'string' || a.name === '')
		throw new GraphError(
			400,
			'ErrorInvalidParameter',
			"The attachment property 'name' is required.",
		);
	const content = typeof a.contentBytes === 'string' ? a.contentBytes : undefined;
	// Exact code and text from a real answer: microsoftgraph/msgraph-sdk-python#667.
	if (content === undefined)
		throw new GraphError(400, 'ErrorRequiredPropertyMissing', 'Required property is missing.');
	if (content.length % 4 !== 0 || !BASE64_RE.test(content)) {
		throw bodyRead(
			'The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.',
		);
	}
	const bytes = Buffer.from(content, 'base64');
	return {
		name: a.name,
		contentType: typeof a.contentType === 'string' ? a.contentType : undefined,
		isInline: a.isInline === true,
		contentId: typeof a.contentId === 'string' ? a.contentId : undefined,
		bytes,
		sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
	};
}

export function decodeAttachments(message: Json): DecodedAttachment[] {
	const list = message.attachments;
	return Array.isArray(list) ? list.map(decodeFileAttachment) : [];
}

/**
 * `from`/`sender` must be the mailbox itself or an address it has Send As rights on, else
 * ErrorSendAsDenied (https://learn.microsoft.com/graph/api/resources/message,
 * https://learn.microsoft.com/graph/errors, DeskDirector/UserVoice #379). Send-on-behalf is folded
 * into `sendAs` here.
 */
export function checkSendAs(message: Json, user: User): void {
	const allowed = new Set(
		[user.mail, user.userPrincipalName, ...user.sendAs].map((a) => a.toLowerCase()),
	);
	for (const field of ['from', 'sender']) {
		const r = message[field];
		const address =
			isObject(r) && isObject(r.emailAddress) && typeof r.emailAddress.address === 'string'
				? r.emailAddress.address
				: undefined;
		if (address !== undefined && address !== '' && !allowed.has(address.toLowerCase())) {
			throw new GraphError(
				403,
				'ErrorSendAsDenied',
				'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
			);
		}
	}
}

/**
 * Over the mailbox's MaxSendSize → 400 ErrorMessageSizeExceeded
 * (https://learn.microsoft.com/graph/outlook-large-attachments). The simulator counts the message
 * JSON (without contentBytes) plus decoded attachment bytes; Exchange counts the MIME size.
 */
export function checkMessageSize(
	messageWithoutContent: unknown,
	attachmentBytes: number,
	user: User,
): number {
	const size = Buffer.byteLength(JSON.stringify(messageWithoutContent)) + attachmentBytes;
	if (size > user.maxSendSizeBytes) {
		throw new GraphError(
			400,
			'ErrorMessageSizeExceeded',
			'The message exceeds the maximum supported size., Cannot save changes made to an item to store.',
		);
	}
	return size;
}

/** Deep copy of a message with fileAttachment contentBytes removed (what the outbox keeps). */
export function withoutContentBytes(message: Json): Json {
	const copy = JSON.parse(JSON.stringify(message)) as Json;
	if (Array.isArray(copy.attachments)) {
		for (const a of copy.attachments) if (isObject(a)) delete a.contentBytes;
	}
	return copy;
}
