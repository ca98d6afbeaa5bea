import { randomUUID } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSimulator, type M365Simulator, type SimulatorOptions } from '../simulator';

/**
 * A tenant with one app and a few mailboxes, configured fresh on a simulator for each test file.
 */
export interface TestTenant {
	sim: M365Simulator;
	tenantId: string;
	domain: string;
	clientId: string;
	secretId: string;
	secret: string;
	sender: string;
	senderId: string;
	other: string;
	unlicensed: string;
	/** Credential data as n8n hands it to the node, pointing at the simulator (cloud "custom"). */
	credentials(overrides?: Record<string, unknown>): ICredentialDataDecryptedObject;
}

export async function startTenant(
	options: SimulatorOptions = {},
	permissions = ['Mail.Send', 'Mail.ReadWrite'],
): Promise<TestTenant> {
	// Host names, as for Microsoft's endpoints: n8n's request helper sends the host as TLS server
	// name.
	const sim = await startSimulator({ publicHost: 'localhost', ...options });
	const tenantId = randomUUID();
	const domain = `t${tenantId.slice(0, 8)}.onmicrosoft.com`;
	const clientId = randomUUID();
	const secretId = randomUUID();
	// Sentinel-shaped like an Entra secret value; tests search every output for it.
	const secret = `SENTINEL~${randomUUID().replace(/-/g, '')}.secret`;
	const senderId = randomUUID();
	sim.addTenant({ id: tenantId, domains: [domain] });
	sim.addApp({
		tenantId,
		clientId,
		displayName: 'n8n mail sender',
		secrets: [{ id: secretId, value: secret }],
		permissions,
		adminConsent: true,
	});
	const sender = `sender@${domain}`;
	const other = `alerts@${domain}`;
	const unlicensed = `nolicence@${domain}`;
	sim.addUser({
		tenantId,
		id: senderId,
		userPrincipalName: sender,
		maxSendSizeBytes: 150 * 1024 * 1024 + 1024 * 1024,
	});
	sim.addUser({
		tenantId,
		id: randomUUID(),
		userPrincipalName: other,
		maxSendSizeBytes: 150 * 1024 * 1024 + 1024 * 1024,
	});
	sim.addUser({ tenantId, id: randomUUID(), userPrincipalName: unlicensed, licensed: false });
	return {
		sim,
		tenantId,
		domain,
		clientId,
		secretId,
		secret,
		sender,
		senderId,
		other,
		unlicensed,
		credentials: (overrides = {}) =>
			({
				cloud: 'custom',
				authorityHost: sim.authorityHost,
				graphEndpoint: sim.graphEndpoint,
				tenantId,
				clientId,
				authentication: 'clientSecret',
				clientSecret: secret,
				senderMailbox: sender,
				...overrides,
			}) as ICredentialDataDecryptedObject,
	};
}
