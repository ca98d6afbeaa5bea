import * as https from 'node:https';
import * as tls from 'node:tls';
import {
	startSimulator,
	DEMO,
	loadDemoScenario,
	getToken,
	graph,
	simpleMessage,
	useSimulator,
} from '..';

const SENDER = DEMO.sender.userPrincipalName;
const sendPath = (mailbox: string = SENDER): string =>
	`/users/${encodeURIComponent(mailbox)}/sendMail`;

describe('simulated Graph sendMail', () => {
	let token: string;
	const sim = useSimulator({}, async (s) => {
		token = await getToken(s);
	});

	it('answers 202 with an empty body and delivers to the outbox', async () => {
		const message = {
			...simpleMessage(),
			ccRecipients: [{ emailAddress: { address: 'cc@example.com' } }],
			internetMessageHeaders: [{ name: 'X-Trace', value: 't-1' }],
			attachments: [
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'a.txt',
					contentType: 'text/plain',
					contentBytes: Buffer.from('hello').toString('base64'),
				},
			],
		};
		const res = await graph(
			sim,
			token,
			'POST',
			sendPath(),
			{ message, saveToSentItems: false },
			{ 'client-request-id': 'crid-1' },
		);
		expect(res.status).toBe(202);
		expect(res.text).toBe('');
		expect(res.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
		expect(res.headers['client-request-id']).toBe('crid-1');
		expect(sim.outbox).toHaveLength(1);
		const delivered = sim.outbox[0];
		expect(delivered).toMatchObject({
			mailbox: SENDER,
			userId: DEMO.sender.id,
			clientId: DEMO.clientId,
			via: 'sendMail',
			saveToSentItems: false,
			clientRequestId: 'crid-1',
			requestId: res.headers['request-id'],
			internetMessageHeaders: [{ name: 'X-Trace', value: 't-1' }],
		});
		expect(delivered.message.attachments[0]).not.toHaveProperty('contentBytes');
		expect(delivered.attachments[0]).toMatchObject({
			name: 'a.txt',
			size: 5,
			via: 'request',
			isInline: false,
		});
		expect(delivered.attachments[0].bytes?.toString()).toBe('hello');
		expect(sim.counters.sendMailCalls).toBe(1);
	});

	it('addresses mailboxes by object id too', async () => {
		const res = await graph(sim, token, 'POST', sendPath(DEMO.alerts.id), {
			message: simpleMessage(),
		});
		expect(res.status).toBe(202);
		expect(sim.outbox[0].mailbox).toBe(DEMO.alerts.userPrincipalName);
	});

	it('the no-recipient probe gets 400 ErrorInvalidRecipients and delivers nothing', async () => {
		const res = await graph(sim, token, 'POST', sendPath(), {
			message: { subject: 'probe' },
			saveToSentItems: false,
		});
		expect(res.status).toBe(400);
		expect(res.json.error.code).toBe('ErrorInvalidRecipients');
		expect(res.json.error.innerError).toEqual({
			date: expect.any(String),
			'request-id': res.headers['request-id'],
			'client-request-id': expect.any(String),
		});
		expect(sim.outbox).toHaveLength(0);
	});

	describe('check order', () => {
		it('401 without / with a bad token', async () => {
			const none = await graph(sim, undefined, 'POST', sendPath(), { message: simpleMessage() });
			expect(none.status).toBe(401);
			expect(none.json.error).toMatchObject({
				code: 'InvalidAuthenticationToken',
				message: 'Access token is empty.',
			});
			const garbage = await graph(sim, 'not.a.jwt', 'POST', sendPath(), {
				message: simpleMessage(),
			});
			expect(garbage.json.error.message).toContain('CompactToken validation failed');
		});

		it('expired token', async () => {
			const short = await startSimulator({ accessTokenLifetimeSeconds: 1 });
			try {
				loadDemoScenario(short);
				const t = await getToken(short);
				await new Promise((r) => setTimeout(r, 1100));
				const res = await graph(short, t, 'POST', sendPath(), { message: simpleMessage() });
				expect(res.json.error).toMatchObject({
					code: 'InvalidAuthenticationToken',
					message: 'Lifetime validation failed, the token is expired.',
				});
				// tokens of one simulator are not valid at another (audience)
				const elsewhere = await graph(sim, t, 'POST', sendPath(), { message: simpleMessage() });
				expect(elsewhere.json.error.message).toBe(
					'Access token validation failure. Invalid audience.',
				);
			} finally {
				await short.close();
			}
		});

		it('401 NoPermissionsInAccessToken without consent, 403 without Mail.Send', async () => {
			sim.updateApp(DEMO.clientId, { adminConsent: false });
			const noRoles = await graph(sim, await getToken(sim), 'POST', sendPath(), {
				message: simpleMessage(),
			});
			expect(noRoles.status).toBe(401);
			expect(noRoles.json.error.code).toBe('NoPermissionsInAccessToken');
			sim.updateApp(DEMO.clientId, { adminConsent: true, permissions: ['Mail.ReadWrite'] });
			const noSend = await graph(sim, await getToken(sim), 'POST', sendPath(), {
				message: simpleMessage(),
			});
			expect(noSend.status).toBe(403);
			expect(noSend.json.error).toMatchObject({
				code: 'ErrorAccessDenied',
				message: 'Access is denied. Check credentials and try again.',
			});
		});

		it('404 for unknown users and mailboxes without Exchange Online', async () => {
			const unknown = await graph(sim, token, 'POST', sendPath('nobody@contoso.onmicrosoft.com'), {
				message: simpleMessage(),
			});
			expect(unknown.status).toBe(404);
			expect(unknown.json.error).toMatchObject({
				code: 'ErrorInvalidUser',
				message: "The requested user 'nobody@contoso.onmicrosoft.com' is invalid.",
			});
			sim.addUser({
				tenantId: DEMO.tenantId,
				id: '88888888-8888-4888-8888-888888888888',
				userPrincipalName: 'nolicence@contoso.onmicrosoft.com',
				licensed: false,
			});
			const unlicensed = await graph(
				sim,
				token,
				'POST',
				sendPath('nolicence@contoso.onmicrosoft.com'),
				{ message: {} },
			);
			expect(unlicensed.status).toBe(404);
			expect(unlicensed.json.error.code).toBe('MailboxNotEnabledForRESTAPI');
		});

		it('403 for mailboxes outside an access policy (no innerError) or RBAC scope', async () => {
			sim.restrictApp({
				clientId: DEMO.clientId,
				kind: 'applicationAccessPolicy',
				allowedMailboxes: [DEMO.alerts.userPrincipalName],
			});
			const blocked = await graph(sim, token, 'POST', sendPath(), { message: simpleMessage() });
			expect(blocked.status).toBe(403);
			expect(blocked.json).toEqual({
				error: {
					code: 'ErrorAccessDenied',
					message:
						'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
				},
			});
			expect(
				(
					await graph(sim, token, 'POST', sendPath(DEMO.alerts.userPrincipalName), {
						message: simpleMessage(),
					})
				).status,
			).toBe(202);
			sim.restrictApp({
				clientId: DEMO.clientId,
				kind: 'rbac',
				allowedMailboxes: [DEMO.alerts.id],
			});
			const rbac = await graph(sim, token, 'POST', sendPath(), { message: simpleMessage() });
			expect(rbac.json.error).toMatchObject({
				code: 'ErrorAccessDenied',
				message: 'Access is denied. Check credentials and try again.',
			});
		});

		it('/me is delegated-only', async () => {
			const res = await graph(sim, token, 'POST', '/me/sendMail', { message: simpleMessage() });
			expect(res.status).toBe(400);
			expect(res.json.error.message).toBe(
				'/me request is only valid with delegated authentication flow.',
			);
		});

		it('413 over 4 MiB without buffering it', async () => {
			const big = 'x'.repeat(4 * 1024 * 1024 + 10);
			const res = await graph(sim, token, 'POST', sendPath(), {
				message: { ...simpleMessage(), body: { contentType: 'text', content: big } },
			});
			expect(res.status).toBe(413);
			expect(res.json.error).toMatchObject({
				code: 'BadRequest',
				message: 'The maximum request length supported is 4MB.',
			});
			expect(sim.outbox).toHaveLength(0);
		});
		it('413 for a chunked (no Content-Length) body once it passes 4 MiB', async () => {
			const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
				const req = https.request(
					`${sim.url}/v1.0${sendPath()}`,
					{
						method: 'POST',
						ca: sim.caCertPem,
						agent: false,
						headers: {
							Authorization: `Bearer ${token}`,
							'Content-Type': 'application/json',
							'Transfer-Encoding': 'chunked',
						},
					},
					(r) => {
						let body = '';
						r.on('data', (d: Buffer) => (body += d.toString()));
						r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
					},
				);
				req.on('error', reject);
				const piece = Buffer.alloc(256 * 1024, 0x20);
				for (let i = 0; i < 20; i++) req.write(piece);
				req.end();
			});
			expect(res.status).toBe(413);
			expect(JSON.parse(res.body).error.code).toBe('BadRequest');
			expect(sim.requests.find((r) => r.kind === 'graph')?.bodyBytes).toBeLessThanOrEqual(
				4 * 1024 * 1024 + 256 * 1024,
			);
		});
	});

	describe('payload validation', () => {
		const send = (body: unknown, contentType?: string): ReturnType<typeof graph> =>
			graph(
				sim,
				token,
				'POST',
				sendPath(),
				body,
				contentType ? { 'Content-Type': contentType } : {},
			);

		it.each([
			[
				'unknown parameter',
				{ message: simpleMessage(), foo: 1 },
				'RequestBodyRead',
				"The parameter 'foo' in the request payload is not a valid parameter for the operation 'sendMail'.",
			],
			[
				'unknown property',
				{ message: { ...simpleMessage(), subjekt: 'x' } },
				'RequestBodyRead',
				"The property 'subjekt' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.",
			],
			[
				'bad body type',
				{ message: { ...simpleMessage(), body: { contentType: 'markdown', content: 'x' } } },
				'RequestBodyRead',
				"Cannot convert the literal 'markdown' to the expected type 'microsoft.graph.bodyType'.",
			],
			[
				'attachment without contentBytes',
				{
					message: {
						...simpleMessage(),
						attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a' }],
					},
				},
				'ErrorRequiredPropertyMissing',
				'Required property is missing.',
			],
			[
				'bad address',
				{ message: simpleMessage('a.@b.com') },
				'ErrorInvalidRecipients',
				expect.stringContaining("Recipient 'a.@b.com'"),
			],
			[
				'empty header list',
				{ message: { ...simpleMessage(), internetMessageHeaders: [] } },
				'InvalidInternetMessageHeaderCollection',
				'Maximum number of headers in one message should be less than or equal to 5.',
			],
			[
				'non-x header',
				{
					message: {
						...simpleMessage(),
						internetMessageHeaders: [{ name: 'In-Reply-To', value: '<a@b>' }],
					},
				},
				'InvalidInternetMessageHeader',
				"The internet message header name 'In-Reply-To' should start with 'x-' or 'X-'.",
			],
			[
				'attachment without type',
				{ message: { ...simpleMessage(), attachments: [{ name: 'a', contentBytes: 'AA==' }] } },
				'RequestBodyRead',
				expect.any(String),
			],
			[
				'bad base64',
				{
					message: {
						...simpleMessage(),
						attachments: [
							{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a', contentBytes: '***' },
						],
					},
				},
				'RequestBodyRead',
				expect.stringContaining('Base-64'),
			],
		])('%s → 400', async (_name, body, code, message) => {
			const res = await send(body);
			expect(res.status).toBe(400);
			expect(res.json.error).toMatchObject({ code, message });
			expect(sim.outbox).toHaveLength(0);
		});

		it('rejects non-JSON, > 500 recipients and > 5 headers', async () => {
			expect((await send('{not json')).json.error.message).toMatch(
				/^Unable to read JSON request payload/,
			);
			const many = Array.from({ length: 501 }, (_, i) => ({
				emailAddress: { address: `r${i}@example.com` },
			}));
			expect(
				(await send({ message: { ...simpleMessage(), bccRecipients: many } })).json.error.code,
			).toBe('ErrorInvalidRecipients');
			const headers = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
			expect(
				(await send({ message: { ...simpleMessage(), internetMessageHeaders: headers } })).json
					.error.code,
			).toBe('InvalidInternetMessageHeaderCollection');
		});

		it('accepts internationalized (EAI) recipient addresses', async () => {
			for (const address of ['josé@exämple.com', '用户@例子.广告', 'δοκιμή@παράδειγμα.δοκιμή']) {
				const res = await send({ message: simpleMessage(address) });
				expect([address, res.status]).toEqual([address, 202]);
			}
			expect(sim.outbox.map((m) => m.message.toRecipients)).toHaveLength(3);
		});

		it('enforces Send As on from', async () => {
			const foreign = {
				...simpleMessage(),
				from: { emailAddress: { address: 'ceo@contoso.onmicrosoft.com' } },
			};
			const denied = await send({ message: foreign });
			expect(denied.status).toBe(403);
			expect(denied.json.error.code).toBe('ErrorSendAsDenied');
			sim.addUser({
				tenantId: DEMO.tenantId,
				id: DEMO.sender.id,
				userPrincipalName: SENDER,
				sendAs: ['CEO@contoso.onmicrosoft.com'],
			});
			expect((await send({ message: foreign })).status).toBe(202);
			expect(
				(
					await send({
						message: {
							...simpleMessage(),
							from: { emailAddress: { address: SENDER.toUpperCase() } },
						},
					})
				).status,
			).toBe(202);
		});

		it('enforces the mailbox MaxSendSize', async () => {
			sim.addUser({
				tenantId: DEMO.tenantId,
				id: DEMO.sender.id,
				userPrincipalName: SENDER,
				maxSendSizeBytes: 1000,
			});
			const bytes = Buffer.alloc(2000, 1).toString('base64');
			const res = await send({
				message: {
					...simpleMessage(),
					attachments: [
						{
							'@odata.type': '#microsoft.graph.fileAttachment',
							name: 'big.bin',
							contentBytes: bytes,
						},
					],
				},
			});
			expect(res.status).toBe(400);
			expect(res.json.error.code).toBe('ErrorMessageSizeExceeded');
		});

		it('accepts a MIME message (text/plain base64) and rejects bad base64', async () => {
			const mime =
				'From: sender@contoso.onmicrosoft.com\r\nTo: "A B" <ab@example.com>, c@example.com\r\nSubject: Mime\r\nX-Tag: 1\r\n\r\nbody';
			expect((await send(Buffer.from(mime).toString('base64'), 'text/plain')).status).toBe(202);
			expect(sim.outbox[0].message).toMatchObject({
				subject: 'Mime',
				toRecipients: [
					{ emailAddress: { address: 'ab@example.com', name: 'A B' } },
					{ emailAddress: { address: 'c@example.com' } },
				],
			});
			const bad = await send('%%%', 'text/plain');
			expect(bad.json.error).toMatchObject({
				code: 'ErrorMimeContentInvalidBase64String',
				message: 'Invalid base64 string for MIME content.',
			});
		});
	});

	it('throttles the 5th and 6th concurrent request for one app + mailbox with 429 + Retry-After', async () => {
		// All 6 are held until all have arrived: the first 4 hold their slots, whatever the machine's
		// load.
		sim.gatherRequests({ path: /\/sendMail$/, count: 6 });
		const results = await Promise.all(
			Array.from({ length: 6 }, () =>
				graph(sim, token, 'POST', sendPath(), { message: simpleMessage() }),
			),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
		const throttled = results.find((r) => r.status === 429);
		expect(throttled?.headers['retry-after']).toBe('1');
		expect(throttled?.json).toEqual({
			error: {
				code: 'ApplicationThrottled',
				message: 'Application is over its MailboxConcurrency limit.',
			},
		});
		expect(sim.counters.maxInFlightByMailbox[SENDER]).toBe(4);
		expect(sim.counters.maxInFlight).toBe(4);
		expect(sim.counters.throttled).toBe(2);
		expect(sim.counters.inFlightByMailbox[SENDER]).toBe(0);
		expect(sim.outbox).toHaveLength(4);
		// other mailboxes have their own budget
		const other = await graph(sim, token, 'POST', sendPath(DEMO.alerts.userPrincipalName), {
			message: simpleMessage(),
		});
		expect(other.status).toBe(202);
	});

	it('answers unknown segments with Resource not found', async () => {
		const res = await graph(sim, token, 'POST', `/users/${SENDER}/sendMial`, {
			message: simpleMessage(),
		});
		expect(res.status).toBe(400);
		expect(res.json.error.message).toBe("Resource not found for the segment 'sendMial'.");
		expect((await graph(sim, token, 'GET', `/users/${SENDER}/sendMail`)).status).toBe(405);
	});

	it.each([
		['POST', 'sendMail/extra', 400, "Resource not found for the segment 'extra'."],
		['GET', 'messages/AAMk=/foo', 400, "Resource not found for the segment 'foo'."],
		// x is an attachment id (GET …/attachments/{id}/$value exists); y is the unknown segment.
		['GET', 'messages/AAMk=/attachments/x/y', 400, "Resource not found for the segment 'y'."],
		['PUT', 'messages', 405, "The HTTP method 'PUT' is not supported for the resource 'messages'."],
		[
			'GET',
			'messages/AAMk=/send',
			405,
			"The request URI is not valid. Since the segment 'send' refers to an action, the only supported HTTP method is POST.",
		],
	])('routing: %s %s → %i', async (method, path, status, message) => {
		const res = await graph(sim, token, method, `/users/${SENDER}/${path}`);
		expect([res.status, res.json.error.message]).toEqual([status, message]);
	});

	it('records requests without secrets and with redacted authorization', async () => {
		await graph(
			sim,
			token,
			'POST',
			sendPath(),
			{ message: simpleMessage() },
			{ 'client-request-id': 'r-1' },
		);
		const rec = sim.requests.find((r) => r.kind === 'graph');
		expect(rec).toMatchObject({
			method: 'POST',
			mailbox: SENDER,
			clientId: DEMO.clientId,
			status: 202,
			hasAuthorization: true,
			clientRequestId: 'r-1',
		});
		expect(JSON.stringify(sim.requests)).not.toContain(token);
	});

	it('is real TLS: a client that does not trust the test CA is refused', async () => {
		const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
			const req = https.request(
				`${sim.url}/v1.0/users`,
				{ ca: tls.rootCertificates as string[], agent: false },
				() => resolve(new Error('connected')),
			);
			req.on('error', resolve);
			req.end();
		});
		expect(err.code).toMatch(
			/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
		);
	});
});
