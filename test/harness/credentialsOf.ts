import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { TestTenant } from './fixtures';

/**
 * The tenant's credential data typed as n8n hands it to a node (fixtures.ts returns a plain
 * record).
 */
export function credentialsOf(
	tenant: TestTenant,
	overrides?: Record<string, unknown>,
): ICredentialDataDecryptedObject {
	return tenant.credentials(overrides) as ICredentialDataDecryptedObject;
}
