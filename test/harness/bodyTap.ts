import type { IncomingMessage, Server } from 'node:http';

import type { M365Simulator } from '../simulator';

/** One request body exactly as the simulator's socket received it. */
export interface TappedRequest {
	method: string;
	/** Pathname without the query string. */
	path: string;
	clientRequestId?: string;
	body: Buffer;
	/** Parsed JSON when the body is JSON, else undefined. */
	json?: unknown;
}

export interface BodyTap {
	readonly requests: TappedRequest[];
	clear(): void;
	stop(): void;
}

/**
 * Observes the raw request bodies arriving at the simulator (it records only their sizes). Nothing
 * is changed: a second 'request' listener reads the same stream the simulator reads. Only requests
 * whose path matches `pathFilter` are kept, so upload chunks are not held in memory.
 */
export function tapRequestBodies(sim: M365Simulator, pathFilter: RegExp = /\/v1\.0\//): BodyTap {
	// The simulator does not expose its server; reading it is observation only.
	const server = (sim as unknown as { server: Server }).server;
	const requests: TappedRequest[] = [];
	const listener = (req: IncomingMessage) => {
		const target = req.url ?? '/';
		const path = target.split('?')[0];
		if (!pathFilter.test(path)) return;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			let json: unknown;
			try {
				json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
			} catch {
				json = undefined;
			}
			const crid = req.headers['client-request-id'];
			requests.push({
				method: req.method ?? '',
				path,
				clientRequestId: typeof crid === 'string' ? crid : undefined,
				body,
				json,
			});
		});
	};
	server.on('request', listener);
	return {
		requests,
		clear: () => {
			requests.length = 0;
		},
		stop: () => {
			server.off('request', listener);
		},
	};
}
