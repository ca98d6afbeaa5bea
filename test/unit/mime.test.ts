import { Readable } from 'node:stream';

import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

import { InputError } from '../../nodes/shared/text/inputError';
import {
	buildMime,
	estimateEncodedSize,
	newMessageId,
	validateMimeInput,
	type MimeMessageInput,
} from '../../nodes/Office365SendMail/message/mime';
import { messageIdListOf, messageIdOf } from '../../nodes/Office365SendMail/message/messageId';
import { checkAttachmentMetadata } from '../../nodes/Office365SendMail/message/attachments';

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);

function base(overrides: Partial<MimeMessageInput> = {}): MimeMessageInput {
	return {
		messageId: newMessageId('invoices@contoso.com'),
		subject: 'Invoice 42',
		from: { address: 'invoices@contoso.com', name: 'Contoso Billing' },
		to: [{ address: 'jane@fabrikam.com', name: 'Jane Doe' }],
		text: 'Hello Jane',
		...overrides,
	};
}

async function built(input: MimeMessageInput): Promise<{ parsed: ParsedMail; raw: string }> {
	const out = await buildMime(validateMimeInput(input));
	// What Graph receives is the base64 form; parse that, decoded, to test the real payload.
	const raw = Buffer.from(out.base64, 'base64');
	expect(raw.equals(out.mime)).toBe(true);
	return { parsed: await simpleParser(raw), raw: raw.toString('latin1') };
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
	[a ?? []].flat().flatMap((o) => o.value.map((v) => ({ address: v.address, name: v.name })));

function headerBlock(raw: string): string {
	return raw.slice(0, raw.indexOf('\r\n\r\n'));
}

async function refusal(input: MimeMessageInput): Promise<InputError> {
	const error = await Promise.resolve(input)
		.then((raw) => buildMime(validateMimeInput(raw)))
		.then(
			() => undefined,
			(e: unknown) => e,
		);
	expect(error).toBeInstanceOf(InputError);
	return error as InputError;
}

describe('MIME builder: headers', () => {
	it('writes the addresses, subject, Message-ID, threading and list headers', async () => {
		const input = base({
			cc: [{ address: 'cc@fabrikam.com' }],
			bcc: [{ address: 'hidden@fabrikam.com' }],
			replyTo: [{ address: 'support@contoso.com' }],
			importance: 'high',
			headers: [{ name: 'X-Ticket-Id', value: 'T-1001' }],
			inReplyTo: 'CAF1x2y3@mail.gmail.com',
			listUnsubscribe: ['https://contoso.com/unsubscribe?u=1', 'mailto:unsubscribe@contoso.com'],
			listUnsubscribeOneClick: true,
		});
		const { parsed, raw } = await built(input);
		expect(addresses(parsed.from)).toEqual([
			{ address: 'invoices@contoso.com', name: 'Contoso Billing' },
		]);
		expect(addresses(parsed.to)).toEqual([{ address: 'jane@fabrikam.com', name: 'Jane Doe' }]);
		expect(addresses(parsed.cc)).toEqual([{ address: 'cc@fabrikam.com', name: '' }]);
		// Graph's MIME send has no envelope: Bcc must be in the headers for Exchange to deliver it.
		expect(addresses(parsed.bcc)).toEqual([{ address: 'hidden@fabrikam.com', name: '' }]);
		expect(addresses(parsed.replyTo)).toEqual([{ address: 'support@contoso.com', name: '' }]);
		expect(parsed.subject).toBe('Invoice 42');
		expect(parsed.messageId).toBe(input.messageId);
		expect(parsed.inReplyTo).toBe('<CAF1x2y3@mail.gmail.com>');
		// References defaults to In-Reply-To (RFC 5322 §3.6.4).
		expect(parsed.references).toBe('<CAF1x2y3@mail.gmail.com>');
		expect(headerBlock(raw)).toMatch(/^Importance: high$/m);
		expect(parsed.headers.get('x-ticket-id')).toBe('T-1001');
		expect(headerBlock(raw)).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
		// mailparser files List-* headers under "list".
		expect((parsed.headers.get('list') as { unsubscribe?: unknown })?.unsubscribe).toEqual({
			url: 'https://contoso.com/unsubscribe?u=1',
			mail: 'unsubscribe@contoso.com',
		});
		expect(headerBlock(raw)).toMatch(/^MIME-Version: 1\.0$/m);
		expect(headerBlock(raw)).toMatch(/^Date: /m);
	});

	it('keeps a References chain in order and leaves importance headers out for normal', async () => {
		const { parsed, raw } = await built(
			base({
				inReplyTo: '<b@x.example>',
				references: ['<a@x.example> <b@x.example>'],
				importance: 'normal',
			}),
		);
		expect(parsed.references).toEqual(['<a@x.example>', '<b@x.example>']);
		expect(raw).not.toMatch(/^(Importance|X-Priority):/im);
	});

	it('encodes non-ASCII subjects and names (RFC 2047) and folds long headers', async () => {
		const subject =
			`Grüße aus Köln – Rechnung Nr. 42 für März, 日本語の件名もここに入ります ${'lang '.repeat(20)}`.trim();
		const { parsed, raw } = await built(
			base({
				subject,
				from: { address: 'invoices@contoso.com', name: 'Zoë Ägerter, Buchhaltung' },
				to: Array.from({ length: 12 }, (_, i) => ({
					address: `user${i}@fabrikam.com`,
					name: `Ünal ${i}`,
				})),
			}),
		);
		expect(parsed.subject).toBe(subject);
		expect(addresses(parsed.from)[0].name).toBe('Zoë Ägerter, Buchhaltung');
		expect(addresses(parsed.to)).toHaveLength(12);
		expect(addresses(parsed.to)[11]).toEqual({ address: 'user11@fabrikam.com', name: 'Ünal 11' });
		const headers = headerBlock(raw);
		expect(headers).not.toMatch(/[^\x00-\x7f]/); // 7-bit headers only
		const lines = headers.split('\r\n');
		expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
		expect(headers).toMatch(/^Subject: .*\r\n [^\r\n]+/m); // folded onto continuation lines
	});
});

describe('MIME builder: body structure', () => {
	it('puts text and HTML in one multipart/alternative, text first (RFC 2046 §5.1.4)', async () => {
		const { parsed, raw } = await built(
			base({ text: 'Plain für Jane', html: '<p>Rich <b>für</b> Jane</p>' }),
		);
		expect(parsed.text?.trim()).toBe('Plain für Jane');
		expect(parsed.html).toContain('<b>für</b>');
		expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/alternative;/m);
		expect(raw.indexOf('Content-Type: text/plain')).toBeLessThan(
			raw.indexOf('Content-Type: text/html'),
		);
	});

	it('sends a single part when there is only one body', async () => {
		const { raw: textOnly } = await built(base({ text: 'only text' }));
		expect(headerBlock(textOnly)).toMatch(/^Content-Type: text\/plain/m);
		const { raw: htmlOnly, parsed } = await built(
			base({ text: undefined, html: '<p>only html</p>' }),
		);
		expect(headerBlock(htmlOnly)).toMatch(/^Content-Type: text\/html/m);
		expect(htmlOnly).not.toMatch(/text\/plain/);
		expect(String(parsed.html).trim()).toBe('<p>only html</p>');
	});

	it('nests inline images in multipart/related with their Content-ID and attaches files', async () => {
		const pdf = Buffer.from('%PDF-1.4 fake but binary \x00\x01\x02', 'latin1');
		const { parsed, raw } = await built(
			base({
				html: '<p>Logo: <img src="cid:logo"></p>',
				attachments: [
					{
						name: 'logo.png',
						contentType: 'image/png',
						bytes: PNG,
						inline: true,
						contentId: 'logo',
					},
					{ name: 'Prüfbericht März.pdf', contentType: 'application/pdf', bytes: pdf },
				],
			}),
		);
		expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/mixed;/m);
		expect(raw).toMatch(/Content-Type: multipart\/alternative;/);
		expect(raw).toMatch(/Content-Type: multipart\/related; type="text\/html";/);
		const [logo, report] = parsed.attachments;
		expect(logo).toMatchObject({
			filename: 'logo.png',
			contentType: 'image/png',
			cid: 'logo',
			contentDisposition: 'inline',
			related: true,
		});
		expect(logo.content.equals(PNG)).toBe(true);
		expect(report).toMatchObject({
			filename: 'Prüfbericht März.pdf',
			contentType: 'application/pdf',
			contentDisposition: 'attachment',
		});
		expect(report.cid).toBeUndefined();
		expect(report.content.equals(pdf)).toBe(true);
	});

	it('reads a streamed attachment', async () => {
		const bytes = Buffer.alloc(200_000, 7);
		const { parsed } = await built(
			base({
				attachments: [
					{
						name: 'big.bin',
						contentType: 'application/octet-stream',
						stream: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]),
						size: bytes.length,
					},
				],
			}),
		);
		expect(parsed.attachments[0].content.equals(bytes)).toBe(true);
	});
});

describe('MIME builder: sizes', () => {
	it('estimates an upper bound close to the real base64 size, before reading anything', async () => {
		const bytes = Buffer.alloc(1_500_000);
		for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
		const input = base({
			subject: 'Grüße',
			html: `<p>${'Hallo Jänë '.repeat(2000)}</p>`,
			attachments: [{ name: 'data.bin', contentType: 'application/octet-stream', bytes }],
		});
		const estimate = estimateEncodedSize(input);
		const out = await buildMime(input);
		expect(out.encodedBytes).toBe(out.base64.length);
		expect(out.mimeBytes).toBe(out.mime.length);
		expect(estimate).toBeGreaterThanOrEqual(out.encodedBytes);
		expect(estimate).toBeLessThan(out.encodedBytes * 1.05);
	});

	it('refuses a message over the limit without touching the attachment stream', async () => {
		const stream = new Readable({
			read() {
				throw new Error('must not be read');
			},
		});
		const error = await buildMime(
			base({
				attachments: [
					{ name: 'huge.zip', contentType: 'application/zip', stream, size: 5 * 1024 * 1024 },
				],
			}),
			{ maxEncodedBytes: 4 * 1024 * 1024 },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).message).toMatch(/over the 4194304-byte limit/);
	});
});

describe('MIME builder: refuses header injection', () => {
	const cases: Array<[string, Partial<MimeMessageInput>, string]> = [
		['subject', { subject: 'Hi\r\nBcc: victim@evil.example' }, 'Subject'],
		['bare LF in subject', { subject: 'Hi\nX-Evil: 1' }, 'Subject'],
		[
			'display name',
			{ from: { address: 'a@contoso.com', name: 'A\r\nBcc: v@evil.example' } },
			'From',
		],
		['address', { to: [{ address: 'a@b.example\r\nBcc: v@evil.example' }] }, 'To'],
		[
			'custom header value',
			{ headers: [{ name: 'X-A', value: 'x\r\nBcc: v@evil.example' }] },
			'Custom Headers',
		],
		['custom header name', { headers: [{ name: 'X-A\r\nBcc', value: 'x' }] }, 'Custom Headers'],
		['non-X header', { headers: [{ name: 'Content-Type', value: 'text/evil' }] }, 'Custom Headers'],
		['In-Reply-To', { inReplyTo: '<a@b.example>\r\nBcc: v@evil.example' }, 'In-Reply-To'],
		['References', { references: ['<a@b.example>\nBcc: v@evil.example'] }, 'References'],
		['Message-ID', { messageId: '<a@b.example>\r\nX: 1' }, 'Message-ID'],
		[
			'List-Unsubscribe',
			{ listUnsubscribe: ['https://contoso.com/u\r\nBcc: v@evil.example'] },
			'List-Unsubscribe',
		],
		[
			'attachment name',
			{ attachments: [{ name: 'a\r\n.pdf', contentType: 'application/pdf', bytes: PNG }] },
			'Attachments',
		],
		[
			'content type',
			{ attachments: [{ name: 'a.pdf', contentType: 'text/plain\r\nX: 1', bytes: PNG }] },
			'Attachments',
		],
		[
			'content ID',
			{
				html: '<p/>',
				attachments: [
					{
						name: 'a.png',
						contentType: 'image/png',
						bytes: PNG,
						inline: true,
						contentId: 'a>\r\nX: 1',
					},
				],
			},
			'Inline Images',
		],
		['NUL', { subject: 'a\x00b' }, 'Subject'],
	];
	it.each(cases)('%s', async (_name, overrides, field) => {
		const error = await refusal(base(overrides));
		expect(error.field).toBe(field);
		expect(error.message).not.toMatch(/[\r\n]/);
	});

	it('needs an https URI for one-click unsubscribe (RFC 8058 §3.1)', async () => {
		const error = await refusal(
			base({ listUnsubscribe: ['mailto:u@contoso.com'], listUnsubscribeOneClick: true }),
		);
		expect(error.message).toMatch(/https/);
		await refusal(base({ listUnsubscribe: ['http://contoso.com/u'] }));
		await refusal(base({ listUnsubscribeOneClick: true }));
	});

	it('quotes only a short excerpt of a long bad unsubscribe URI', async () => {
		const error = await refusal(base({ listUnsubscribe: [`ftp://${'x'.repeat(5000)}`] }));
		expect(error.field).toBe('List-Unsubscribe');
		expect(error.message).toMatch(/\(5006 characters\)/);
		expect(error.message.length).toBeLessThan(300);
	});
});

describe('Message-IDs', () => {
	it('makes unique <random@sender-domain> IDs', () => {
		const ids = new Set(Array.from({ length: 2000 }, () => newMessageId('Invoices@Contoso.com')));
		expect(ids.size).toBe(2000);
		for (const id of ids) expect(id).toMatch(/^<[A-Za-z0-9._-]{20,}@contoso\.com>$/);
		expect(newMessageId('fabrikam.co.uk')).toMatch(/@fabrikam\.co\.uk>$/);
		expect(newMessageId('info@bücher.example')).toMatch(/@xn--bcher-kva\.example>$/);
	});

	it.each(['', 'localhost', 'a@b\r\n.com'])('refuses the sender %j: no domain', (sender) => {
		expect(() => newMessageId(sender)).toThrow(InputError);
	});

	it('says why a sender has no domain', () => {
		expect(() => newMessageId('localhost')).toThrow(/not a domain name/);
	});

	it('parses pasted IDs and reference lists', () => {
		expect(messageIdOf(' CAF1x2y3=g@mail.gmail.com ', 'f')).toBe('<CAF1x2y3=g@mail.gmail.com>');
		expect(() => messageIdOf('no-at-sign', 'In-Reply-To')).toThrow(/is not a message ID/);
		expect(messageIdListOf('<a@x.example><b@x.example>, c@x.example', 'f')).toEqual([
			'<a@x.example>',
			'<b@x.example>',
			'<c@x.example>',
		]);
		const long = Array.from({ length: 101 }, (_, i) => `<m${i}@x.example>`).join(' ');
		expect(() => messageIdListOf(long, 'References')).toThrow(/101 message IDs; at most 100/);
		expect(() => messageIdListOf('x'.repeat(70_000), 'References')).toThrow(/70000 characters/);
	});

	// One rule for both paths: an ID must fit the In-Reply-To header line (998 - "In-Reply-To: " =
	// 985).
	it.each([
		[985, 'accepted'],
		[986, 'refused'],
		[998, 'refused'],
	])(
		'a %i-character In-Reply-To is %s by the node and by the MIME builder alike',
		(length, verdict) => {
			const id = `<${'a'.repeat(length - 12)}@x.example>`;
			expect(id).toHaveLength(length);
			const node = () => messageIdOf(id, 'In-Reply-To');
			const mime = () => validateMimeInput(base({ inReplyTo: id }));
			if (verdict === 'accepted') {
				expect(node()).toBe(id);
				expect(mime().inReplyTo).toBe(id);
			} else {
				expect(node).toThrow(/longer than 985 characters/);
				expect(mime).toThrow(/longer than 985 characters/);
			}
		},
	);
});

describe('one rule per field: what the node accepts, the MIME builder accepts', () => {
	it.each([
		['LINE SEPARATOR', '\u2028'],
		['NEXT LINE', '\u0085'],
		['a tab', '\t'],
		['an unpaired surrogate', '\ud800'],
	])('a subject with %s is refused by the builder as by the node', (_case, char) => {
		expect(() => validateMimeInput(base({ subject: `Invoice${char}42` }))).toThrow(
			/The value contains/,
		);
	});

	const bytes = Buffer.from('x');
	it.each([
		['a media type with parameters', 'application/json; charset=utf-8', 'note'],
		['a content ID with a space', 'image/png', 'logo image'],
	])('%s', async (_case, contentType, contentId) => {
		const source = { property: contentId, name: 'a.txt', contentType, contentId };
		expect(() => checkAttachmentMetadata(source, 'Attachments')).not.toThrow();
		const attachments = [{ name: 'a.txt', contentType, bytes, inline: true, contentId }];
		expect(validateMimeInput(base({ attachments })).attachments).toEqual(attachments);
		const { parsed } = await built(base({ html: '<img src="cid:x">', attachments }));
		expect(parsed.attachments[0]).toMatchObject({ contentType: contentType.split(';')[0] });
	});
});
