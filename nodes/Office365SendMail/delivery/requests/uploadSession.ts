import {
	UPLOAD_CHUNK_BYTES,
	UploadSessionError,
	uploadStream,
} from '../../../shared/transport/uploadSession';
import type { AttachmentSource } from '../../message/attachments';
import { uploadSessionItem } from '../../message/build';
import type { StepOf } from '../plan';
import { jsonOf, text } from './types';
import { draftUrl, JSON_HEADERS, type GraphCall, type RequestDescription } from './types';

const UPLOAD_URL =
	'{uploadUrl from createUploadSession, pre-authenticated: no Authorization header}';

/**
 * The PUTs of the file, in the ranges uploadStream sends (UPLOAD_CHUNK_BYTES each, the last
 * shorter).
 */
function chunks(source: AttachmentSource): RequestDescription[] {
	const count = Math.ceil(source.size / UPLOAD_CHUNK_BYTES);
	const puts: RequestDescription[] = [];
	for (let start = 0; start < source.size; start += UPLOAD_CHUNK_BYTES) {
		const end = Math.min(start + UPLOAD_CHUNK_BYTES, source.size) - 1;
		puts.push({
			label: `upload "${source.name}" (chunk ${puts.length + 1}/${count})`,
			method: 'PUT',
			url: UPLOAD_URL,
			headers: {
				'Content-Type': 'application/octet-stream',
				'Content-Range': `bytes ${start}-${end}/${source.size}`,
			},
			body: { text: `<bytes ${start}-${end} of binary property "${source.property}">` },
			authenticated: false,
			replay: 'notIfSent',
		});
	}
	return puts;
}

/**
 * `POST /users/{id}/messages/{draft-id}/attachments/createUploadSession`, then the file in ranges
 * to the pre-authenticated upload URL it returns
 * (https://learn.microsoft.com/graph/outlook-large-attachments). The real run streams the ranges
 * (shared/transport/uploadSession.ts), one chunk in memory at a time.
 */
export const uploadSession: GraphCall<StepOf<'uploadSession'>> = {
	async describe({ source }, at) {
		const create: RequestDescription = {
			label: `create upload session for "${source.name}"`,
			method: 'POST',
			url: draftUrl(at, 'attachments', 'createUploadSession'),
			headers: JSON_HEADERS,
			body: { json: uploadSessionItem(source) },
			authenticated: true,
			replay: 'notIfSent',
		};
		return [create, ...chunks(source)];
	},
	async run([create], { source }, { graph, send }) {
		const uploadUrl = text(jsonOf(await send(create)).uploadUrl);
		if (!uploadUrl)
			throw new UploadSessionError(`Microsoft Graph returned no upload URL for "${source.name}".`);
		const stream = await source.openStream();
		await uploadStream(graph, uploadUrl, stream, source.size, `"${source.name}"`);
	},
};
