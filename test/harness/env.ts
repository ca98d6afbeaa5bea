import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * n8n-core reads its configuration from the environment when its services are first created, so
 * this module must be imported before anything from n8n-core. Binary data goes to the filesystem
 * (n8n 2.x's default), so attachments are read from disk as in a real instance.
 */
export function prepareN8nEnvironment(binaryMode: 'filesystem' | 'default' = 'filesystem'): string {
	const folder = mkdtempSync(join(tmpdir(), 'o365sm-n8n-'));
	process.env.N8N_USER_FOLDER = folder;
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = binaryMode;
	process.env.N8N_BINARY_DATA_STORAGE_PATH = join(folder, 'binaryData');
	process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key-not-secret';
	// n8n's binary store for the run lives here: remove it when the (jest worker) process ends.
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
	return folder;
}
