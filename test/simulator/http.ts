/** Response model and request-body helpers shared by the simulator's handlers. */
import type { IncomingMessage } from 'node:http';

/** What a handler answers; the server writes it (or, for some faults, discards it). */
export interface SimResponse {
	status: number;
	headers: Record<string, string>;
	body?: Buffer | string;
	/** Graph error code / OAuth `error`, for the request log. */
	errorCode?: string;
}

/** Content-Type of Graph JSON entity responses. */
export const GRAPH_JSON_CONTENT_TYPE =
	'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function jsonResponse(
	status: number,
	value: unknown,
	headers: Record<string, string> = {},
	contentType = 'application/json; charset=utf-8',
): SimResponse {
	return {
		status,
		headers: { 'Content-Type': contentType, ...headers },
		body: JSON.stringify(value),
	};
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
	return { status, headers: { ...headers } };
}

export class BodyTooLargeError extends Error {
	constructor(readonly limit: number) {
		super(`request body exceeds ${limit} bytes`);
	}
}

export class ClientAbortedError extends Error {
	constructor() {
		super('client aborted the request');
	}
}

export function declaredLength(req: IncomingMessage): number | undefined {
	const header = req.headers['content-length'];
	if (header === undefined) return undefined;
	const n = Number(header);
	return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Reads a request body, buffering at most `cap + 1` bytes. Over the cap it rejects with
 * BodyTooLargeError and lets the rest of the body drain unbuffered (Node discards unread request
 * data once the response is finished). `onBytes` reports every received byte count, including
 * drained ones it saw.
 */
export function readBodyCapped(
	req: IncomingMessage,
	cap: number,
	onBytes: (n: number) => void,
): Promise<Buffer> {
	const declared = declaredLength(req);
	if (declared !== undefined && declared > cap) return Promise.reject(new BodyTooLargeError(cap));
	return new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let stored = 0;
		let settled = false;
		const finish = (err: Error | undefined, value?: Buffer): void => {
			if (settled) return;
			settled = true;
			req.off('data', onData);
			req.off('end', onEnd);
			req.off('close', onClose);
			req.off('error', onClose);
			if (err) {
				req.resume(); // drain without buffering
				reject(err);
			} else {
				resolve(value ?? Buffer.alloc(0));
			}
		};
		const onData = (chunk: Buffer): void => {
			onBytes(chunk.length);
			const room = cap + 1 - stored;
			if (room > 0) {
				const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
				chunks.push(kept);
				stored += kept.length;
			}
			if (stored > cap) finish(new BodyTooLargeError(cap));
		};
		const onEnd = (): void => finish(undefined, Buffer.concat(chunks, stored));
		const onClose = (): void => {
			if (!req.complete) finish(new ClientAbortedError());
		};
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('close', onClose);
		req.on('error', onClose);
	});
}

export function delay(ms: number): Promise<void> {
	return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
