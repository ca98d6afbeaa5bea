import {
	readSendAndWaitConfig,
	type ParameterReader,
} from '../../nodes/Office365SendMail/sendAndWait/config';
import { MAX_FIELDS } from '../../nodes/Office365SendMail/sendAndWait/limits';
import { answerOf } from '../../nodes/Office365SendMail/sendAndWait/answer';
import { buildQuestionMail, escapeHtml } from '../../nodes/Office365SendMail/sendAndWait/html';
import { sendAndWaitWaitTill } from '../../nodes/Office365SendMail/sendAndWait/waitTill';

/** Parameters as n8n stores them, read by dotted path like getNodeParameter. */
function reader(parameters: Record<string, unknown>): ParameterReader {
	return (name, fallback) => {
		let value: unknown = parameters;
		for (const part of name.split('.')) value = (value as Record<string, unknown>)?.[part];
		return value ?? fallback;
	};
}

const field = (error: () => unknown) => {
	try {
		error();
	} catch (e) {
		return `${(e as { field: string }).field}: ${(e as Error).message}`;
	}
	return 'no error';
};

/** The field and message a customForm configuration with these form fields is refused with. */
const configError = (values: unknown[]) =>
	field(() =>
		readSendAndWaitConfig(
			reader({ message: 'x', responseType: 'customForm', formFields: { values } }),
		),
	);

describe('Send-and-Wait parameters are checked before anything is sent', () => {
	test('empty message, unknown response type, oversized and duplicate fields name the field', () => {
		expect(field(() => readSendAndWaitConfig(reader({ message: ' ' })))).toMatch(
			/^Message: Is empty/,
		);
		expect(
			field(() => readSendAndWaitConfig(reader({ message: 'x', responseType: 'poll' }))),
		).toMatch(/^Response Type: Must be approval, freeText or customForm/);
		const many = Array.from({ length: MAX_FIELDS + 1 }, (_, i) => ({ fieldLabel: `f${i}` }));
		expect(configError(many)).toMatch(/^Form Fields: 51 fields; at most 50/);
		expect(configError([{ fieldLabel: 'A' }, { fieldLabel: 'A' }])).toMatch(
			/^Form Fields › field 2 › Field Name: "A" is used twice/,
		);
		for (const reserved of ['__proto__', 'constructor', 'prototype'])
			expect(configError([{ fieldLabel: 'A' }, { fieldLabel: ` ${reserved} ` }])).toBe(
				`Form Fields › field 2 › Field Name: "${reserved}" cannot be a field name: the answer could not be read under it. Choose another name.`,
			);
		expect(configError([{ fieldLabel: 'A', fieldType: 'dropdown' }])).toMatch(
			/^Form Fields › field 1 › Field Options: A dropdown list needs at least one option/,
		);
		expect(
			field(() =>
				readSendAndWaitConfig(
					reader({ message: 'x', approvalOptions: { values: { approveLabel: 'y'.repeat(201) } } }),
				),
			),
		).toMatch(/^Approval Options › Approve Button Label: Is 201 characters long/);
	});

	test('wait limits: zero, unknown unit and invalid dates are refused', () => {
		const limit = (values: Record<string, unknown>) => () =>
			sendAndWaitWaitTill(reader({ options: { limitWaitTime: { values } } }), 0);
		expect(field(limit({ resumeAmount: 0, resumeUnit: 'hours' }))).toMatch(
			/Amount: Must be a positive/,
		);
		expect(field(limit({ resumeAmount: 1, resumeUnit: 'weeks' }))).toMatch(
			/Amount: Must be a positive/,
		);
		expect(field(limit({ limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' }))).toMatch(
			/Max Date and Time: Must be a valid date/,
		);
		expect(
			sendAndWaitWaitTill(
				reader({
					options: { limitWaitTime: { values: { resumeAmount: 1.5, resumeUnit: 'days' } } },
				}),
				0,
			).getTime(),
		).toBe(1.5 * 86_400_000);
	});
});

describe('answers', () => {
	const config = readSendAndWaitConfig(
		reader({
			message: 'x',
			responseType: 'customForm',
			formFields: { values: [{ fieldLabel: 'Deliver on', fieldType: 'date' }] },
		}),
	);
	test.each([
		['2024-02-29', { ok: true, data: { 'Deliver on': '2024-02-29' } }],
		['0050-01-31', { ok: true, data: { 'Deliver on': '0050-01-31' } }],
		['2024-02-30', { ok: false, reason: '"Deliver on" is not a date (YYYY-MM-DD).' }],
		['2023-02-29', { ok: false, reason: '"Deliver on" is not a date (YYYY-MM-DD).' }],
		['2024-04-31', { ok: false, reason: '"Deliver on" is not a date (YYYY-MM-DD).' }],
		['2024-13-01', { ok: false, reason: '"Deliver on" is not a date (YYYY-MM-DD).' }],
		['2024-1-01', { ok: false, reason: '"Deliver on" is not a date (YYYY-MM-DD).' }],
	])('date field %s', (value, expected) => {
		expect(answerOf(config, {}, { 'field-0': value })).toEqual(expected);
	});
});

describe('question mail', () => {
	test('user text is escaped in the body, the labels and the link attributes', () => {
		const config = readSendAndWaitConfig(
			reader({
				message: 'Line 1\\nLine <2> & "3"',
				approvalOptions: { values: { approveLabel: '<img src=x onerror=alert(1)>' } },
				options: { appendAttribution: false },
			}),
		);
		const { html, text } = buildQuestionMail(config, {
			primary: 'https://n8n.example/webhook-waiting/1/n?approved=true&signature="x"',
		});
		expect(html).toContain('Line 1<br>Line &lt;2&gt; &amp; &quot;3&quot;');
		expect(html).toContain('>&lt;img src=x onerror=alert(1)&gt;</a>');
		expect(html).toContain(
			'href="https://n8n.example/webhook-waiting/1/n?approved=true&amp;signature=&quot;x&quot;"',
		);
		expect(html).not.toMatch(/<img|onerror=alert\(1\)>/);
		expect(html).not.toContain('sent automatically with n8n');
		expect(text).toContain('Line 1\nLine <2> & "3"');
		expect(escapeHtml(`'`)).toBe('&#39;');
	});
});
