import type { PreviewRequest } from './render';

/**
 * Enough of the message to read its headers and the start of its bodies; attachments are not worth
 * showing.
 */
const MAX_EXCERPT_CHARS = 4000;

/**
 * Dry Run: the MIME requests' bodies are base64, exactly as Graph receives them. This decodes the
 * first one into readable text beside `requests`, which stays exact.
 */
export function mimeExcerptOf(requests: PreviewRequest[]): { mimeExcerpt?: string } {
	const mime = requests.find(
		(r) => r.headers['Content-Type'] === 'text/plain' && typeof r.body === 'string',
	);
	if (!mime) return {};
	const text = Buffer.from(mime.body as string, 'base64').toString('utf8');
	return {
		mimeExcerpt:
			text.length > MAX_EXCERPT_CHARS
				? `${text.slice(0, MAX_EXCERPT_CHARS)}\n… (${text.length - MAX_EXCERPT_CHARS} more characters)`
				: text,
	};
}
