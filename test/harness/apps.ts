import { randomUUID } from 'node:crypto';

import type { TestTenant } from './fixtures';

/** An extra app registration of the test tenant with a client secret. */
export interface TestApp {
	clientId: string;
	secret: string;
}

/**
 * One app per name, each with a sentinel secret, so a leak of any of them is easy to search for.
 */
export function sentinelApps<K extends string>(...names: K[]): Record<K, TestApp> {
	return Object.fromEntries(
		names.map((name) => [
			name,
			{ clientId: randomUUID(), secret: `SENTINEL~${name}~${randomUUID()}` },
		]),
	) as Record<K, TestApp>;
}

/**
 * Registers the apps in the tenant, admin consent granted, each named by its key; `permissionsOf`
 * gives its application permissions (default Mail.Send).
 */
export function addApps(
	t: TestTenant,
	apps: Record<string, TestApp>,
	permissionsOf: (name: string) => string[] = () => ['Mail.Send'],
): void {
	for (const [name, app] of Object.entries(apps)) {
		t.sim.addApp({
			tenantId: t.tenantId,
			clientId: app.clientId,
			displayName: name,
			secrets: [{ id: randomUUID(), value: app.secret }],
			permissions: permissionsOf(name),
			adminConsent: true,
		});
	}
}
