import { excerpt, headerSafe, unsafeCharOf } from '../../nodes/shared/text/headerSafe';
import { InputError } from '../../nodes/shared/text/inputError';
import { messageIdListOf, messageIdOf } from '../../nodes/Office365SendMail/message/fields';
import {
	asciiLower,
	isSenderAllowed,
	parseSenderRules,
} from '../../nodes/shared/credential/senderRules';

describe('headerSafe', () => {
	test.each([
		['\r', 'line break (CR)'],
		['\n', 'line break (LF)'],
		['\u0000', 'NUL'],
		['\t', 'tab'],
		['\u0007', 'control character (U+0007)'],
		['\u007f', 'U+007F'],
		['\u0085', 'NEXT LINE'],
		['\u009b', 'U+009B'],
		['\u2028', 'LINE SEPARATOR'],
		['\u2029', 'PARAGRAPH SEPARATOR'],
		['\ud800', 'unpaired surrogate'],
	])('refuses %j, saying %s, naming field and position', (ch, says) => {
		expect(() => headerSafe(`ab${ch}cd`, 'To', 'The name')).toThrow(InputError);
		try {
			headerSafe(`ab${ch}cd`, 'To', 'The name');
		} catch (error) {
			expect((error as InputError).field).toBe('To');
			expect((error as InputError).message).toContain(says);
			expect((error as InputError).message).toContain('at character 3');
			expect((error as InputError).message).not.toContain(ch);
		}
	});

	test.each(['Jörg Müller', 'Ünïcödé 😀 名前', 'A, B; "C"', ''])('accepts %j', (text) => {
		expect(headerSafe(text, 'To', 'x')).toBe(text);
		expect(unsafeCharOf(text)).toBeUndefined();
	});
});

test('excerpts are short, quoted and escaped', () => {
	expect(excerpt('bob@')).toBe('"bob@"');
	expect(excerpt('a"b\r\n')).toBe('"a\\"b\\u000d\\u000a"');
	const long = excerpt('x'.repeat(5_000_000));
	expect(long.length).toBeLessThan(80);
	expect(long).toContain('5000000 characters');
});

describe('messageIdOf', () => {
	test.each([
		['<abc.123@contoso.com>', '<abc.123@contoso.com>'],
		['abc@contoso.com', '<abc@contoso.com>'],
		['  <CAF+x=y@mail.gmail.com> ', '<CAF+x=y@mail.gmail.com>'],
		['<a@[127.0.0.1]>', '<a@[127.0.0.1]>'],
	])('%j → %j', (input, expected) => {
		expect(messageIdOf(input, 'In-Reply-To')).toBe(expected);
	});
	test.each([
		['<no-at>'],
		['<a@b@c>'],
		['<a b@c>'],
		['<a@b>\r\nBcc: x@y'],
		['<a@b>>'],
		[`<${'a'.repeat(1000)}@b>`],
		[''],
		[42],
		[{ id: 'a@b' }],
	])('refuses %j naming the field', (input) => {
		expect(() => messageIdOf(input, 'In-Reply-To')).toThrow(
			expect.objectContaining({ field: 'In-Reply-To' }),
		);
	});
	test('lists: spaces, commas or arrays; duplicates dropped; bounded', () => {
		expect(messageIdListOf('<a@b> <c@d>,e@f <a@b>', 'References')).toEqual([
			'<a@b>',
			'<c@d>',
			'<e@f>',
		]);
		expect(messageIdListOf(['<a@b>'], 'References')).toEqual(['<a@b>']);
		expect(messageIdListOf('', 'References')).toEqual([]);
		expect(() => messageIdListOf(Array(101).fill('<a@b>'), 'References')).toThrow(/101/);
		expect(() => messageIdListOf('<a@b> '.repeat(1_000_000), 'References')).toThrow(InputError);
	});
});

describe('Allowed Senders compare the exact string, ASCII case-insensitively', () => {
	const rules = parseSenderRules('kate@contoso.com, *@fabrikam.com');
	test.each([
		['kate@contoso.com', true],
		['KATE@Contoso.COM', true],
		['\u212Aate@contoso.com', false], // Kelvin sign: Unicode lower-casing would make it "kate"
		['anyone@fabrikam.com', true],
		['"x@evil.com"@fabrikam.com', false],
		['x@evil.com@fabrikam.com', false],
		['x@sub.fabrikam.com', false],
		['x@fabrikam.com.evil.com', false],
	])('%j → %p', (mailbox, allowed) => {
		expect(isSenderAllowed(rules, mailbox)).toBe(allowed);
	});
	test('asciiLower leaves non-ASCII letters alone', () => {
		expect(asciiLower('\u212AATE')).toBe('\u212Aate');
		expect('\u212AATE'.toLowerCase()).toBe('kate');
	});
});
