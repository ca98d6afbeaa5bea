import * as crypto from 'node:crypto';
import {
	startSimulator,
	DEMO,
	loadDemoScenario,
	call,
	getToken,
	graph,
	simpleMessage,
	type RawResponse,
	useSimulator,
} from '..';

const MAILBOX = encodeURIComponent(DEMO.sender.userPrincipalName);
const MiB = 1024 * 1024;

describe('simulated large-attachment flow (draft → upload session → send)', () => {
	let token: string;
	const sim = useSimulator({}, async (s) => {
		token = await getToken(s);
	});

	async function createDraft(): Promise<string> {
		const res = await graph(sim, token, 'POST', `/users/${MAILBOX}/messages`, simpleMessage());
		expect(res.status).toBe(201);
		expect(res.json).toMatchObject({ isDraft: true, subject: 'Hello', id: expect.any(String) });
		return res.json.id as string;
	}

	async function createSession(
		draftId: string,
		size: number,
		name = 'big.bin',
	): Promise<RawResponse> {
		return graph(
			sim,
			token,
			'POST',
			`/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}/attachments/createUploadSession`,
			{
				AttachmentItem: {
					attachmentType: 'file',
					name,
					size,
					contentType: 'application/octet-stream',
				},
			},
		);
	}

	function put(
		uploadUrl: string,
		bytes: Buffer,
		start: number,
		total: number,
		headers: Record<string, string> = {},
	): Promise<RawResponse> {
		return call(sim, uploadUrl, {
			method: 'PUT',
			headers: {
				'Content-Type': 'application/octet-stream',
				'Content-Range': `bytes ${start}-${start + bytes.length - 1}/${total}`,
				...headers,
			},
			body: bytes,
		});
	}

	it('uploads 10 MiB in 4 MiB chunks and delivers a byte-identical attachment', async () => {
		const file = crypto.randomBytes(10 * MiB);
		const draftId = await createDraft();
		const session = await createSession(draftId, file.length);
		expect(session.status).toBe(201);
		expect(session.json).toEqual({
			'@odata.context': expect.stringContaining('$metadata#microsoft.graph.uploadSession'),
			uploadUrl: expect.stringMatching(
				/^https:\/\/[^/]+\/api\/v2\.0\/Users\('.+'\)\/Messages\('.+'\)\/AttachmentSessions\('.+'\)\?authtoken=/,
			),
			expirationDateTime: expect.any(String),
			nextExpectedRanges: ['0-'],
		});
		const uploadUrl = session.json.uploadUrl as string;
		// Like outlook.office.com vs graph.microsoft.com: another origin than Graph, and Graph does not
		// serve it.
		expect(new URL(uploadUrl).origin).toBe(sim.uploadOrigin);
		expect(sim.uploadOrigin).not.toBe(sim.url);
		const onGraph = new URL(uploadUrl);
		onGraph.port = new URL(sim.url).port;
		expect((await put(onGraph.href, Buffer.alloc(1), 0, file.length)).status).toBe(404);
		const chunk = 4 * MiB;
		let last: RawResponse | undefined;
		for (let start = 0; start < file.length; start += chunk) {
			last = await put(
				uploadUrl,
				file.subarray(start, Math.min(start + chunk, file.length)),
				start,
				file.length,
			);
			if (start + chunk < file.length) {
				expect(last.status).toBe(200);
				expect(last.json).toEqual({
					'@odata.context': expect.any(String),
					ExpirationDateTime: expect.any(String),
					nextExpectedRanges: [String(start + chunk)],
				});
			}
		}
		expect(last?.status).toBe(201);
		expect(last?.text).toBe('');
		expect(last?.headers.location).toMatch(/\/Attachments\('.+'\)$/);
		expect(sim.counters.uploadChunks).toBe(3);

		const send = await graph(
			sim,
			token,
			'POST',
			`/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}/send`,
		);
		expect(send.status).toBe(202);
		expect(send.text).toBe('');
		expect(sim.outbox).toHaveLength(1);
		const [delivered] = sim.outbox;
		expect(delivered.via).toBe('draft');
		expect(delivered.attachments).toEqual([
			expect.objectContaining({
				name: 'big.bin',
				size: file.length,
				via: 'uploadSession',
				sha256: crypto.createHash('sha256').update(file).digest('hex'),
			}),
		]);
		expect(delivered.attachments[0].bytes).toBeUndefined();

		// the draft is gone after send
		const again = await graph(
			sim,
			token,
			'POST',
			`/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}/send`,
		);
		expect(again.status).toBe(404);
		expect(again.json.error).toMatchObject({
			code: 'ErrorItemNotFound',
			message: 'The specified object was not found in the store.',
		});
		expect(
			(await graph(sim, token, 'GET', `/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}`))
				.status,
		).toBe(404);
	});

	it('rejects a bearer token on the pre-authenticated uploadUrl, and a wrong authtoken', async () => {
		const draftId = await createDraft();
		const { uploadUrl } = (await createSession(draftId, 3 * MiB)).json as { uploadUrl: string };
		const withBearer = await put(uploadUrl, Buffer.alloc(1024), 0, 3 * MiB, {
			Authorization: `Bearer ${token}`,
		});
		expect(withBearer.status).toBe(401);
		expect(withBearer.json.error).toEqual({
			code: 'InvalidAudienceForResource',
			message: expect.stringMatching(
				/^The audience claim value is invalid for current resource\. Audience claim is 'https:\/\/.+', request url is 'https:\/\/.+\/api\/v2\.0\/Users/,
			),
		});
		const wrongToken = await put(
			uploadUrl.replace(/authtoken=.*/, 'authtoken=nope'),
			Buffer.alloc(1024),
			0,
			3 * MiB,
		);
		expect(wrongToken.status).toBe(401);
		const ok = await put(uploadUrl, Buffer.alloc(1024), 0, 3 * MiB);
		expect(ok.status).toBe(200);
	});

	it('enforces in-order ranges, the session size and the 4 MiB chunk cap', async () => {
		const size = 9 * MiB;
		const draftId = await createDraft();
		const { uploadUrl } = (await createSession(draftId, size)).json as { uploadUrl: string };
		expect((await put(uploadUrl, Buffer.alloc(10), 5, size)).status).toBe(416);
		expect((await put(uploadUrl, Buffer.alloc(10), 0, size + 1)).status).toBe(400);
		const tooBig = await put(uploadUrl, Buffer.alloc(4 * MiB + 1), 0, size);
		expect(tooBig.status).toBe(400);
		expect(tooBig.json.error.code).toBe('invalidRange');
		expect((await put(uploadUrl, Buffer.alloc(MiB), 0, size)).status).toBe(200);
		const overlap = await put(uploadUrl, Buffer.alloc(MiB), 0, size);
		expect(overlap.status).toBe(416);
		expect(overlap.json.error.message).toBe('Uploaded fragment overlaps with existing data.');
	});

	it('keeps the 2 MiB..150 MiB session bounds and the inline < 3 MiB rule', async () => {
		const draftId = await createDraft();
		const small = await createSession(draftId, 2 * MiB - 1);
		expect(small.status).toBe(400);
		expect(small.json.error.code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
		expect((await createSession(draftId, 150 * MiB + 1)).status).toBe(400);
		const inline = await graph(
			sim,
			token,
			'POST',
			`/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}/attachments`,
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'small.txt',
				contentBytes: Buffer.from('small').toString('base64'),
			},
		);
		expect(inline.status).toBe(201);
		expect(inline.json).toMatchObject({ name: 'small.txt', size: 5 });
	});

	it('cancels sessions (DELETE uploadUrl → 204) and deletes drafts (→ 204, then 404)', async () => {
		const draftId = await createDraft();
		const { uploadUrl } = (await createSession(draftId, 3 * MiB)).json as { uploadUrl: string };
		expect((await call(sim, uploadUrl, { method: 'DELETE' })).status).toBe(204);
		expect((await put(uploadUrl, Buffer.alloc(10), 0, 3 * MiB)).status).toBe(404);
		const path = `/users/${MAILBOX}/messages/${encodeURIComponent(draftId)}`;
		expect((await graph(sim, token, 'DELETE', path)).status).toBe(204);
		expect((await graph(sim, token, 'DELETE', path)).status).toBe(404);
		expect(sim.counters).toMatchObject({ draftsCreated: 1, draftsDeleted: 1 });
	});

	it('PidTagDeleteAfterSubmit (Boolean 0x0E01 = true) on a draft: sent without a Sent Items copy', async () => {
		const sendDraft = async (extra: Record<string, unknown>): Promise<void> => {
			const draft = await graph(sim, token, 'POST', `/users/${MAILBOX}/messages`, {
				...simpleMessage(),
				...extra,
			});
			expect(draft.status).toBe(201);
			const id = encodeURIComponent(draft.json.id as string);
			expect(
				(await graph(sim, token, 'POST', `/users/${MAILBOX}/messages/${id}/send`)).status,
			).toBe(202);
		};
		await sendDraft({ singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }] });
		await sendDraft({ singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'false' }] });
		await sendDraft({});
		expect(sim.outbox.map((m) => [m.via, m.saveToSentItems])).toEqual([
			['draft', false],
			['draft', true],
			['draft', true],
		]);
	});

	it('needs Mail.ReadWrite for drafts', async () => {
		sim.updateApp(DEMO.clientId, { permissions: ['Mail.Send'] });
		const t = await getToken(sim);
		const res = await graph(sim, t, 'POST', `/users/${MAILBOX}/messages`, simpleMessage());
		expect(res.status).toBe(403);
		expect(res.json.error.code).toBe('ErrorAccessDenied');
	});

	it('checks recipients and MaxSendSize when the draft is sent', async () => {
		const noRecipients = await graph(sim, token, 'POST', `/users/${MAILBOX}/messages`, {
			subject: 'x',
		});
		const id = encodeURIComponent(noRecipients.json.id as string);
		const send = await graph(sim, token, 'POST', `/users/${MAILBOX}/messages/${id}/send`);
		expect(send.json.error.code).toBe('ErrorInvalidRecipients');

		const alerts = encodeURIComponent(DEMO.alerts.userPrincipalName); // default 35 MiB MaxSendSize
		const draft = await graph(sim, token, 'POST', `/users/${alerts}/messages`, simpleMessage());
		const draftId = encodeURIComponent(draft.json.id as string);
		const { uploadUrl } = (
			await graph(
				sim,
				token,
				'POST',
				`/users/${alerts}/messages/${draftId}/attachments/createUploadSession`,
				{
					AttachmentItem: { attachmentType: 'file', name: 'huge.bin', size: 36 * MiB },
				},
			)
		).json as { uploadUrl: string };
		const chunk = Buffer.alloc(4 * MiB);
		for (let start = 0; start < 36 * MiB; start += 4 * MiB)
			expect((await put(uploadUrl, chunk, start, 36 * MiB)).status).toBeLessThan(300);
		const tooBig = await graph(sim, token, 'POST', `/users/${alerts}/messages/${draftId}/send`);
		expect(tooBig.status).toBe(400);
		expect(tooBig.json.error.code).toBe('ErrorMessageSizeExceeded');
		expect(sim.outbox).toHaveLength(0);
	});

	it('throttles uploads over the optional IncomingBytes budget', async () => {
		const budgeted = await startSimulator({
			uploadBytesPer5MinPerMailbox: 5 * MiB,
			throttleRetryAfterSeconds: 2.5,
		});
		try {
			loadDemoScenario(budgeted);
			const t = await getToken(budgeted);
			const draft = await graph(budgeted, t, 'POST', `/users/${MAILBOX}/messages`, simpleMessage());
			const draftId = encodeURIComponent(draft.json.id as string);
			const { uploadUrl } = (
				await graph(
					budgeted,
					t,
					'POST',
					`/users/${MAILBOX}/messages/${draftId}/attachments/createUploadSession`,
					{
						AttachmentItem: { attachmentType: 'file', name: 'f.bin', size: 8 * MiB },
					},
				)
			).json as { uploadUrl: string };
			const first = await call(budgeted, uploadUrl, {
				method: 'PUT',
				headers: { 'Content-Range': `bytes 0-${4 * MiB - 1}/${8 * MiB}` },
				body: Buffer.alloc(4 * MiB),
			});
			expect(first.status).toBe(200);
			const second = await call(budgeted, uploadUrl, {
				method: 'PUT',
				headers: { 'Content-Range': `bytes ${4 * MiB}-${8 * MiB - 1}/${8 * MiB}` },
				body: Buffer.alloc(4 * MiB),
			});
			expect(second.status).toBe(429);
			expect(second.headers['retry-after']).toBe('2.5');
			expect(second.json.error.message).toBe('Application is over its IncomingBytes limit.');
		} finally {
			await budgeted.close();
		}
	});
});
