import type { ICredentialTestRequest, IHttpRequestOptions } from 'n8n-workflow';

/** Header that marks n8n's credential test request (Save and Retry in the credential dialog). */
export const CREDENTIAL_TEST_HEADER = 'x-o365-send-mail-credential-test';

/**
 * The marker's value is this function, not a string. A workflow can set any header to any text
 * (HTTP Request node, "Predefined Credential Type"), but workflow data is JSON and cannot hold a
 * function, let alone this one. n8n's credential tester hands the declarative `test.request` to
 * n8n-core's RoutingNode, which keeps non-expression values as they are, so only that path brings
 * the function to `authenticate`. JSON.stringify drops it, so the editor's copy of the credential
 * type only learns that a test exists.
 */
function credentialTestCapability(): string {
	return 'n8n credential test';
}

export function credentialTestRequest(): ICredentialTestRequest {
	return {
		request: {
			method: 'GET',
			// Replaced in authenticate() by the tenant's own sign-in metadata URL; never receives a
			// token.
			url: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
			headers: { [CREDENTIAL_TEST_HEADER]: credentialTestCapability as unknown as string },
		},
	};
}

export type TestMarker = 'credentialTest' | 'forged' | 'absent';

/** Whether the request is n8n's credential test, plus the headers without the marker. */
export function readTestMarker(headers: IHttpRequestOptions['headers']): {
	marker: TestMarker;
	headers: NonNullable<IHttpRequestOptions['headers']>;
} {
	const rest: NonNullable<IHttpRequestOptions['headers']> = {};
	const markers: unknown[] = [];
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === CREDENTIAL_TEST_HEADER) markers.push(value);
		else rest[key] = value;
	}
	// Any copy of the header that is not the function (e.g. one added in the other letter case)
	// spoils it.
	const marker: TestMarker =
		markers.length === 0
			? 'absent'
			: markers.every((m) => m === credentialTestCapability)
				? 'credentialTest'
				: 'forged';
	return { marker, headers: rest };
}
