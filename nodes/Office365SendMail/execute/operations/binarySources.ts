import { Readable } from 'node:stream';

import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { UPLOAD_CHUNK_BYTES } from '../../../shared/transport/uploadSession';
import { checkAttachmentMetadata, type AttachmentSource } from '../../message/attachments';
import { excerpt } from '../../../shared/text/headerSafe';
import { InputError } from '../../../shared/text/inputError';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Attachments read through n8n's binary helpers, so memory, filesystem and S3 binary modes all work: binary
 * data stored by id is streamed from its store; in-memory (base64) data is decoded from the item.
 */
export async function binarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
	inline: boolean,
): Promise<AttachmentSource> {
	const binary: IBinaryData = ctx.helpers.assertBinaryData(itemIndex, property);
	let size: number;
	// A Code node can put anything into binary metadata; only text counts.
	let name = textOf(binary.fileName);
	let contentType = textOf(binary.mimeType);
	if (binary.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
		size = metadata.fileSize;
		name = name || textOf(metadata.fileName);
		contentType = contentType || textOf(metadata.mimeType);
	} else {
		if (typeof binary.data !== 'string')
			throw new InputError(field, `Binary property ${excerpt(property)} holds no data.`);
		size = Buffer.byteLength(binary.data, 'base64');
	}
	if (!Number.isFinite(size))
		throw new InputError(
			field,
			`The size of binary property ${excerpt(property)} is unknown; the binary data may be missing.`,
		);
	const source: AttachmentSource = {
		property,
		name: name || property,
		contentType: contentType.trim() || 'application/octet-stream',
		size,
		inline,
		contentId: inline ? property : undefined,
		readAll: () => ctx.helpers.getBinaryDataBuffer(itemIndex, binary),
		// In upload-chunk units: filesystem mode then reads one chunk per read (not 60 × 64 KiB) and has the next chunk
		// read while the current one is being PUT; stores without a chunk size ignore it.
		openStream: async () =>
			binary.id
				? await ctx.helpers.getBinaryStream(binary.id, UPLOAD_CHUNK_BYTES)
				: Readable.from([await ctx.helpers.getBinaryDataBuffer(itemIndex, binary)]),
	};
	// Metadata comes from whichever node made the file; it goes into MIME headers, so it is checked here.
	checkAttachmentMetadata(source, field);
	return source;
}
