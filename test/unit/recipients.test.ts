import { InputError } from '../../nodes/Office365SendMail/message/inputError';
import {
	dedupeRecipients,
	formatRecipient,
	parseRecipients,
} from '../../nodes/Office365SendMail/message/recipients';

describe('parseRecipients', () => {
	test.each([
		['a@contoso.com', [{ address: 'a@contoso.com' }]],
		['a@contoso.com, b@contoso.com', [{ address: 'a@contoso.com' }, { address: 'b@contoso.com' }]],
		['a@contoso.com; b@contoso.com', [{ address: 'a@contoso.com' }, { address: 'b@contoso.com' }]],
		['a@contoso.com\nb@contoso.com', [{ address: 'a@contoso.com' }, { address: 'b@contoso.com' }]],
		['Jane Doe <jane@contoso.com>', [{ address: 'jane@contoso.com', name: 'Jane Doe' }]],
		[
			'"Doe, Jane" <jane@contoso.com>; bob@x.org',
			[{ address: 'jane@contoso.com', name: 'Doe, Jane' }, { address: 'bob@x.org' }],
		],
		['"a;b" <c@d.io>', [{ address: 'c@d.io', name: 'a;b' }]],
		['Jörg Müller <jörg@bücher.de>', [{ address: 'jörg@bücher.de', name: 'Jörg Müller' }]],
		[
			['a@contoso.com', 'B <b@contoso.com>'],
			[{ address: 'a@contoso.com' }, { address: 'b@contoso.com', name: 'B' }],
		],
		[[{ address: 'a@contoso.com', name: 'A' }], [{ address: 'a@contoso.com', name: 'A' }]],
		[
			[{ emailAddress: { address: 'g@contoso.com', name: 'G' } }],
			[{ address: 'g@contoso.com', name: 'G' }],
		],
		[{ email: 'e@contoso.com' }, [{ address: 'e@contoso.com' }]],
		['', []],
		[undefined, []],
	])('%p', (input, expected) => {
		expect(parseRecipients(input, 'To')).toEqual(expected);
	});

	test.each([
		['bob@'],
		['a.@b.com'],
		['a@localhost'],
		['two@x.com three@y.com'],
		['<a@b.com'],
		[[1]],
		[[null]],
		[[{ name: 'no address' }]],
		[42],
	])('rejects %p naming the field', (input) => {
		expect(() => parseRecipients(input, 'CC')).toThrow(InputError);
		try {
			parseRecipients(input, 'CC');
		} catch (error) {
			expect((error as InputError).field).toBe('CC');
		}
	});
});

test('duplicates across To, Cc and Bcc are dropped, first place wins, case-insensitive', () => {
	const [to, cc, bcc] = dedupeRecipients([
		parseRecipients('A@x.com, b@x.com, a@x.com', 'To'),
		parseRecipients('b@X.com, c@x.com', 'CC'),
		parseRecipients('c@x.com, d@x.com', 'BCC'),
	]);
	expect(to.map((r) => r.address)).toEqual(['A@x.com', 'b@x.com']);
	expect(cc.map((r) => r.address)).toEqual(['c@x.com']);
	expect(bcc.map((r) => r.address)).toEqual(['d@x.com']);
});

test('formatting quotes names that need it', () => {
	expect(formatRecipient({ address: 'a@x.com' })).toBe('a@x.com');
	expect(formatRecipient({ address: 'a@x.com', name: 'Ada Lovelace' })).toBe(
		'Ada Lovelace <a@x.com>',
	);
	expect(formatRecipient({ address: 'a@x.com', name: 'Lovelace, Ada' })).toBe(
		'"Lovelace, Ada" <a@x.com>',
	);
	expect(formatRecipient({ address: 'a@x.com', name: 'Say "hi"' })).toBe(
		'"Say \\"hi\\"" <a@x.com>',
	);
});
