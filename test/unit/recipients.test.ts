import emailAddresses from 'email-addresses';
import { InputError } from '../../nodes/shared/text/inputError';
import {
	dedupeRecipients,
	formatRecipient,
	parseRecipients,
} from '../../nodes/shared/address/recipients';
import { MAX_ADDRESS_ENTRY_CHARS, MAX_FULL_PARSE_CHARS } from '../../nodes/shared/address/limits';

/**
 * Runs `fn` and returns every input the full RFC 5322 parser (email-addresses) was given meanwhile.
 */
function fullParserInputs(fn: () => void): string[] {
	const spy = jest.spyOn(emailAddresses, 'parseOneAddress');
	try {
		fn();
		return spy.mock.calls.map(([opts]) => (typeof opts === 'string' ? opts : opts.input));
	} finally {
		spy.mockRestore();
	}
}

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

describe('plain forms skip the full parser and agree with it', () => {
	// email-addresses itself is the reference: every form the fast path takes must parse the same way
	// there.
	const { parseOneAddress } = require('email-addresses');
	test.each([
		'a@contoso.com',
		'<a@contoso.com>',
		'Jane Doe <jane@contoso.com>',
		'Jane   Doe<jane@contoso.com>',
		'J. R. Doe <j@contoso.com>',
		'"Doe, Jane" <jane@contoso.com>',
		'"Doe,  Jane " <jane@contoso.com>',
		'"" <a@contoso.com>',
		'Jörg Müller <jörg@bücher.de>',
		"o'neil+tag@sub.contoso.co.uk",
		'#!$ <a@b.com>',
	])('%j', (text) => {
		const { parseSimple } = require('../../nodes/shared/address/addressSyntax');
		const fast = parseSimple(text);
		expect(fast).toBeDefined();
		const full = parseOneAddress({ input: text, rfc6532: true });
		const name = full.name?.trim();
		expect(fast).toEqual(name ? { address: full.address, name } : { address: full.address });
	});
});

describe('bounded before parsing', () => {
	const fieldOf = (fn: () => unknown) => {
		try {
			fn();
		} catch (error) {
			expect(error).toBeInstanceOf(InputError);
			expect((error as Error).message.length).toBeLessThan(400);
			return (error as InputError).field;
		}
		return 'no error';
	};
	test.each([
		['a 5 MB string', 'a'.repeat(5 * 1024 * 1024)],
		['a 100,000-deep comment', `${'('.repeat(100_000)}a@b.com${')'.repeat(100_000)}`],
		['a 4-deep comment', '((((x)))) a@b.com'],
		['1,001 addresses', Array.from({ length: 1001 }, (_, i) => `u${i}@x.io`).join(',')],
		['a list of 1,001', Array.from({ length: 1001 }, (_, i) => `u${i}@x.io`)],
		['a quoted local part hiding a domain', '"ceo@attacker.com"@contoso.com'],
		['a quoted local part with a space', '"a b"@contoso.com'],
		['a domain literal', 'a@[127.0.0.1]'],
		['a 65-octet local part', `${'a'.repeat(65)}@contoso.com`],
		['a 255-octet address', `a@${'b'.repeat(241)}.contoso.com`],
		['a 257-character name', `${'N'.repeat(257)} <a@contoso.com>`],
		['an object name with U+2028', [{ address: 'a@b.com', name: 'A\u2028B' }]],
	])('refuses %s', (_name, input) => {
		expect(fieldOf(() => parseRecipients(input, 'BCC'))).toBe('BCC');
	});

	test('the worst input that passes the caps still parses in bounded work', () => {
		// Work, not milliseconds: what reaches the full RFC 5322 parser (whose cost grows steeply) is
		// counted through a pass-through spy on the third-party parser, so the verdict does not depend
		// on the machine.
		const forms = [
			(i: number) => `${'a.'.repeat(300)}${i}@b.com`,
			() => `${'a(b)'.repeat(150)}@b.com`,
			(i: number) => `(${'('.repeat(2)}x${')'.repeat(2)}) ${'w '.repeat(290)}<u${i}@b.com>`,
		];
		const reached: boolean[] = [];
		for (const form of forms) {
			const value = Array.from({ length: 200 }, (_, i) => form(i)).join(',');
			const full = fullParserInputs(() =>
				expect(() => parseRecipients(value, 'To')).toThrow(InputError),
			);
			// At most one entry past the budget, each entry within the per-entry cap, before the field is
			// refused.
			const chars = full.reduce((sum, input) => sum + input.length, 0);
			expect(chars).toBeLessThanOrEqual(MAX_FULL_PARSE_CHARS + MAX_ADDRESS_ENTRY_CHARS);
			for (const input of full) expect(input.length).toBeLessThanOrEqual(MAX_ADDRESS_ENTRY_CHARS);
			reached.push(full.length > 0);
		}
		// The long local part is refused by the plain form; the comments go to the full parser until
		// the budget ends.
		expect(reached).toEqual([false, true, true]);
	});

	test('500 plain recipients with names never reach the full parser', () => {
		const value = Array.from(
			{ length: 500 },
			(_, i) => `"Person, Number ${i}" <p${i}@contoso.com>`,
		).join('; ');
		const full = fullParserInputs(() => expect(parseRecipients(value, 'To')).toHaveLength(500));
		expect(full).toEqual([]);
	});

	test('a quoted local part that is a plain atom is the same address', () => {
		expect(parseRecipients('"john"@contoso.com', 'To')).toEqual([{ address: 'john@contoso.com' }]);
	});
});
