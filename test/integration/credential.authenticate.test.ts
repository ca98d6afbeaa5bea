import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { ExecuteContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INodeType } from 'n8n-workflow';

import {
	CREDENTIAL_TEST_HEADER,
	MicrosoftGraphClientCredentialsApi,
	NOT_FOR_OTHER_REQUESTS,
	TEST_ONLY_FROM_DIALOG,
} from '../../credentials/MicrosoftGraphClientCredentialsApi.credentials';
import { nodeContext, nodeWithCredential, testCredential } from '../harness/credentialTest';
import { credentialsOf } from '../harness/credentialsOf';
import { CREDENTIAL_TYPE } from '../harness/engine';
import type { TestTenant } from '../harness/fixtures';
import { useTenant } from '../harness/world';

/**
 * The credential must not be a general Graph token for workflows. A workflow reaches `authenticate`
 * through n8n-core's request helpers with the credential of a node (the HTTP Request node's
 * "Predefined Credential Type" calls requestWithAuthentication with `uri`; declarative nodes call
 * httpRequestWithAuthentication with `url`). Both must be refused before any request, and so must a
 * workflow that copies the credential test's marker header, while n8n's own credential test
 * (RoutingNode) still works.
 */
const t = useTenant();

/**
 * Stands in for n8n's HTTP Request node: a node that accepts this credential and makes arbitrary
 * requests.
 */
const httpLikeNodeType = {
	description: {
		displayName: 'HTTP-like',
		name: 'test.httpLike',
		group: ['output'],
		version: 1,
		description: '',
		defaults: {},
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: CREDENTIAL_TYPE, required: false }],
		properties: [],
	},
} as unknown as INodeType;

/** The execution context of a workflow node that has this credential selected, as n8n builds it. */
function workflowNodeContext(data: ICredentialDataDecryptedObject): ExecuteContext {
	const node = nodeWithCredential('http', 'HTTP Request', 'test.httpLike');
	return nodeContext(node, httpLikeNodeType, data, 'manual');
}

async function refusal(call: () => Promise<unknown>): Promise<string> {
	const outcome = await call().then(
		() => 'resolved',
		(error: Error) => error.message,
	);
	return outcome;
}

const sendAs = (t: TestTenant, mailbox: string) => ({
	url: `${t.sim.graphEndpoint}/v1.0/users/${mailbox}/sendMail`,
	method: 'POST' as const,
	body: {
		message: {
			subject: 'sent around Allowed Senders',
			body: { contentType: 'Text', content: 'x' },
			toRecipients: [{ emailAddress: { address: 'victim@example.com' } }],
		},
	},
	json: true,
});

test('httpRequestWithAuthentication to Graph (send as a mailbox outside Allowed Senders) is refused before any request', async () => {
	const context = workflowNodeContext(credentialsOf(t, { allowedSenders: t.sender }));
	const message = await refusal(() =>
		context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			sendAs(t, t.other) as IHttpRequestOptions,
		),
	);
	expect(message).toBe(NOT_FOR_OTHER_REQUESTS);
	expect(t.sim.requests).toEqual([]);
	expect(t.sim.outbox).toEqual([]);
});

test("requestWithAuthentication, the HTTP Request node's path, is refused too, also for the allowed sender", async () => {
	const context = workflowNodeContext(credentialsOf(t, { allowedSenders: t.sender }));
	const { url, ...rest } = sendAs(t, t.sender);
	const message = await refusal(() =>
		context.helpers.requestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			uri: url,
			...rest,
		}),
	);
	expect(message).toBe(NOT_FOR_OTHER_REQUESTS);
	expect(t.sim.requests).toEqual([]);
});

test.each([
	['the marker as n8n declares it', CREDENTIAL_TEST_HEADER, '1'],
	['the marker in other letter case', 'X-O365-Send-Mail-Credential-Test', 'true'],
	['the marker with an empty value', CREDENTIAL_TEST_HEADER, ''],
])(
	'a workflow that copies the test marker (%s) cannot start the test or its real test message',
	async (_label, header, value) => {
		const data = credentialsOf(t, { testRecipient: `admin@${t.domain}` });
		const context = workflowNodeContext(data);
		const message = await refusal(() =>
			context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				url: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
				method: 'GET',
				headers: { [header]: value },
			}),
		);
		expect(message).toBe(TEST_ONLY_FROM_DIALOG);
		// Not even a token request: the test did not start.
		expect(t.sim.requests).toEqual([]);
		expect(t.sim.outbox).toEqual([]);
	},
);

test('the marker copied next to the real one spoils it (no mixing a workflow header into the test)', async () => {
	const credential = new MicrosoftGraphClientCredentialsApi();
	const headers = {
		...(credential.test.request.headers as Record<string, unknown>),
		'X-O365-SEND-MAIL-CREDENTIAL-TEST': '1',
	};
	const message = await refusal(() =>
		credential.authenticate(credentialsOf(t), {
			url: 'https://example.invalid/',
			headers: headers as IHttpRequestOptions['headers'],
		}),
	);
	expect(message).toBe(TEST_ONLY_FROM_DIALOG);
	expect(t.sim.requests).toEqual([]);
});

test("n8n's credential test (RoutingNode with the declared test request) still runs, with its test message", async () => {
	const result = await testCredential(credentialsOf(t, { testRecipient: `admin@${t.domain}` }));
	expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(t.sim.outbox.map((m) => m.message.toRecipients[0].emailAddress.address)).toEqual([
		`admin@${t.domain}`,
	]);
});

test("the editor's copy of the credential type says a test exists but carries no usable marker", () => {
	const credential = new MicrosoftGraphClientCredentialsApi();
	const json = JSON.parse(JSON.stringify(credential)) as {
		test?: { request: { headers: Record<string, unknown> } };
	};
	expect(json.test).toBeTruthy();
	expect(json.test?.request.headers).toEqual({});
});
