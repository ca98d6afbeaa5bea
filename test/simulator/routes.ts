/** Maps a request path to the simulated service that answers it. */

export type Route =
	| { kind: 'control' }
	| { kind: 'token'; tenant: string }
	| { kind: 'metadata'; endpoint: 'openid' | 'keys'; tenant: string }
	| { kind: 'metadata'; endpoint: 'instance' }
	| { kind: 'graph' }
	| { kind: 'upload'; mailbox: string; messageId: string; sessionId: string }
	| { kind: 'other' };

/** `Users('x')` → x when the entity name matches. */
const ENTITY_KEY = /^([A-Za-z]+)\('(.*)'\)$/;

function quotedValue(segment: string | undefined, entity: string): string | undefined {
	const m = ENTITY_KEY.exec(segment ?? '');
	return m && m[1].toLowerCase() === entity ? m[2] : undefined;
}

/**
 * Which listener a request arrived on: the Graph + identity origin, or the Outlook upload origin.
 */
export type Host = 'graph' | 'outlook';

/**
 * The Outlook host only answers upload URLs, shaped like the real ones:
 * `https://outlook.office.com/api/v2.0/Users('…')/Messages('…')/AttachmentSessions('…')?authtoken=…`
 * (https://learn.microsoft.com/graph/outlook-large-attachments, "uploadUrl").
 */
function classifyOutlook(segments: string[]): Route {
	const s = segments.map((x) => x.toLowerCase());
	if (s[0] === 'api' && s[1] === 'v2.0' && s.length === 5) {
		const mailbox = quotedValue(segments[2], 'users');
		const messageId = quotedValue(segments[3], 'messages');
		const sessionId = quotedValue(segments[4], 'attachmentsessions');
		if (mailbox !== undefined && messageId !== undefined && sessionId !== undefined) {
			return { kind: 'upload', mailbox, messageId, sessionId };
		}
	}
	return { kind: 'other' };
}

/** `segments` are percent-decoded path segments (no leading empty one). */
export function classify(segments: string[], host: Host = 'graph'): Route {
	if (host === 'outlook') return classifyOutlook(segments);
	const s = segments.map((x) => x.toLowerCase());
	if (s[0] === '_sim') return { kind: 'control' };
	if (s[0] === 'v1.0') return { kind: 'graph' };
	if (s.length === 3 && s[0] === 'common' && s[1] === 'discovery' && s[2] === 'instance') {
		return { kind: 'metadata', endpoint: 'instance' };
	}
	if (s.length === 4 && s[1] === 'oauth2' && s[2] === 'v2.0' && s[3] === 'token') {
		return { kind: 'token', tenant: segments[0] };
	}
	if (
		s.length === 4 &&
		s[1] === 'v2.0' &&
		s[2] === '.well-known' &&
		s[3] === 'openid-configuration'
	) {
		return { kind: 'metadata', endpoint: 'openid', tenant: segments[0] };
	}
	if (s.length === 4 && s[1] === 'discovery' && s[2] === 'v2.0' && s[3] === 'keys') {
		return { kind: 'metadata', endpoint: 'keys', tenant: segments[0] };
	}
	return { kind: 'other' };
}
