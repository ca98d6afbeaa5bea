import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

/**
 * n8n-core's SSHClientsManager (created with every node execution context) keeps a 60 s setInterval
 * that it only clears on process exit, which keeps a jest worker alive after its test files end.
 * Jest gives each test file its own module registry, and so its own DI container: importing this
 * module stops that file's manager when the file is done.
 */
export function stopN8nServices(): void {
	Container.get(SSHClientsManager).onShutdown();
}

if (typeof afterAll === 'function') afterAll(stopN8nServices);
