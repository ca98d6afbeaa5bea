import {
	MARKER_PROPERTY_ID,
	markerFilter,
	newMarker,
} from '../../nodes/Office365SendMail/delivery/findSent';
import {
	derivedAddressing,
	prependHtml,
	quotingReplyBody,
	replyHtml,
	replySubject,
} from '../../nodes/Office365SendMail/delivery/replyQuote';

const who = (address: string, name?: string) => ({
	emailAddress: name ? { address, name } : { address },
});

describe('the marker filter', () => {
	test('names the package property and the value; a quote in a value is doubled (OData string literal)', () => {
		expect(markerFilter('abc')).toBe(
			`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_PROPERTY_ID}' and ep/value eq 'abc')`,
		);
		expect(markerFilter("o'hara")).toContain("ep/value eq 'o''hara'");
		expect(MARKER_PROPERTY_ID).toMatch(/^String \{[0-9a-f-]{36}\} Name \w+$/);
	});

	test('markers are unique and need no escaping', () => {
		const markers = new Set(Array.from({ length: 100 }, newMarker));
		expect(markers.size).toBe(100);
		for (const m of markers) expect(m).toMatch(/^[0-9a-f-]+$/);
	});
});

describe('the new content above the quoted original', () => {
	test('goes right after <body …> when there is one, else in front', () => {
		const quoted =
			'<html><head><style>p{}</style></head><body dir="ltr"><hr><p>old</p></body></html>';
		expect(prependHtml('<p>new</p>', quoted)).toBe(
			'<html><head><style>p{}</style></head><body dir="ltr"><div><p>new</p></div><hr><p>old</p></body></html>',
		);
		expect(prependHtml('<p>new</p>', '<p>old</p>')).toBe('<div><p>new</p></div><p>old</p>');
	});

	test('a Text reply is escaped, line breaks kept; HTML stays as written', () => {
		expect(replyHtml({ body: { contentType: 'Text', content: 'a < b & c\nnext' } })).toBe(
			'a &lt; b &amp; c<br>next',
		);
		expect(replyHtml({ body: { contentType: 'HTML', content: '<b>x</b>' } })).toBe('<b>x</b>');
	});

	test('the reply action gets the text as comment and never a message body besides it', () => {
		const message = {
			body: { contentType: 'HTML', content: '<p>x</p>' },
			ccRecipients: [who('c@x.example')],
		};
		const body = quotingReplyBody(message, []);
		expect(body).toEqual({ comment: '<p>x</p>', message: { ccRecipients: [who('c@x.example')] } });
	});
});

describe('recipients as Outlook derives them', () => {
	const original = {
		from: who('ann@partner.example', 'Ann'),
		toRecipients: [who('me@contoso.com'), who('bob@partner.example')],
		ccRecipients: [who('carol@partner.example'), who('ANN@partner.example')],
		replyTo: [],
	};

	test('Reply: the sender; Reply to All: also To and CC, without the replying mailbox or duplicates', () => {
		expect(derivedAddressing(original, false, ['me@contoso.com'])).toEqual({
			to: [{ address: 'ann@partner.example', name: 'Ann' }],
			cc: [],
		});
		expect(derivedAddressing(original, true, ['ME@contoso.com'])).toEqual({
			to: [{ address: 'ann@partner.example', name: 'Ann' }, { address: 'bob@partner.example' }],
			cc: [{ address: 'carol@partner.example' }],
		});
	});

	test("Reply-To wins over the sender; the subject gets one 'RE: '", () => {
		const withReplyTo = { ...original, replyTo: [who('support@shop.example')] };
		expect(derivedAddressing(withReplyTo, false, []).to).toEqual([
			{ address: 'support@shop.example' },
		]);
		expect(replySubject('Invoice')).toBe('RE: Invoice');
		expect(replySubject('Re: Invoice')).toBe('Re: Invoice');
	});
});
