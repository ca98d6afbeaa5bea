import type { Readable } from 'node:stream';

/**
 * A mailbox as the MIME builder takes it; structurally the same as the Recipient of
 * nodes/shared/address.
 */
export interface MimeAddress {
	address: string;
	name?: string;
}

/**
 * One attachment. `bytes` or `stream`: a stream must state its `size` so that the encoded size can
 * be known before anything is read. Inline parts carry the `contentId` the HTML body refers to as
 * cid:….
 */
export interface MimeAttachment {
	name: string;
	contentType: string;
	bytes?: Buffer;
	stream?: Readable;
	size?: number;
	inline?: boolean;
	contentId?: string;
}

export interface MimeHeader {
	name: string;
	value: string;
}

/**
 * A validated message: built from the fields message/ checked (header-safe text, addresses, message
 * IDs, X- headers, unsubscribe URIs), or passed through validateMimeInput.
 */
export interface MimeMessageInput {
	/** Message-ID to stamp, `<id@domain>`; make one with newMessageId(). */
	messageId: string;
	subject: string;
	from: MimeAddress;
	/** Set when the From mailbox is not the one that sends (send on behalf); RFC 5322 §3.6.2. */
	sender?: MimeAddress;
	to: MimeAddress[];
	cc?: MimeAddress[];
	bcc?: MimeAddress[];
	replyTo?: MimeAddress[];
	text?: string;
	html?: string;
	attachments?: MimeAttachment[];
	importance?: 'low' | 'normal' | 'high';
	/** Custom headers; names must start with X- (standard headers have their own fields). */
	headers?: MimeHeader[];
	inReplyTo?: string;
	/** Message-IDs, oldest first; defaults to inReplyTo (RFC 5322 §3.6.4). */
	references?: string[];
	/** https: and/or mailto: URIs (RFC 2369). */
	listUnsubscribe?: string[];
	/** Adds List-Unsubscribe-Post (RFC 8058); needs an https: URI in listUnsubscribe. */
	listUnsubscribeOneClick?: boolean;
	/** Fixed Date header for reproducible output; defaults to now. */
	date?: Date;
}

export interface BuiltMime {
	messageId: string;
	/** The RFC 5322 message. */
	mime: Buffer;
	/** What Graph takes as the body of a MIME sendMail / create-message request. */
	base64: string;
	mimeBytes: number;
	encodedBytes: number;
}
