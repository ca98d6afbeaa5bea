/**
 * The body of a Send Email node, per version (n8n-io/n8n packages/nodes-base/nodes/EmailSend):
 * - v1: `text` and `html` side by side; nodemailer sends both as multipart/alternative when both
 *   are set.
 * - v2: `emailFormat` text | html | both, default "text"; v2.1+: default "html". Exports omit
 *   defaults.
 */
export interface BodyResult {
	parameters: Record<string, unknown>;
	mapped: string[];
	notes: string[];
	/**
	 * The body the format does not send (`html` of a Text node, `text` of an HTML one), when it is
	 * filled.
	 */
	unused?: 'text' | 'html';
}

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

function formatOf(params: Record<string, unknown>, version: number): unknown {
	if (version < 2) {
		const text = isSet(params.text);
		const html = isSet(params.html);
		return text && html ? 'both' : html ? 'html' : 'text';
	}
	return params.emailFormat ?? (version >= 2.1 ? 'html' : 'text');
}

export function mapBody(params: Record<string, unknown>, version: number): BodyResult {
	const notes: string[] = [];
	let format = formatOf(params, version);
	if (typeof format === 'string' && format.startsWith('=')) {
		notes.push(
			`Email Format is an expression (${format}); Body Content Type must be fixed: set to "HTML and Text" when both bodies exist, else by the body given. Check it.`,
		);
		format =
			isSet(params.html) && isSet(params.text) ? 'both' : isSet(params.html) ? 'html' : 'text';
	}
	const text = params.text ?? '';
	const html = params.html ?? '';
	if (format === 'both') {
		return {
			parameters: { bodyContentType: 'htmlAndText', bodyContent: html, textContent: text },
			mapped: [
				version < 2
					? 'text + html → Body Content Type "HTML and Text"'
					: 'emailFormat both → Body Content Type "HTML and Text"',
				'html → Body',
				'text → Text Body',
			],
			notes,
		};
	}
	if (format === 'html') {
		return {
			parameters: { bodyContentType: 'html', bodyContent: html },
			mapped: ['html → Body (HTML)'],
			notes,
			unused: isSet(params.text) ? 'text' : undefined,
		};
	}
	return {
		parameters: { bodyContentType: 'text', bodyContent: text },
		mapped: ['text → Body (Text)'],
		notes,
		unused: isSet(params.html) ? 'html' : undefined,
	};
}

/**
 * Binary properties the HTML refers to as cid:NAME; v2 gave every attachment the cid of its
 * property.
 */
export function cidReferences(html: unknown): Set<string> {
	const found = new Set<string>();
	if (typeof html !== 'string') return found;
	for (const m of html.matchAll(/cid:([A-Za-z0-9_.\-$]+)/g)) found.add(m[1]);
	return found;
}
