import {
	makeTestCertificate,
	DEMO,
	call,
	decodePayload,
	form,
	makeAssertion,
	tokenUrl,
	useSimulator,
} from '..';

const CERT_APP = '66666666-6666-4666-8666-666666666666';

describe('simulated Microsoft identity platform', () => {
	const cert = makeTestCertificate({ commonName: 'cert-app' });
	const otherCert = makeTestCertificate({ commonName: 'not-registered' });

	const sim = useSimulator({}, (s) => {
		s.addApp({
			tenantId: DEMO.tenantId,
			clientId: CERT_APP,
			certificates: [{ pem: cert.certPem }],
			permissions: ['Mail.Send'],
		});
	});

	const secretForm = (over: Record<string, string> = {}): Record<string, string> => ({
		client_id: DEMO.clientId,
		client_secret: DEMO.secretValue,
		scope: `${sim.graphEndpoint}/.default`,
		grant_type: 'client_credentials',
		'x-client-SKU': 'msal.js.node',
		...over,
	});

	it('issues an app-only token for a client secret', async () => {
		const res = await call(sim, `${tokenUrl(sim)}?client-request-id=abc-123`, form(secretForm()));
		expect(res.status).toBe(200);
		expect(res.headers['cache-control']).toBe('no-store, no-cache');
		expect(res.headers.pragma).toBe('no-cache');
		expect(res.headers['client-request-id']).toBe('abc-123');
		expect(res.json).toEqual({
			token_type: 'Bearer',
			expires_in: 3599,
			ext_expires_in: 3599,
			access_token: expect.any(String),
		});
		const claims = decodePayload(res.json.access_token);
		expect(claims).toMatchObject({
			aud: sim.graphEndpoint,
			iss: `https://sts.windows.net/${DEMO.tenantId}/`,
			tid: DEMO.tenantId,
			appid: DEMO.clientId,
			appidacr: '1',
			idtyp: 'app',
			ver: '1.0',
			roles: ['Mail.Send', 'Mail.ReadWrite'],
		});
		expect(claims.oid).toBe(claims.sub);
		expect(sim.counters.tokenRequests).toBe(1);
		expect(sim.counters.tokenRequestsByClient[DEMO.clientId]).toBe(1);
	});

	it('accepts a verified domain instead of the tenant GUID, case-insensitively', async () => {
		const res = await call(sim, tokenUrl(sim, 'Contoso.OnMicrosoft.com'), form(secretForm()));
		expect(res.status).toBe(200);
	});

	it('omits roles when admin consent is missing', async () => {
		sim.updateApp(DEMO.clientId, { adminConsent: false });
		const res = await call(sim, tokenUrl(sim), form(secretForm()));
		expect(res.status).toBe(200);
		expect(decodePayload(res.json.access_token)).not.toHaveProperty('roles');
	});

	it.each([
		['malformed tenant', 'not a tenant!', {}, 400, 'invalid_request', 900023],
		['unknown tenant', '99999999-9999-4999-8999-999999999999', {}, 400, 'invalid_tenant', 90002],
		[
			'wrong grant',
			DEMO.tenantId,
			{ grant_type: 'password' },
			400,
			'unsupported_grant_type',
			70003,
		],
		[
			'unknown client',
			DEMO.tenantId,
			{ client_id: '77777777-7777-4777-8777-777777777777' },
			400,
			'unauthorized_client',
			700016,
		],
		[
			'scope without /.default',
			DEMO.tenantId,
			{ scope: 'Mail.Send' },
			400,
			'invalid_scope',
			1002012,
		],
		[
			'scope for another resource',
			DEMO.tenantId,
			{ scope: 'https://graph.microsoft.com/.default' },
			400,
			'invalid_resource',
			500011,
		],
		[
			'secret ID instead of value',
			DEMO.tenantId,
			{ client_secret: DEMO.secretId },
			401,
			'invalid_client',
			7000215,
		],
	])('%s → AADSTS error', async (_name, tenant, over, status, error, code) => {
		const res = await call(sim, tokenUrl(sim, tenant), form(secretForm(over)));
		expect(res.status).toBe(status);
		expect(res.json).toEqual({
			error,
			error_description: expect.stringMatching(
				new RegExp(
					`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]+\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
				),
			),
			error_codes: [code],
			timestamp: expect.any(String),
			trace_id: expect.any(String),
			correlation_id: expect.any(String),
			error_uri: `https://login.microsoftonline.com/error?code=${code}`,
		});
		expect(sim.counters.tokenErrors).toBe(1);
		expect(res.headers['client-request-id']).toBeUndefined();
	});

	it("uses the caller's client-request-id as correlation id", async () => {
		const res = await call(
			sim,
			`${tokenUrl(sim)}?client-request-id=corr-9`,
			form(secretForm({ client_secret: 'wrong' })),
		);
		expect(res.json.correlation_id).toBe('corr-9');
		expect(res.json.error_description).toContain('\r\nCorrelation ID: corr-9\r\n');
	});

	it('says secret value vs ID, and reports expired secrets', async () => {
		const wrong = await call(
			sim,
			tokenUrl(sim),
			form(secretForm({ client_secret: DEMO.secretId })),
		);
		expect(wrong.json.error_description).toContain('not the client secret ID');
		sim.updateApp(DEMO.clientId, {
			secrets: [
				{ id: DEMO.secretId, value: DEMO.secretValue, expiresAt: new Date(Date.now() - 1000) },
			],
		});
		const expired = await call(sim, tokenUrl(sim), form(secretForm()));
		expect(expired.status).toBe(401);
		expect(expired.json.error_codes).toEqual([7000222]);
	});

	it('requires a credential', async () => {
		const values = secretForm();
		delete values.client_secret;
		const res = await call(sim, tokenUrl(sim), form(values));
		expect(res.status).toBe(401);
		expect(res.json.error_codes).toEqual([7000218]);
	});

	describe('certificate credentials', () => {
		const assertionForm = (assertion: string): Record<string, string> => ({
			client_id: CERT_APP,
			scope: `${sim.graphEndpoint}/.default`,
			grant_type: 'client_credentials',
			client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
			client_assertion: assertion,
		});
		const assertion = (over: Partial<Parameters<typeof makeAssertion>[0]> = {}): string =>
			makeAssertion({
				keyPem: cert.keyPem,
				certPem: cert.certPem,
				clientId: CERT_APP,
				aud: tokenUrl(sim),
				...over,
			});

		it('accepts PS256 + x5t#S256 and RS256 + x5t', async () => {
			for (const alg of ['PS256', 'RS256'] as const) {
				const res = await call(
					sim,
					`${tokenUrl(sim)}?client-request-id=x`,
					form(assertionForm(assertion({ alg }))),
				);
				expect(res.status).toBe(200);
				expect(decodePayload(res.json.access_token)).toMatchObject({
					appid: CERT_APP,
					appidacr: '2',
					roles: ['Mail.Send'],
				});
			}
		});

		it('accepts an encrypted key once decrypted by the client', async () => {
			const enc = makeTestCertificate({ passphrase: 'pw' });
			sim.updateApp(CERT_APP, { certificates: [{ pem: enc.certPem }] });
			const a = makeAssertion({
				keyPem: enc.keyPem,
				passphrase: 'pw',
				certPem: enc.certPem,
				clientId: CERT_APP,
				aud: tokenUrl(sim),
			});
			expect((await call(sim, tokenUrl(sim), form(assertionForm(a)))).status).toBe(200);
		});

		it('rejects an unregistered certificate with AADSTS700027 naming the thumbprint', async () => {
			const a = makeAssertion({
				keyPem: otherCert.keyPem,
				certPem: otherCert.certPem,
				clientId: CERT_APP,
				aud: tokenUrl(sim),
			});
			const res = await call(sim, tokenUrl(sim), form(assertionForm(a)));
			expect(res.status).toBe(401);
			expect(res.json.error).toBe('invalid_client');
			expect(res.json.error_codes).toEqual([700027]);
			expect(res.json.error_description).toContain(
				'is not registered on application. [Reason - The key was not found.',
			);
			expect(res.json.error_description).toContain(otherCert.thumbprintSha256Hex);
		});

		it('rejects a signature made with another key', async () => {
			const a = makeAssertion({
				keyPem: otherCert.keyPem,
				certPem: cert.certPem,
				clientId: CERT_APP,
				aud: tokenUrl(sim),
			});
			const res = await call(sim, tokenUrl(sim), form(assertionForm(a)));
			expect(res.status).toBe(401);
			expect(res.json.error_description).toContain(
				'Client assertion contains an invalid signature. [Reason - The provided signature value did not match',
			);
		});

		it('checks aud, iss/sub and the time range', async () => {
			const wrongAud = await call(
				sim,
				tokenUrl(sim),
				form(
					assertionForm(
						assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }),
					),
				),
			);
			expect(wrongAud.json.error_codes).toEqual([700027]);
			const wrongIss = await call(
				sim,
				tokenUrl(sim),
				form(assertionForm(assertion({ iss: DEMO.clientId }))),
			);
			expect(wrongIss.json.error_codes).toEqual([700027]);
			const now = Math.floor(Date.now() / 1000);
			const expired = await call(
				sim,
				tokenUrl(sim),
				form(assertionForm(assertion({ nbf: now - 3600, exp: now - 1800 }))),
			);
			expect(expired.status).toBe(401);
			expect(expired.json.error_codes).toEqual([700024]);
			// aud with a query string still matches (query is ignored)
			const withQuery = await call(
				sim,
				tokenUrl(sim),
				form(assertionForm(assertion({ aud: `${tokenUrl(sim)}?client-request-id=1` }))),
			);
			expect(withQuery.status).toBe(200);
		});
	});

	it('serves OpenID metadata and instance discovery for msal-node', async () => {
		const meta = await call(sim, `/${DEMO.tenantDomain}/v2.0/.well-known/openid-configuration`);
		expect(meta.status).toBe(200);
		expect(meta.json).toMatchObject({
			token_endpoint: `${sim.url}/${DEMO.tenantId}/oauth2/v2.0/token`,
			issuer: `${sim.url}/${DEMO.tenantId}/v2.0`,
			authorization_endpoint: `${sim.url}/${DEMO.tenantId}/oauth2/v2.0/authorize`,
			jwks_uri: `${sim.url}/${DEMO.tenantId}/discovery/v2.0/keys`,
		});
		const unknown = await call(
			sim,
			'/99999999-9999-4999-8999-999999999999/v2.0/.well-known/openid-configuration',
		);
		expect(unknown.status).toBe(400);
		expect(unknown.json.error_codes).toEqual([90002]);
		const endpoint = encodeURIComponent(`${sim.url}/${DEMO.tenantId}/oauth2/v2.0/authorize`);
		const discovery = await call(
			sim,
			`/common/discovery/instance?api-version=1.1&authorization_endpoint=${endpoint}`,
		);
		expect(discovery.json.tenant_discovery_endpoint).toBe(
			`${sim.url}/${DEMO.tenantId}/v2.0/.well-known/openid-configuration`,
		);
		expect(discovery.json.metadata[0].aliases).toEqual([new URL(sim.url).host]);
	});

	it('never records secrets', async () => {
		await call(sim, tokenUrl(sim), form(secretForm()));
		expect(JSON.stringify(sim.requests)).not.toContain(DEMO.secretValue);
		expect(sim.requests[0]).toMatchObject({ kind: 'token', clientId: DEMO.clientId, status: 200 });
	});
});
