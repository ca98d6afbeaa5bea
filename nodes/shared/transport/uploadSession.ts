import type { Readable } from 'node:stream';

import type { GraphClient } from './graphClient';

/**
 * Outlook upload sessions take the bytes in order, in ranges "up to 4 MB each time"; the server
 * answers 200 with `nextExpectedRanges: ["{start}"]` until the last range, which gets 201
 * (https://learn.microsoft.com/graph/outlook-large-attachments,
 * https://learn.microsoft.com/graph/api/resources/uploadsession). 3.75 MiB keeps every chunk under
 * 4 MB in either unit and on a 320 KiB boundary.
 */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;

/**
 * Yields exactly `size`-byte buffers (the last may be shorter) from a stream, holding at most one
 * chunk.
 */
export async function* fixedChunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
	let parts: Buffer[] = [];
	let length = 0;
	for await (const piece of stream) {
		let buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
		while (buffer.length > 0) {
			const take = Math.min(size - length, buffer.length);
			parts.push(buffer.subarray(0, take));
			length += take;
			buffer = buffer.subarray(take);
			if (length === size) {
				// A piece that is exactly one chunk (a stream read in chunk units) goes out without a copy.
				yield parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
				parts = [];
				length = 0;
			}
		}
	}
	if (length > 0) yield Buffer.concat(parts, length);
}

export class UploadSessionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UploadSessionError';
	}
}

/**
 * PUTs the stream to a pre-authenticated upload URL. The URL is used verbatim and never gets the
 * bearer token: it carries its own, and the host is outlook.office.com, not Graph. The stream is
 * read one chunk at a time, so memory stays flat whatever the file size.
 *
 * The chunks do not go through the process-wide mailbox gate: the URL names the mailbox as
 * Outlook's `Users('{id}@{tenant}')`, which cannot be matched to the UPN or id in the Graph URLs of
 * the same mailbox, and one item's chunks are sequential, so an upload adds at most one request per
 * item on top of what the gate admits. A 429 on a chunk is retried after its Retry-After like any
 * other request.
 */
export async function uploadStream(
	graph: GraphClient,
	uploadUrl: string,
	stream: Readable,
	totalBytes: number,
	label: string,
	chunkBytes = UPLOAD_CHUNK_BYTES,
): Promise<{ chunks: number }> {
	const chunkCount = Math.ceil(totalBytes / chunkBytes);
	let offset = 0;
	let index = 0;
	try {
		for await (const chunk of fixedChunks(stream, chunkBytes)) {
			index++;
			const end = offset + chunk.length - 1;
			if (end >= totalBytes)
				throw new UploadSessionError(
					`${label}: the file is larger than its metadata says (${totalBytes} bytes).`,
				);
			const response = await graph.request({
				operation: `upload ${label} (chunk ${index}/${chunkCount})`,
				method: 'PUT',
				url: uploadUrl,
				body: chunk,
				headers: {
					'Content-Type': 'application/octet-stream',
					'Content-Range': `bytes ${offset}-${end}/${totalBytes}`,
				},
				authenticated: false,
				replay: 'notIfSent',
			});
			offset = end + 1;
			if (response.status === 201) break;
			const next = readNextExpected(response.body);
			if (next !== undefined && next !== offset) {
				throw new UploadSessionError(
					`${label}: the upload session expects byte ${next} but ${offset} bytes were sent; the upload cannot continue.`,
				);
			}
		}
	} finally {
		stream.destroy();
	}
	if (offset !== totalBytes) {
		throw new UploadSessionError(
			`${label}: ${offset} of ${totalBytes} bytes could be read from the binary data; the file is shorter than its metadata says.`,
		);
	}
	return { chunks: index };
}

/**
 * The first byte the session expects next. Upload responses are not uniform in this property's
 * casing (https://github.com/microsoftgraph/msgraph-sdk-serviceissues/issues/39), so either is
 * read, as Microsoft's JavaScript SDK does in its LargeFileUploadTask.
 */
export function readNextExpected(body: Buffer): number | undefined {
	try {
		const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
		const ranges = parsed.nextExpectedRanges ?? parsed.NextExpectedRanges;
		const first: unknown = Array.isArray(ranges) ? ranges[0] : undefined;
		if (typeof first !== 'string') return undefined;
		return parseInt(first.split('-')[0], 10);
	} catch {
		return undefined;
	}
}
