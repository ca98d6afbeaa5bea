import { FORMAT_HINT } from '../../nodes/shared/address/addressSyntax';
import { excerpt } from '../../nodes/shared/text/headerSafe';
import { messageIdOf } from '../../nodes/Office365SendMail/message/messageId';
import { parseRecipients } from '../../nodes/shared/address/recipients';

// n8n's editor shows an error's message as HTML: text in <…> vanishes ("<name@contoso.com>" was
// dropped).
const ANGLE = /[<>]/;
const messageOf = (fn: () => unknown): string => {
	try {
		fn();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected an error');
};

describe('error messages quote addresses without <…>', () => {
	it('excerpts of input show angle brackets as ‹ ›', () => {
		expect(excerpt('Jane Doe <jane@contoso.com')).toBe('"Jane Doe ‹jane@contoso.com"');
	});

	it('a refused recipient keeps its address visible', () => {
		const message = messageOf(() => parseRecipients('Jane Doe <jane@contoso', 'To'));
		expect(message).toContain('jane@contoso');
		expect(message).not.toMatch(ANGLE);
	});

	it('format hints and message-ID errors name the form without angle brackets', () => {
		expect(FORMAT_HINT).not.toMatch(ANGLE);
		for (const fn of [
			() => messageIdOf('', 'In Reply To'),
			() => messageIdOf('<no-at-sign>', 'In Reply To'),
		]) {
			const message = messageOf(fn);
			expect(message).toMatch(/@/);
			expect(message).not.toMatch(ANGLE);
		}
	});
});
