/** Minimal compact-JWS helpers (RS256 signing; RS256 + PS256 verification) on node:crypto. */
import * as crypto from 'node:crypto';

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
	header: JsonObject;
	payload: JsonObject;
	/** `base64url(header).base64url(payload)`, the bytes that were signed. */
	signingInput: string;
	signature: Buffer;
}

function encodeSegment(value: JsonObject): string {
	return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string): JsonObject | undefined {
	if (!BASE64URL.test(segment)) return undefined;
	try {
		const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as JsonObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Parses a compact JWS without verifying it; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
	const parts = token.split('.');
	if (parts.length !== 3 || !BASE64URL.test(parts[2])) return undefined;
	const header = decodeSegment(parts[0]);
	const payload = decodeSegment(parts[1]);
	if (!header || !payload) return undefined;
	return {
		header,
		payload,
		signingInput: `${parts[0]}.${parts[1]}`,
		signature: Buffer.from(parts[2], 'base64url'),
	};
}

export function signRs256(header: JsonObject, payload: JsonObject, key: crypto.KeyObject): string {
	const signingInput = `${encodeSegment({ ...header, alg: 'RS256' })}.${encodeSegment(payload)}`;
	const signature = crypto.sign('sha256', Buffer.from(signingInput), key);
	return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Verifies RS256 (PKCS#1 v1.5) or PS256 (RSA-PSS, SHA-256, salt length 32); any other alg fails.
 */
export function verifyJwtSignature(jwt: DecodedJwt, key: crypto.KeyObject): boolean {
	const data = Buffer.from(jwt.signingInput);
	try {
		switch (jwt.header.alg) {
			case 'RS256':
				return crypto.verify('sha256', data, key, jwt.signature);
			case 'PS256':
				return crypto.verify(
					'sha256',
					data,
					{ key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
					jwt.signature,
				);
			default:
				return false;
		}
	} catch {
		return false;
	}
}

export function numericClaim(payload: JsonObject, name: string): number | undefined {
	const value = payload[name];
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringClaim(payload: JsonObject, name: string): string | undefined {
	const value = payload[name];
	return typeof value === 'string' ? value : undefined;
}
