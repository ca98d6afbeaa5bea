/**
 * Outlook attachment upload sessions (https://learn.microsoft.com/graph/outlook-large-attachments,
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession,
 * https://learn.microsoft.com/graph/api/resources/uploadsession).
 * Chunks are hashed as they stream in; the simulator never holds an uploaded file.
 */
import * as crypto from 'node:crypto';
import type { RequestContext } from './context';
import { attachUploaded, findDraft, newItemId } from './drafts';
import { GraphError } from './errors';
import { admitConcurrent, renderGraphError, type MailCall } from './mailcall';
import {
	ClientAbortedError,
	declaredLength,
	emptyResponse,
	GRAPH_JSON_CONTENT_TYPE,
	jsonResponse,
	type SimResponse,
} from './http';
import type { UploadSession, User } from './state';

/**
 * Upload sessions take attachments up to 150 MB
 * (https://learn.microsoft.com/graph/outlook-large-attachments). Docs say "3 MB" for the floor, but
 * the measured floor is 2,097,152 bytes: "Minimum UploadSession byte size is exactly 2097152 bytes"
 * (comment of 2020-08-20 in https://github.com/microsoftgraph/msgraph-sdk-java/pull/52).
 */
export const MIN_UPLOAD_SESSION_SIZE = 2 * 1024 * 1024;
export const MAX_UPLOAD_SESSION_SIZE = 150 * 1024 * 1024;
/** "up to 4 MB each time" (https://learn.microsoft.com/graph/outlook-large-attachments step 3). */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** Not enforced; only reported in expirationDateTime. */
const SESSION_LIFETIME_MS = 6 * 60 * 60 * 1000;

const ITEM_PROPS = ['attachmentType', 'name', 'size', 'contentType', 'isInline', 'contentId'];

/** "2019-09-25T01:09:30.7671707Z": Outlook prints 7 fractional digits. */
function outlookTime(d: Date): string {
	return d.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/**
 * Upload URLs live on the Outlook host, not on Graph: `https://outlook.office.com/api/v2.0/…`
 * (https://learn.microsoft.com/en-us/graph/outlook-large-attachments).
 */
function uploadBase(core: RequestContext['core'], user: User, draftId: string): string {
	return `${core.uploadOrigin}/api/v2.0/Users('${user.id}@${user.tenantId}')/Messages('${draftId}')`;
}

/**
 * The `aud` claim of a bearer token, read without verification (only to quote it back like Outlook
 * does).
 */
function audienceOf(authorization: string): string {
	const payload = authorization.replace(/^Bearer\s+/i, '').split('.')[1] ?? '';
	try {
		const aud = (
			JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown }
		).aud;
		return typeof aud === 'string' ? aud : '';
	} catch {
		return '';
	}
}

function badRequest(code: string, message: string): GraphError {
	return new GraphError(400, code, message);
}

/**
 * `POST /users/{id}/messages/{id}/attachments/createUploadSession` with `{"AttachmentItem":{…}}`
 * → 201.
 */
export function createUploadSession(call: MailCall): SimResponse {
	const draft = findDraft(call);
	let item: unknown;
	for (const [key, value] of Object.entries(call.body ?? {})) {
		if (key.startsWith('@')) continue;
		if (key.toLowerCase() === 'attachmentitem') item = value;
		else {
			throw new GraphError(
				400,
				'RequestBodyRead',
				`The parameter '${key}' in the request payload is not a valid parameter for the operation 'createUploadSession'.`,
			);
		}
	}
	if (typeof item !== 'object' || item === null || Array.isArray(item)) {
		// Simulator wording (no public source quotes Graph's).
		throw badRequest(
			'ErrorInvalidParameter',
			"The parameter 'AttachmentItem' is required for the operation 'createUploadSession'.",
		);
	}
	const a = item as Record<string, unknown>;
	for (const key of Object.keys(a)) {
		if (!key.includes('@') && !ITEM_PROPS.includes(key)) {
			throw new GraphError(
				400,
				'RequestBodyRead',
				`The property '${key}' does not exist on type 'microsoft.graph.attachmentItem'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
			);
		}
	}
	// attachmentType, name and size are required
	// (https://learn.microsoft.com/graph/outlook-large-attachments step 2). Only `file` is simulated.
	if (typeof a.attachmentType !== 'string' || a.attachmentType.toLowerCase() !== 'file') {
		throw badRequest(
			'ErrorInvalidParameter',
			"AttachmentItem.attachmentType must be 'file' (item and reference attachments are not simulated).",
		);
	}
	if (typeof a.name !== 'string' || a.name === '')
		throw badRequest('ErrorInvalidParameter', 'AttachmentItem.name is required.');
	if (typeof a.size !== 'number' || !Number.isSafeInteger(a.size) || a.size < 0) {
		throw badRequest(
			'ErrorInvalidParameter',
			'AttachmentItem.size must be a non-negative integer.',
		);
	}
	if (a.size < MIN_UPLOAD_SESSION_SIZE) {
		// Code from https://learn.microsoft.com/graph/outlook-large-attachments ("Errors"); message
		// wording unverified.
		throw badRequest(
			'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
			'Attachment size must be greater than the minimum size.',
		);
	}
	if (a.size > MAX_UPLOAD_SESSION_SIZE) {
		// Exact code unverified: Microsoft documents only the 150 MB limit
		// (https://learn.microsoft.com/graph/outlook-large-attachments).
		throw badRequest(
			'ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize',
			'Attachment size must be less than the maximum size.',
		);
	}
	const session: UploadSession = {
		id: newItemId(),
		token: crypto.randomBytes(48).toString('base64url'),
		draftId: draft.id,
		userId: call.user.id,
		clientId: call.token.clientId,
		name: a.name,
		contentType: typeof a.contentType === 'string' ? a.contentType : undefined,
		isInline: a.isInline === true,
		contentId: typeof a.contentId === 'string' ? a.contentId : undefined,
		size: a.size,
		next: 0,
		hash: crypto.createHash('sha256'),
		expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
	};
	call.ctx.core.state.uploads.set(session.id, session);
	const uploadUrl = `${uploadBase(call.ctx.core, call.user, draft.id)}/AttachmentSessions('${session.id}')?authtoken=${session.token}`;
	return jsonResponse(
		201,
		{
			'@odata.context': `${call.ctx.core.url}/v1.0/$metadata#microsoft.graph.uploadSession`,
			uploadUrl,
			expirationDateTime: outlookTime(session.expiresAt),
			nextExpectedRanges: ['0-'],
		},
		{},
		GRAPH_JSON_CONTENT_TYPE,
	);
}

function uploadError(
	status: number,
	code: string,
	message: string,
	headers?: Record<string, string>,
): GraphError {
	// The upload endpoint is Outlook's (outlook.office.com) and answers without innerError
	// (https://learn.microsoft.com/graph/errors).
	return new GraphError(status, code, message, { innerError: false, headers });
}

export interface UploadRoute {
	mailbox: string;
	messageId: string;
	sessionId: string;
}

export async function handleUpload(ctx: RequestContext, route: UploadRoute): Promise<SimResponse> {
	try {
		return await runUpload(ctx, route);
	} catch (err) {
		if (err instanceof GraphError) return renderGraphError(ctx, err);
		throw err;
	}
}

async function runUpload(ctx: RequestContext, route: UploadRoute): Promise<SimResponse> {
	const { state, settings } = ctx.core;
	// The uploadUrl is pre-authenticated; a Graph bearer sent along is refused for its audience: 401
	// InvalidAudienceForResource, text as quoted in microsoftgraph/msgraph-sdk-java#409 and
	// microsoftgraph/microsoft-graph-docs-contrib#4702.
	const authorization = ctx.header('authorization');
	if (authorization !== undefined) {
		throw uploadError(
			401,
			'InvalidAudienceForResource',
			`The audience claim value is invalid for current resource. Audience claim is '${audienceOf(authorization)}', request url is '${ctx.core.uploadOrigin}${ctx.pathname}'.`,
		);
	}
	const session = state.uploads.get(route.sessionId);
	if (!session || session.draftId !== route.messageId) {
		throw uploadError(
			404,
			'ErrorItemNotFound',
			'The upload session was not found; it may have been completed, cancelled or expired.',
		);
	}
	if (ctx.query.get('authtoken') !== session.token) {
		throw uploadError(
			401,
			'InvalidAuthenticationToken',
			'The authtoken of the upload URL is missing or not valid for this upload session.',
		);
	}
	const user = state.users.get(session.userId.toLowerCase());
	if (!user)
		throw uploadError(
			404,
			'ErrorItemNotFound',
			'The upload session was not found; it may have been completed, cancelled or expired.',
		);
	ctx.record.mailbox = user.userPrincipalName;
	ctx.record.clientId = session.clientId;

	if (ctx.method === 'DELETE') {
		// Cancel: 204 No Content (https://learn.microsoft.com/graph/outlook-large-attachments step 3).
		state.uploads.delete(session.id);
		return emptyResponse(204);
	}
	if (ctx.method !== 'PUT')
		throw uploadError(
			405,
			'MethodNotAllowed',
			`The HTTP method '${ctx.method}' is not supported by the upload URL.`,
		);

	// Chunks count toward the per app + mailbox concurrency limit like any Outlook request
	// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
	admitConcurrent(ctx, session.clientId, user);
	const range = parseContentRange(ctx.header('content-range'));
	const length = checkRange(ctx, session, range);
	const budget = settings.uploadBytesPer5MinPerMailbox;
	if (budget !== undefined && !state.tryConsumeUploadBudget(user, length, budget, Date.now())) {
		state.counters.throttled += 1;
		// https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits: "Application is
		// over its IncomingBytes limit."
		throw uploadError(429, 'ApplicationThrottled', 'Application is over its IncomingBytes limit.', {
			'Retry-After': String(settings.throttleRetryAfterSeconds),
		});
	}

	session.busy = true;
	let hash: crypto.Hash;
	try {
		hash = await hashChunk(ctx, session, length);
	} finally {
		session.busy = false;
	}
	session.hash = hash;
	session.next += length;

	if (session.next < session.size) {
		// Intermediate: 200, PascalCase ExpirationDateTime, single "{start}" range
		// (https://learn.microsoft.com/graph/outlook-large-attachments step 3).
		return jsonResponse(200, {
			'@odata.context': `${ctx.core.uploadOrigin}/api/v2.0/$metadata#Users('${user.id}@${user.tenantId}')/Messages('${session.draftId}')/AttachmentSessions/$entity`,
			ExpirationDateTime: outlookTime(session.expiresAt),
			nextExpectedRanges: [String(session.next)],
		});
	}

	state.uploads.delete(session.id);
	const draft = state.drafts.get(session.draftId);
	if (!draft)
		throw uploadError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	const attachmentId = newItemId();
	attachUploaded(draft, {
		id: attachmentId,
		lastModifiedDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
		name: session.name,
		contentType: session.contentType,
		size: session.size,
		isInline: session.isInline,
		contentId: session.contentId,
		sha256: session.hash.digest('hex'),
		via: 'uploadSession',
	});
	// Final chunk: 201 + Location, empty body
	// (https://learn.microsoft.com/graph/outlook-large-attachments step 3).
	return emptyResponse(201, {
		Location: `${uploadBase(ctx.core, user, draft.id)}/Attachments('${attachmentId}')`,
	});
}

interface ContentRange {
	start: number;
	end: number;
	total: number;
}

/**
 * Range errors use the `invalidRange` code of https://learn.microsoft.com/graph/errors; messages
 * other than the overlap one are the simulator's.
 */
function rangeError(status: number, message: string): GraphError {
	return uploadError(status, 'invalidRange', message);
}

function parseContentRange(header: string | undefined): ContentRange {
	const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec((header ?? '').trim());
	if (!m)
		throw rangeError(
			400,
			"The Content-Range header is missing or malformed; expected 'bytes {start}-{end}/{total}'.",
		);
	return { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) };
}

function checkRange(ctx: RequestContext, session: UploadSession, r: ContentRange): number {
	if (r.total !== session.size) {
		throw rangeError(
			400,
			`The Content-Range total ${r.total} does not match the attachment size ${session.size} of the upload session.`,
		);
	}
	if (r.end < r.start || r.end >= r.total)
		throw rangeError(400, `The Content-Range bytes ${r.start}-${r.end}/${r.total} is not valid.`);
	const length = r.end - r.start + 1;
	if (length > MAX_CHUNK_SIZE)
		throw rangeError(
			400,
			`The fragment of ${length} bytes exceeds the maximum fragment size of ${MAX_CHUNK_SIZE} bytes (4 MB).`,
		);
	const declared = declaredLength(ctx.req);
	if (declared !== undefined && declared !== length) {
		throw rangeError(
			400,
			`The Content-Length ${declared} does not match the Content-Range length ${length}.`,
		);
	}
	// "You must upload bytes in a file in order"
	// (https://learn.microsoft.com/graph/outlook-large-attachments step 3).
	if (r.start < session.next || session.busy)
		throw rangeError(416, 'Uploaded fragment overlaps with existing data.');
	if (r.start > session.next)
		throw rangeError(
			416,
			`The uploaded fragment does not start at the next expected byte ${session.next}.`,
		);
	return length;
}

/**
 * Streams the chunk into a copy of the session hash; commits nothing unless exactly `length` bytes
 * arrived.
 */
function hashChunk(
	ctx: RequestContext,
	session: UploadSession,
	length: number,
): Promise<crypto.Hash> {
	const { req } = ctx;
	const hash = session.hash.copy();
	return new Promise<crypto.Hash>((resolve, reject) => {
		let received = 0;
		let settled = false;
		const done = (err?: Error): void => {
			if (settled) return;
			settled = true;
			req.off('data', onData);
			req.off('end', onEnd);
			req.off('close', onClose);
			ctx.record.bodyBytes = received;
			if (err) {
				req.resume();
				reject(err);
			} else {
				resolve(hash);
			}
		};
		const onData = (chunk: Buffer): void => {
			received += chunk.length;
			if (received > length)
				done(rangeError(400, `More bytes were sent than the Content-Range length ${length}.`));
			else hash.update(chunk);
		};
		const onEnd = (): void => {
			if (received !== length)
				done(
					rangeError(400, `Received ${received} bytes but the Content-Range length is ${length}.`),
				);
			else done();
		};
		const onClose = (): void => {
			if (!req.complete) done(new ClientAbortedError());
		};
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('close', onClose);
	});
}
