import { adviseGraphError } from '../../nodes/shared/diagnostics/graphAdvice';
import { GraphApiError } from '../../nodes/shared/transport/graphErrors';

/**
 * Words of the Graph advice that depend on more than the code: the status and what Microsoft asked
 * for.
 */

const ctx = { mailbox: 'ada@contoso.com', clientId: 'app-id', permission: 'Mail.Send' };

function graphError(
	status: number,
	code: string,
	message: string,
	attempts = 1,
	retryAfterMs?: number,
) {
	return new GraphApiError(
		status,
		code,
		message,
		'req-1',
		'client-1',
		'send mail',
		attempts,
		retryAfterMs,
	);
}

test('429 after the retries the policy allowed says the throttling went on', () => {
	const advice = adviseGraphError(graphError(429, 'TooManyRequests', 'Too many requests.', 4), ctx);
	expect(advice.reason).toBe('throttled');
	expect(advice.message).toMatch(
		/^Microsoft Graph kept throttling mailbox ada@contoso.com after several retries: /,
	);
});

test('429 with a Retry-After longer than the node waits does not claim retries', () => {
	const text =
		'Application is over its MailboxConcurrency limit. Microsoft asked to wait 3600 s before repeating it (Retry-After), longer than the 60 s this node waits, so it was not repeated.';
	const advice = adviseGraphError(graphError(429, 'ApplicationThrottled', text, 1, 3_600_000), ctx);
	expect(advice.reason).toBe('throttled');
	expect(advice.message).not.toMatch(/kept throttling|several retries/);
	expect(advice.message).toMatch(
		/^Microsoft Graph throttled mailbox ada@contoso.com: .*asked to wait 3600 s/,
	);
	expect(advice.message).toMatch(/\(429 ApplicationThrottled\)$/);
});

test("413 is Graph's 4 MB request limit, not the mailbox's MaxSendSize", () => {
	const advice = adviseGraphError(
		graphError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.'),
		ctx,
	);
	expect(advice.reason).toBe('requestTooLarge');
	expect(advice.message).toMatch(/at most 4 MB/);
	expect(advice.message).not.toMatch(/Set-Mailbox|35 MB/);
});

test('ErrorMessageSizeExceeded is the mailbox limit, with the Set-Mailbox fix', () => {
	const advice = adviseGraphError(
		graphError(400, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.'),
		ctx,
	);
	expect(advice.reason).toBe('messageTooLarge');
	expect(advice.message).toMatch(/Set-Mailbox ada@contoso.com -MaxSendSize 150MB/);
});
