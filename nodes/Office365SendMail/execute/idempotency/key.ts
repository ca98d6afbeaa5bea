import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../../shared/text/inputError';

export const KEY_FIELD = 'Idempotency Key';

/**
 * Keys are hashed, so their length costs nothing later; the bound keeps an accidental whole
 * document out.
 */
const MAX_KEY_CHARS = 1000;

/** The option's value: text (or a number from an expression), trimmed; empty means no key. */
export function idempotencyKeyOf(options: IDataObject): string | undefined {
	const value = options.idempotencyKey;
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string')
		throw new InputError(
			KEY_FIELD,
			`Expected text but the expression gave ${Array.isArray(value) ? 'a list' : typeof value}. Use an expression that gives one text value per message, such as {{ 'order-' + $json.orderId }}.`,
		);
	if (value.length > MAX_KEY_CHARS)
		throw new InputError(
			KEY_FIELD,
			`Is ${value.length} characters long; the limit is ${MAX_KEY_CHARS}. Use an identifier of the message (an order or ticket number), not its content.`,
		);
	const key = value.trim();
	return key || undefined;
}

/** SHA-256 of the key: the marker's value and the claim's name never show the key itself. */
export function keyHash(key: string): string {
	return createHash('sha256').update(`o365-send-mail idempotency v1\n${key}`).digest('base64url');
}
