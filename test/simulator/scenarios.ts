/**
 * Named directory setups for the simulator (used by `npm start`, the demo, the benchmark and e2e).
 */
import type { AppConfig, TenantConfig, UserConfig } from './types';

/** Well-known demo values. Not real secrets: they only work against the simulator. */
export const DEMO = {
	tenantId: '11111111-1111-4111-8111-111111111111',
	tenantDomain: 'contoso.onmicrosoft.com',
	clientId: '22222222-2222-4222-8222-222222222222',
	appDisplayName: 'n8n Office 365 Send Mail (demo)',
	secretId: '33333333-3333-4333-8333-333333333333',
	secretValue: 'demo-secret-value~not-a-real-secret',
	permissions: ['Mail.Send', 'Mail.ReadWrite'],
	sender: {
		id: '44444444-4444-4444-8444-444444444444',
		userPrincipalName: 'sender@contoso.onmicrosoft.com',
		maxSendSizeBytes: 150 * 1024 * 1024,
	},
	alerts: {
		id: '55555555-5555-4555-8555-555555555555',
		userPrincipalName: 'alerts@contoso.onmicrosoft.com',
	},
} as const;

/** The part of the simulator a scenario needs. */
export interface ScenarioTarget {
	addTenant(t: TenantConfig): void;
	addApp(a: AppConfig): void;
	addUser(u: UserConfig): void;
}

/**
 * Tenant contoso (11111111-…), app 22222222-… with secret 33333333-… /
 * "demo-secret-value~not-a-real-secret", Mail.Send + Mail.ReadWrite consented; licensed users
 * sender@ (150 MiB MaxSendSize) and alerts@.
 */
export function loadDemoScenario(sim: ScenarioTarget): void {
	sim.addTenant({ id: DEMO.tenantId, domains: [DEMO.tenantDomain] });
	sim.addApp({
		tenantId: DEMO.tenantId,
		clientId: DEMO.clientId,
		displayName: DEMO.appDisplayName,
		secrets: [{ id: DEMO.secretId, value: DEMO.secretValue }],
		permissions: [...DEMO.permissions],
		adminConsent: true,
	});
	sim.addUser({
		tenantId: DEMO.tenantId,
		id: DEMO.sender.id,
		userPrincipalName: DEMO.sender.userPrincipalName,
		licensed: true,
		maxSendSizeBytes: DEMO.sender.maxSendSizeBytes,
	});
	sim.addUser({
		tenantId: DEMO.tenantId,
		id: DEMO.alerts.id,
		userPrincipalName: DEMO.alerts.userPrincipalName,
		licensed: true,
	});
}

export const SCENARIOS = ['demo', 'empty'] as const;

export function loadScenario(sim: ScenarioTarget, name: string): void {
	if (name === 'demo') loadDemoScenario(sim);
	else if (name !== 'empty')
		throw new Error(`unknown scenario '${name}' (known: ${SCENARIOS.join(', ')})`);
}
