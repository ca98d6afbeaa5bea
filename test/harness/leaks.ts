import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { LoggerProxy } from 'n8n-workflow';

import type { M365Simulator } from '../simulator';

/** A value that must never appear in anything the package shows, logs or outputs. */
export interface Sentinel {
	label: string;
	value: string;
	/**
	 * Also search for every 12-character piece of it (for secrets and passphrases; key lines are
	 * searched whole).
	 */
	partial?: boolean;
}

const PIECE = 12;

/**
 * Any JWT (an access token or a client assertion): base64url JSON header and payload, then a
 * signature.
 */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;

/**
 * The lines a PEM private key could leak through: every full base64 line of its body and the whole
 * body flattened. Lines shorter than 32 characters (the last one) are skipped: they could match by
 * chance.
 */
export function pemSentinels(label: string, pem: string): Sentinel[] {
	const body = pem
		.split(/\r?\n/)
		.filter((line) => line && !line.startsWith('-----') && !/^[A-Za-z-]+:/.test(line))
		.map((line) => line.trim());
	const out: Sentinel[] = [{ label: `${label} (flattened body)`, value: body.join('') }];
	body.forEach((line, i) => {
		if (line.length >= 32) out.push({ label: `${label} (line ${i + 1})`, value: line });
	});
	return out;
}

/** Where a sentinel (or a JWT) turned up; the value itself is not repeated, only its label. */
export interface Leak {
	sentinel: string;
	where: string;
	excerpt: string;
}

function excerptAround(text: string, index: number, length: number): string {
	const start = Math.max(0, index - 60);
	return `${text.slice(start, index)}<<${'#'.repeat(Math.min(length, 12))}>>${text.slice(index + length, index + length + 60)}`;
}

/**
 * Searches each text for every sentinel (as is, lower-cased, URL-encoded, JSON-escaped) and for any
 * JWT.
 */
export function findLeaks(texts: { where: string; text: string }[], sentinels: Sentinel[]): Leak[] {
	const leaks: Leak[] = [];
	for (const { where, text } of texts) {
		const lower = text.toLowerCase();
		for (const s of sentinels) {
			if (!s.value) continue;
			// Pieces without a digit are skipped: they come from the readable prefixes
			// ("SENTINEL~wrong~") shared by sentinels.
			const pieces =
				s.partial && s.value.length > PIECE
					? Array.from({ length: s.value.length - PIECE + 1 }, (_, i) =>
							s.value.slice(i, i + PIECE),
						).filter((p) => /\d/.test(p))
					: [];
			const variants = new Set([
				s.value,
				encodeURIComponent(s.value),
				JSON.stringify(s.value).slice(1, -1),
				...pieces,
			]);
			for (const v of variants) {
				let index = text.indexOf(v);
				if (index < 0) index = lower.indexOf(v.toLowerCase());
				if (index >= 0) {
					leaks.push({ sentinel: s.label, where, excerpt: excerptAround(text, index, v.length) });
					break;
				}
			}
		}
		const jwt = JWT.exec(text);
		if (jwt)
			leaks.push({
				sentinel: 'a JWT (access token or client assertion)',
				where,
				excerpt: excerptAround(text, jwt.index, jwt[0].length),
			});
	}
	return leaks;
}

/**
 * Records everything written while it is active: process.stdout / process.stderr, the console
 * methods (jest replaces console, so both are patched) and n8n's LoggerProxy (n8n-core logs node
 * errors through it).
 */
export class OutputCapture {
	readonly chunks: { where: string; text: string }[] = [];
	private restore: (() => void)[] = [];

	/**
	 * By default captured output is swallowed: leak checks assert on `chunks`, and must not print the
	 * sentinels they search for. `passThrough: true` also forwards it (for debugging a test).
	 */
	constructor(private readonly options: { passThrough?: boolean } = {}) {}

	start(): this {
		const passThrough = this.options.passThrough === true;
		const record = (where: string, args: unknown[]) => {
			this.chunks.push({
				where,
				text: args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '),
			});
		};
		for (const stream of ['stdout', 'stderr'] as const) {
			const target = process[stream];
			const original = target.write;
			target.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
				record(`process.${stream}`, [
					Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
				]);
				if (!passThrough) {
					const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
					done?.();
					return true;
				}
				return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
			} as typeof target.write;
			this.restore.push(() => (target.write = original));
		}
		for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
			const original = console[method];
			console[method] = (...args: unknown[]) => {
				record(`console.${method}`, args);
				if (passThrough) original.apply(console, args);
			};
			this.restore.push(() => (console[method] = original));
		}
		const log = (level: string) => (message: string, meta?: unknown) =>
			record(`n8n logger.${level}`, [message, meta ?? '']);
		LoggerProxy.init({
			error: log('error'),
			warn: log('warn'),
			info: log('info'),
			debug: log('debug'),
		});
		return this;
	}

	stop(): void {
		for (const undo of this.restore.reverse()) undo();
		this.restore = [];
		const quiet = () => undefined;
		LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet });
	}
}

export function safeJson(value: unknown): string {
	if (value === undefined) return '';
	const seen = new WeakSet<object>();
	try {
		return JSON.stringify(value, (_key, v: unknown) => {
			if (v instanceof Error) {
				const plain: Record<string, unknown> = { name: v.name, message: v.message, stack: v.stack };
				for (const key of Object.keys(v))
					plain[key] = (v as unknown as Record<string, unknown>)[key];
				return plain;
			}
			if (typeof v === 'object' && v !== null) {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
			}
			if (typeof v === 'bigint') return v.toString();
			return v;
		});
	} catch (error) {
		return `[unserialisable: ${(error as Error).message}]`;
	}
}

/**
 * Every access token the simulator hands out, read from its token responses. It listens on the
 * simulator's HTTPS server (read-only: the response is passed on unchanged), so tokens fetched by
 * any code path, n8n's credential test included, are known to the leak checks.
 */
export function tapIssuedTokens(sim: M365Simulator, into: string[]): void {
	const server = (sim as unknown as { server: Server }).server;
	server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
		if (!/\/oauth2\/v2\.0\/token$/.test((req.url ?? '').split('?')[0])) return;
		const chunks: Buffer[] = [];
		const keep = (chunk: unknown) => {
			if (typeof chunk === 'string' || Buffer.isBuffer(chunk) || chunk instanceof Uint8Array)
				chunks.push(Buffer.from(chunk as Buffer));
		};
		const write = res.write.bind(res) as (...a: unknown[]) => boolean;
		const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			keep(chunk);
			return write(chunk, ...rest);
		}) as typeof res.write;
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (typeof chunk !== 'function') keep(chunk);
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
					access_token?: unknown;
				};
				if (typeof body.access_token === 'string') into.push(body.access_token);
			} catch {
				// not a JSON token response
			}
			return end(chunk, ...rest);
		}) as typeof res.end;
	});
}
