/**
 * n8n rewrites any node or credential-test error whose message contains one of the Node.js error
 * codes it knows (ECONNREFUSED, ENOTFOUND, ECONNRESET, …; n8n-workflow NodeError COMMON_ERRORS,
 * matched as a case-insensitive substring) into a generic sentence such as "The service refused the
 * connection - perhaps it is offline", and our diagnosis (which host, which setting to check) would
 * be lost. So those codes are said in words.
 */
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host name not found in DNS',
	ETIMEDOUT: 'connection timed out',
	ERRADDRINUSE: 'address in use',
	EADDRNOTAVAIL: 'address not available',
	ECONNABORTED: 'connection aborted',
	EHOSTUNREACH: 'host unreachable',
	EAI_AGAIN: 'DNS lookup failed temporarily',
	ENOENT: 'not found',
	EISDIR: 'is a directory',
	ENOTDIR: 'not a directory',
	EACCES: 'access denied',
	EEXIST: 'already exists',
	EPERM: 'not permitted',
	GETADDRINFO: 'DNS lookup failed',
};

const PATTERN = new RegExp(`[A-Z_]*(?:${Object.keys(CODE_WORDS).join('|')})[A-Z_]*`, 'g');

/** Our own code for a proxy that refused the CONNECT tunnel (httpClient.ts), e.g. "EPROXY407". */
const PROXY_CODE = /\bEPROXY(\d{3})\b/g;

function proxyWords(status: string): string {
	if (status === '407')
		return 'the proxy requires authentication, HTTP 407: put the user name and password into the proxy URL, http://user:password@host:port';
	return `the proxy refused the tunnel, HTTP ${status}`;
}

/**
 * Replaces every network error code n8n would rewrite (e.g. "ECONNREFUSED") with words ("connection
 * refused").
 */
export function sayNetworkCodes(text: string): string {
	return text
		.replace(PATTERN, (code) => CODE_WORDS[code] ?? 'network error')
		.replace(PROXY_CODE, (_code, status: string) => proxyWords(status));
}
