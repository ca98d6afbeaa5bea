import { WAIT_INDEFINITELY, type IDataObject } from 'n8n-workflow';

import { InputError } from '../../shared/text/inputError';
import type { ParameterReader } from './config';
import { MAX_WAIT_MS } from './limits';

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * When the wait ends without an answer, from Options › Limit Wait Time (n8n's own option shape).
 * Without the option the execution waits until someone answers (n8n's WAIT_INDEFINITELY).
 */
export function sendAndWaitWaitTill(read: ParameterReader, now = Date.now()): Date {
	const limit = (read('options.limitWaitTime.values', {}) ?? {}) as IDataObject;
	if (!Object.keys(limit).length) return WAIT_INDEFINITELY;
	const field = 'Options › Limit Wait Time';
	if ((limit.limitType ?? 'afterTimeInterval') === 'afterTimeInterval') {
		const amount = Number(limit.resumeAmount ?? 1);
		const unit = String(limit.resumeUnit ?? 'hours');
		const ms = amount * (UNIT_MS[unit] ?? NaN);
		if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_WAIT_MS)
			throw new InputError(
				`${field} › Amount`,
				`Must be a positive number of minutes, hours or days up to 10 years, got ${JSON.stringify(limit.resumeAmount)} ${unit}.`,
			);
		return new Date(now + ms);
	}
	const at = new Date(String(limit.maxDateAndTime ?? ''));
	if (Number.isNaN(at.getTime()) || at.getTime() <= now || at.getTime() > now + MAX_WAIT_MS)
		throw new InputError(
			`${field} › Max Date and Time`,
			`Must be a valid date and time in the future (within 10 years), got ${JSON.stringify(limit.maxDateAndTime ?? '')}.`,
		);
	return at;
}
