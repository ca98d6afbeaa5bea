import { outcomeOf } from '../../../shared/outcome';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { GraphApiError } from '../../../shared/transport/graphErrors';
import { graphRequest } from '../../delivery/requests';
import { keyLookup } from '../../delivery/requests/keyLookup';
import { InputError } from '../../../shared/text/inputError';
import { KEY_FIELD } from './key';

/**
 * A message of the sender mailbox that carries the key's marker: sent, held for Send At, or a
 * draft.
 */
export interface KeyedMessage {
	id: string;
	internetMessageId?: string;
	conversationId?: string;
	webLink?: string;
	/** Graph's sentDateTime; only meaningful once the message is no longer a draft. */
	sentAt?: string;
	isDraft: boolean;
}

/**
 * The permission, named with the admin step: Mail.ReadBasic excludes extended properties (learn:
 * permissions-reference).
 */
export function readPermissionMissing(sender: string, detail: string): InputError {
	return new InputError(
		KEY_FIELD,
		`Checking the key needs the Mail.Read (or Mail.ReadWrite) application permission to find earlier messages in ${sender}${detail}; nothing was sent. Add Mail.Read in Entra admin center › App registrations › API permissions and grant admin consent (or grant it through Exchange RBAC for Applications), or remove the Idempotency Key. Mail.ReadBasic is not enough: it excludes extended properties.`,
	);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value ? value : undefined;
}

/** The message carrying the key's marker, or undefined when the mailbox has none (yet). */
export async function findKeyedMessage(
	graph: GraphClient,
	sender: string,
	hash: string,
): Promise<KeyedMessage | undefined> {
	const answer = await outcomeOf(() =>
		graph.request(graphRequest(keyLookup(graph.graphEndpoint, sender, [hash]))),
	);
	if (!answer.ok) {
		const { error } = answer;
		if (error instanceof GraphApiError && error.status === 403)
			throw readPermissionMissing(
				sender,
				` (Microsoft Graph answered ${error.status} ${error.code}, request-id ${error.requestId ?? 'n/a'})`,
			);
		throw error;
	}
	const json = JSON.parse(answer.value.body.toString('utf8')) as { value?: unknown };
	const first = Array.isArray(json.value) ? json.value[0] : undefined;
	return keyedMessageOf(first);
}

/** A message of a lookup's answer as a KeyedMessage; undefined when it has no id. */
export function keyedMessageOf(record: unknown): KeyedMessage | undefined {
	const first = record && typeof record === 'object' ? (record as Record<string, unknown>) : {};
	const id = text(first.id);
	if (!id) return undefined;
	const found: KeyedMessage = { id, isDraft: first.isDraft === true };
	for (const field of ['internetMessageId', 'conversationId', 'webLink'] as const) {
		const value = text(first[field]);
		if (value) found[field] = value;
	}
	const sentAt = text(first.sentDateTime);
	if (sentAt && !found.isDraft) found.sentAt = sentAt;
	return found;
}
