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
	const many = Array.from({ length: MAX_FIELDS + 1 }, (_, i) => ({ fieldLabel: `f${i}` }));
	const longLabel = { approvalOptions: { values: { approveLabel: 'y'.repeat(201) } } };
	test.each([
		[
			'an empty message',
			() => field(() => readSendAndWaitConfig(reader({ message: ' ' }))),
			/^Message: Is empty/,
		],
		[
			'an unknown response type',
			() => field(() => readSendAndWaitConfig(reader({ message: 'x', responseType: 'poll' }))),
			/^Response Type: Must be approval, freeText or customForm/,
		],
		['too many form fields', () => configError(many), /^Form Fields: 51 fields; at most 50/],
		[
			'a field name used twice',
			() => configError([{ fieldLabel: 'A' }, { fieldLabel: 'A' }]),
			/^Form Fields › field 2 › Field Name: "A" is used twice/,
		],
		[
			'a dropdown without options',
			() => configError([{ fieldLabel: 'A', fieldType: 'dropdown' }]),
			/^Form Fields › field 1 › Field Options: A dropdown list needs at least one option/,
		],
		[
			'a button label over 200 characters',
			() => field(() => readSendAndWaitConfig(reader({ message: 'x', ...longLabel }))),
			/^Approval Options › Approve Button Label: Is 201 characters long/,
		],
	])('%s is refused naming the field', (_case, refusal, message) => {
		expect(refusal()).toMatch(message);
	});

	test.each(['__proto__', 'constructor', 'prototype'])(
		'the field name %s is refused: the answer could not be read under it',
		(reserved) => {
			expect(configError([{ fieldLabel: 'A' }, { fieldLabel: ` ${reserved} ` }])).toBe(
				`Form Fields › field 2 › Field Name: "${reserved}" cannot be a field name: the answer could not be read under it. Choose another name.`,
			);
		},
	);

	const limit = (values: Record<string, unknown>) => () =>
		sendAndWaitWaitTill(reader({ options: { limitWaitTime: { values } } }), 0);
	test.each([
		['zero hours', { resumeAmount: 0, resumeUnit: 'hours' }, /Amount: Must be a positive/],
		['an unknown unit', { resumeAmount: 1, resumeUnit: 'weeks' }, /Amount: Must be a positive/],
		[
			'an invalid date',
			{ limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' },
			/Max Date and Time: Must be a valid date/,
		],
	])('a wait limit of %s is refused', (_case, values, message) => {
		expect(field(limit(values))).toMatch(message);
	});

	test('a wait limit in fractions of a day is kept', () => {
		expect(limit({ resumeAmount: 1.5, resumeUnit: 'days' })().getTime()).toBe(1.5 * 86_400_000);
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
