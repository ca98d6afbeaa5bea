import { parseSenderRules } from '../../nodes/shared/credential/senderRules';

const refusal = (raw: string): string => {
	try {
		parseSenderRules(raw);
	} catch (error) {
		return (error as Error).message;
	}
	return 'accepted';
};

describe('Allowed Senders: a refused entry is quoted as a short excerpt', () => {
	const secret = 'Xy8Q~abcdefghijklmnopqrstuvwxyz0123456789';
	test.each([
		[
			'a client secret pasted by mistake',
			`sender@contoso.com, ${secret}`,
			'Allowed Senders: "Xy8Q…" (41 characters) is neither a mailbox (UPN or object ID) nor a *@domain pattern.',
		],
		[
			'a domain without *@',
			'contoso.com',
			'Allowed Senders: "cont…" (11 characters) is neither a mailbox (UPN or object ID) nor a *@domain pattern.',
		],
		[
			'an address without a top-level domain',
			'jane@contoso',
			'Allowed Senders: "jane@contoso" is neither a mailbox (UPN or object ID) nor a *@domain pattern.',
		],
		[
			'an overlong domain pattern',
			`*@${'a'.repeat(300)}.com`,
			`Allowed Senders: "*@${'a'.repeat(46)}…" (306 characters) is not a valid domain pattern. Write it as *@contoso.com.`,
		],
		['valid entries', '*@contoso.com sender@contoso.com', 'accepted'],
	])('%s', (_case, raw, expected) => {
		expect(refusal(raw)).toBe(expected);
		if (expected !== 'accepted') expect(refusal(raw)).not.toContain(secret.slice(4));
	});
});
