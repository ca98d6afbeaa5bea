import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { casesOf, expectCaseOutcome, runFailureCase } from '../harness/credentialCases';
import { useCredentialWorld } from '../harness/world';

/**
 * Sign-in failures (bad tenant as GUID and as domain, unknown app, wrong secret, Secret ID pasted,
 * expired secret, and the other Entra answers): one test per case, each through runCredentialTest,
 * n8n's credential test and a Send Mail run, asserting the reason, Microsoft's code, the admin
 * words and no leak.
 */
const w = useCredentialWorld();

describe.each(['tenant', 'app', 'secret', 'identity-answer'] as const)('%s', (group) => {
	test.each(casesOf(group).map((c) => [c.id, c] as const))(
		'%s',
		async (_id, c) => {
			expectCaseOutcome(w, c, await runFailureCase(w, c));
		},
		60_000,
	);
});
