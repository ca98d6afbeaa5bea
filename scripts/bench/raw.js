'use strict';
// Hand-written reference loops ("the floor"): plain node:https, no retries, no validation, no n8n.
// They trust the simulator's test CA through NODE_EXTRA_CA_CERTS like every other client in the
// process.
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');

function send(agent, method, url, headers, body) {
	return new Promise((resolve, reject) => {
		const payload =
			body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
		const req = https.request(
			url,
			{
				method,
				agent,
				headers: { ...headers, 'Content-Length': String(payload ? payload.length : 0) },
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
				);
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

async function token(agent, t) {
	const form = new URLSearchParams({
		client_id: t.clientId,
		client_secret: t.secret,
		scope: `${t.graphEndpoint}/.default`,
		grant_type: 'client_credentials',
	}).toString();
	const res = await send(
		agent,
		'POST',
		`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`,
		{ 'Content-Type': 'application/x-www-form-urlencoded' },
		form,
	);
	if (res.status !== 200) throw new Error(`token: HTTP ${res.status} ${res.body}`);
	return JSON.parse(res.body.toString('utf8')).access_token;
}

const userUrl = (t, ...segments) =>
	`${t.graphEndpoint}/v1.0/users/${encodeURIComponent(t.sender)}${segments.map((s) => `/${encodeURIComponent(s)}`).join('')}`;

/**
 * The floor: `concurrency` workers take the next message number and POST sendMail, one token for
 * the run. Same message shape as the node's (HTML body, one recipient), a client-request-id per
 * message.
 */
async function floorSendMail(t, { count, concurrency, subject }) {
	const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
	const started = performance.now();
	const bearer = `Bearer ${await token(agent, t)}`;
	const url = userUrl(t, 'sendMail');
	let next = 0;
	let failed = 0;
	const statuses = {};
	const worker = async () => {
		for (let i = next++; i < count; i = next++) {
			const body = JSON.stringify({
				message: {
					subject: subject(i),
					body: { contentType: 'HTML', content: 'x' },
					toRecipients: [{ emailAddress: { address: 'bob@example.com' } }],
				},
			});
			const res = await send(
				agent,
				'POST',
				url,
				{
					Authorization: bearer,
					'Content-Type': 'application/json',
					'client-request-id': randomUUID(),
				},
				body,
			);
			if (res.status !== 202) {
				failed++;
				statuses[res.status] = (statuses[res.status] ?? 0) + 1;
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const ms = performance.now() - started;
	agent.destroy();
	return { ms, failed, statuses };
}

/** Exactly `size`-byte buffers from a file stream (the last may be shorter). */
async function* fileChunks(file, size) {
	let parts = [];
	let length = 0;
	for await (const piece of fs.createReadStream(file, { highWaterMark: size })) {
		let buf = piece;
		while (buf.length > 0) {
			const take = Math.min(size - length, buf.length);
			parts.push(buf.subarray(0, take));
			length += take;
			buf = buf.subarray(take);
			if (length === size) {
				yield parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
				parts = [];
				length = 0;
			}
		}
	}
	if (length > 0) yield Buffer.concat(parts, length);
}

/**
 * The raw large-attachment path: token, create draft, createUploadSession, chunked PUTs from a file
 * stream, send.
 */
async function rawUploadSend(t, { file, name, contentType, subject, chunkBytes }) {
	const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
	const started = performance.now();
	const auth = {
		Authorization: `Bearer ${await token(agent, t)}`,
		'Content-Type': 'application/json',
	};
	const expect = (res, status, what) => {
		if (res.status !== status)
			throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
		return res.body.length ? JSON.parse(res.body.toString('utf8')) : {};
	};
	const draft = expect(
		await send(
			agent,
			'POST',
			userUrl(t, 'messages'),
			auth,
			JSON.stringify({
				subject,
				body: { contentType: 'HTML', content: 'x' },
				toRecipients: [{ emailAddress: { address: 'bob@example.com' } }],
			}),
		),
		201,
		'create draft',
	);
	const size = fs.statSync(file).size;
	const session = expect(
		await send(
			agent,
			'POST',
			`${userUrl(t, 'messages', draft.id, 'attachments')}/createUploadSession`,
			auth,
			JSON.stringify({ AttachmentItem: { attachmentType: 'file', name, size, contentType } }),
		),
		201,
		'createUploadSession',
	);
	let offset = 0;
	let chunks = 0;
	for await (const chunk of fileChunks(file, chunkBytes)) {
		const end = offset + chunk.length - 1;
		const res = await send(
			agent,
			'PUT',
			session.uploadUrl,
			{
				'Content-Type': 'application/octet-stream',
				'Content-Range': `bytes ${offset}-${end}/${size}`,
			},
			chunk,
		);
		if (res.status !== 200 && res.status !== 201)
			throw new Error(
				`upload chunk ${chunks + 1}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`,
			);
		offset = end + 1;
		chunks++;
	}
	expect(await send(agent, 'POST', `${userUrl(t, 'messages', draft.id)}/send`, auth), 202, 'send');
	const ms = performance.now() - started;
	agent.destroy();
	return { ms, chunks };
}

module.exports = { floorSendMail, rawUploadSend, token };
