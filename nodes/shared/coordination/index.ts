import { processMailboxGate } from '../transport/mailboxGate';
import { RedisMailboxGate } from '../transport/redisGate';
import type { RequestGate } from '../transport/requestGate';
import { MemoryClaims, type ClaimStore } from './claims';
import { RedisClaims } from './redisClaims';
import { closeRedis } from './redisConnection';
import { queueRedisSettings, redisIdentity } from './redisSettings';

/**
 * What several executions of the node share: claims (Idempotency Key, Send and Wait answers) and
 * the per-mailbox request gate. Without queue mode they live in this process; in queue mode in
 * n8n's Redis, so every worker and webhook process sees the same. Chosen from the environment at
 * first use (n8n sets it before starting).
 */
export interface Coordination {
	scope: 'process' | 'redis';
	claims: ClaimStore;
	gate: RequestGate;
}

const processClaims = new MemoryClaims();
const inProcess: Coordination = {
	scope: 'process',
	claims: processClaims,
	gate: processMailboxGate,
};
let shared: { identity: string; coordination: Coordination } | undefined;

/** n8n's queue mode, the one mode with a Redis to share (the rule queueRedisSettings applies too). */
function isQueueMode(env: Record<string, string | undefined>): boolean {
	return (env.EXECUTIONS_MODE ?? '').trim() === 'queue';
}

export function coordination(env: Record<string, string | undefined> = process.env): Coordination {
	// Without queue mode the Redis settings are not read at all.
	if (!isQueueMode(env)) return inProcess;
	const settings = queueRedisSettings(env);
	if (!settings) return inProcess;
	const identity = redisIdentity(settings);
	if (shared?.identity !== identity) {
		shared = {
			identity,
			coordination: {
				scope: 'redis',
				claims: new RedisClaims(settings),
				gate: new RedisMailboxGate(settings),
			},
		};
	}
	return shared.coordination;
}

/**
 * Forgets this process's claims and closes Redis: what a restarted n8n process starts from (tests
 * use it).
 */
export async function resetCoordination(): Promise<void> {
	processClaims.clear();
	shared = undefined;
	await closeRedis();
}
