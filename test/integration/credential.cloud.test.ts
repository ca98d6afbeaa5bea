import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { MicrosoftGraphClientCredentialsApi } from '../../credentials/MicrosoftGraphClientCredentialsApi.credentials';
import { readGraphSettings } from '../../nodes/shared/credential/settings';
import {
	CredentialTestFailure,
	runCredentialTest,
} from '../../nodes/shared/diagnostics/credentialTest';
import {
	TransportError,
	type HttpClient,
	type HttpRequest,
} from '../../nodes/shared/transport/httpClient';
import { casesOf, expectCaseOutcome, runFailureCase } from '../harness/credentialCases';
import { testCredential } from '../harness/credentialTest';
import { useCredentialWorld } from '../harness/world';

/**
 * Clouds and the network (wrong cloud, token endpoint unreachable / timing out). The wrong-cloud
 * cases use a second simulator as "another cloud": its Graph host is unknown to the tenant's
 * identity platform (AADSTS500011) and its tenant is unknown there (AADSTS90002).
 */
const w = useCredentialWorld();

describe.each(['cloud', 'network'] as const)('%s failures', (group) => {
	test.each(casesOf(group).map((c) => [c.id, c] as const))(
		'%s',
		async (_id, c) => {
			expectCaseOutcome(w, c, await runFailureCase(w, c));
		},
		100_000,
	);
});

/**
 * https://learn.microsoft.com/graph/deployments, written out here rather than read from clouds.ts.
 */
const NAMED_CLOUDS = [
	{
		cloud: 'global',
		label: 'Global (incl. GCC)',
		authorityHost: 'https://login.microsoftonline.com',
		graphEndpoint: 'https://graph.microsoft.com',
	},
	{
		cloud: 'usGovHigh',
		label: 'US Government L4 (GCC High)',
		authorityHost: 'https://login.microsoftonline.us',
		graphEndpoint: 'https://graph.microsoft.us',
	},
	{
		cloud: 'usGovDod',
		label: 'US Government L5 (DoD)',
		authorityHost: 'https://login.microsoftonline.us',
		graphEndpoint: 'https://dod-graph.microsoft.us',
	},
	{
		cloud: 'china',
		label: 'China (21Vianet)',
		authorityHost: 'https://login.partner.microsoftonline.cn',
		graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
	},
] as const;

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '66666666-7777-4888-9999-000000000000';

/**
 * An HttpClient that records each request and answers none (as if the host were unreachable): it
 * shows where the real code would send the token request for a named cloud without leaving this
 * machine.
 */
function recordingTransport(): HttpClient & { requests: HttpRequest[] } {
	const requests: HttpRequest[] = [];
	return {
		requests,
		async send(request) {
			requests.push(request);
			throw new TransportError('offline test transport', 'ENOTFOUND', false, false);
		},
	};
}

describe('named clouds', () => {
	test.each(NAMED_CLOUDS.map((c) => [c.cloud, c] as const))(
		'%s maps to its identity and Graph hosts',
		async (_name, expected) => {
			const raw = {
				cloud: expected.cloud,
				tenantId: TENANT,
				clientId: CLIENT,
				clientSecret: 'not-used',
				authorityHost: 'https://ignored.example',
				graphEndpoint: 'https://ignored.example',
			};
			const settings = readGraphSettings(raw);
			expect({
				cloud: settings.cloud,
				label: settings.cloudLabel,
				authorityHost: settings.authorityHost,
				graphEndpoint: settings.graphEndpoint,
			}).toEqual({
				cloud: expected.cloud,
				label: expected.label,
				authorityHost: expected.authorityHost,
				graphEndpoint: expected.graphEndpoint,
			});

			// The credential test's one request goes to that cloud's token endpoint, for that cloud's
			// Graph (no discovery call first).
			const transport = recordingTransport();
			const failure = await runCredentialTest(
				{ ...raw, senderMailbox: 'sender@contoso.com' },
				transport,
			).catch((e: unknown) => e);
			expect(failure).toBeInstanceOf(CredentialTestFailure);
			expect((failure as CredentialTestFailure).reason).toBe('unreachable');
			const host = new URL(expected.authorityHost).host;
			expect((failure as CredentialTestFailure).message).toContain(
				`Cannot reach the Microsoft sign-in endpoint ${host} (host name not found in DNS)`,
			);
			expect(transport.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(
				transport.requests.map(() => `POST ${expected.authorityHost}/${TENANT}/oauth2/v2.0/token`),
			);
			expect(transport.requests.length).toBeGreaterThanOrEqual(1);
			const form = new URLSearchParams(String(transport.requests[0].body));
			expect(form.get('scope')).toBe(`${expected.graphEndpoint}/.default`);
			expect(form.get('client_id')).toBe(CLIENT);
			expect(form.get('grant_type')).toBe('client_credentials');
		},
	);

	test('the Cloud options of the credential describe the same hosts', () => {
		const cloud = new MicrosoftGraphClientCredentialsApi().properties.find(
			(p) => p.name === 'cloud',
		)!;
		const options = cloud.options as { value: string; description: string }[];
		for (const expected of NAMED_CLOUDS) {
			expect(options.find((o) => o.value === expected.cloud)?.description).toBe(
				`${expected.authorityHost} and ${expected.graphEndpoint}`,
			);
		}
		expect(options.map((o) => o.value)).toEqual([
			'global',
			'usGovHigh',
			'usGovDod',
			'china',
			'custom',
		]);
	});

	test('a custom cloud keeps only the https origin (trailing slash and case normalised)', () => {
		const settings = readGraphSettings({
			cloud: 'custom',
			authorityHost: 'https://LOGIN.example.test:8443/',
			graphEndpoint: 'https://graph.example.test/',
			tenantId: TENANT,
			clientId: CLIENT,
			clientSecret: 'x',
		});
		expect([settings.authorityHost, settings.graphEndpoint, settings.cloudLabel]).toEqual([
			'https://login.example.test:8443',
			'https://graph.example.test',
			'Custom',
		]);
	});

	test('the right cloud passes where the wrong one failed (control for the wrong-cloud cases)', async () => {
		w.reset();
		expect(await testCredential(w.t.credentials() as never)).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
	});
});
