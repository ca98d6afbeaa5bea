import type { AttachmentSource } from '../message/attachments';
import { fileAttachmentJson, type GraphMessage } from '../message/build';

/**
 * Graph refuses a request body over 4 MiB (4,194,304 bytes) with 413 "The maximum request length
 * supported is 4MB." (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/682). A
 * request we build stays 16 KiB under it, so headers Graph counts and rounding never meet the cap.
 */
export const GRAPH_REQUEST_CAP_BYTES = 4 * 1024 * 1024;
export const MAX_SINGLE_REQUEST_BYTES = GRAPH_REQUEST_CAP_BYTES - 16 * 1024;

// createUploadSession refuses small files (ErrorAttachmentSizeShouldNotBeLessThanMinimumSize).
// Microsoft's docs say "3 MB"; a measured trace puts the floor at 2,097,152 bytes
// (https://github.com/microsoftgraph/msgraph-sdk-java/pull/52: "Minimum UploadSession byte size is
// exactly 2097152 bytes"). Every attachment whose JSON does not fit one request is above 3 MB, so
// above both: no check is needed.

/**
 * Exchange Online's absolute ceiling for one message, whatever MaxSendSize an admin sets
 * (Set-Mailbox docs).
 */
export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;

export function jsonBytes(value: unknown): number {
	return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

export function base64Length(bytes: number): number {
	return 4 * Math.ceil(bytes / 3);
}

/**
 * The exact size of the fileAttachment JSON for `POST …/attachments`, computed without reading the
 * bytes.
 */
export function attachmentJsonBytes(source: AttachmentSource): number {
	return jsonBytes(fileAttachmentJson(source, Buffer.alloc(0))) + base64Length(source.size);
}

/**
 * The exact size of a sendMail body with these attachments, computed without reading their bytes.
 */
export function sendMailJsonBytes(body: GraphMessage, attachments: AttachmentSource[]): number {
	return jsonBytes(body) + attachments.reduce((sum, a) => sum + base64Length(a.size), 0);
}

export function megabytes(bytes: number): string {
	return `${(bytes / 1048576).toFixed(1)} MB`;
}
