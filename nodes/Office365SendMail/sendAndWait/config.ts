import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../shared/text/inputError';
import { MAX_FIELD_OPTIONS, MAX_FIELDS, MAX_LABEL_CHARS, MAX_MESSAGE_CHARS } from './limits';

/**
 * Reads one node parameter; the execute and webhook contexts differ only in how the item is chosen.
 */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

export type ResponseType = 'approval' | 'freeText' | 'customForm';
export type FieldType = 'date' | 'dropdown' | 'email' | 'number' | 'text' | 'textarea';

export interface FormField {
	label: string;
	type: FieldType;
	placeholder: string;
	required: boolean;
	options: string[];
}

export interface SendAndWaitConfig {
	message: string;
	responseType: ResponseType;
	/** Approval only: one button or two. */
	double: boolean;
	approveLabel: string;
	disapproveLabel: string;
	/** Free text and custom form: the button in the mail, and the form page. */
	messageButtonLabel: string;
	formTitle: string;
	formDescription: string;
	formButtonLabel: string;
	fields: FormField[];
	appendAttribution: boolean;
}

const FIELD_TYPES: FieldType[] = ['date', 'dropdown', 'email', 'number', 'text', 'textarea'];
/**
 * Labels are the keys of the answer object: `__proto__` would set its prototype instead of a key
 * (the answer is lost); n8n-workflow treats all three as unsafe object keys (its
 * isSafeObjectProperty).
 */
const RESERVED_LABELS = new Set(['__proto__', 'constructor', 'prototype']);

function text(value: unknown, field: string, max: number, fallback = ''): string {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value !== 'string' && typeof value !== 'number')
		throw new InputError(
			field,
			`Must be text, got ${Array.isArray(value) ? 'a list' : typeof value}.`,
		);
	const s = String(value);
	if (s.length > max)
		throw new InputError(
			field,
			`Is ${s.length} characters long; at most ${max} are allowed. Shorten it.`,
		);
	return s;
}

function label(value: unknown, field: string, fallback: string): string {
	const s = text(value, field, MAX_LABEL_CHARS, fallback).trim();
	return s || fallback;
}

function formFields(raw: unknown): FormField[] {
	const values = (raw ?? []) as IDataObject[];
	if (!Array.isArray(values)) throw new InputError('Form Fields', 'Must be a list of fields.');
	if (values.length === 0)
		throw new InputError(
			'Form Fields',
			'Custom Form needs at least one field: add one under Form Fields.',
		);
	if (values.length > MAX_FIELDS)
		throw new InputError(
			'Form Fields',
			`${values.length} fields; at most ${MAX_FIELDS} are allowed.`,
		);
	const seen = new Set<string>();
	return values.map((v, i) => {
		const where = `Form Fields › field ${i + 1}`;
		const fieldLabel = label(v.fieldLabel, `${where} › Field Name`, '');
		if (!fieldLabel)
			throw new InputError(`${where} › Field Name`, 'Is empty: every field needs a name.');
		if (RESERVED_LABELS.has(fieldLabel))
			throw new InputError(
				`${where} › Field Name`,
				`"${fieldLabel}" cannot be a field name: the answer could not be read under it. Choose another name.`,
			);
		if (seen.has(fieldLabel))
			throw new InputError(
				`${where} › Field Name`,
				`"${fieldLabel}" is used twice; field names must differ, they are the keys of the answer.`,
			);
		seen.add(fieldLabel);
		const type = (v.fieldType ?? 'text') as FieldType;
		if (!FIELD_TYPES.includes(type))
			throw new InputError(
				`${where} › Element Type`,
				`Must be one of ${FIELD_TYPES.join(', ')}, got ${JSON.stringify(type)}.`,
			);
		const options = (((v.fieldOptions as IDataObject)?.values ?? []) as IDataObject[])
			.map((o, j) => label(o.option, `${where} › Field Options › option ${j + 1}`, ''))
			.filter((o) => o !== '');
		if (type === 'dropdown' && options.length === 0)
			throw new InputError(
				`${where} › Field Options`,
				'A dropdown list needs at least one option.',
			);
		if (options.length > MAX_FIELD_OPTIONS)
			throw new InputError(
				`${where} › Field Options`,
				`${options.length} options; at most ${MAX_FIELD_OPTIONS} are allowed.`,
			);
		return {
			label: fieldLabel,
			type,
			placeholder: label(v.placeholder, `${where} › Placeholder`, ''),
			required: v.requiredField === true,
			options: type === 'dropdown' ? options : [],
		};
	});
}

/**
 * Reads and checks the Send-and-Wait parameters; throws InputError naming the field before anything
 * is sent.
 */
export function readSendAndWaitConfig(read: ParameterReader): SendAndWaitConfig {
	const message = text(read('message', ''), 'Message', MAX_MESSAGE_CHARS).trim();
	if (!message)
		throw new InputError('Message', 'Is empty: write the question the person should answer.');
	const responseType = read('responseType', 'approval') as ResponseType;
	if (!['approval', 'freeText', 'customForm'].includes(responseType))
		throw new InputError(
			'Response Type',
			`Must be approval, freeText or customForm, got ${JSON.stringify(responseType)}.`,
		);
	const approval = (read('approvalOptions.values', {}) ?? {}) as IDataObject;
	const options = (read('options', {}) ?? {}) as IDataObject;
	return {
		message,
		responseType,
		double: responseType === 'approval' && approval.approvalType === 'double',
		approveLabel: label(
			approval.approveLabel,
			'Approval Options › Approve Button Label',
			'Approve',
		),
		disapproveLabel: label(
			approval.disapproveLabel,
			'Approval Options › Disapprove Button Label',
			'Decline',
		),
		messageButtonLabel: label(
			options.messageButtonLabel,
			'Options › Message Button Label',
			'Respond',
		),
		formTitle: label(options.responseFormTitle, 'Options › Response Form Title', ''),
		formDescription: text(
			options.responseFormDescription,
			'Options › Response Form Description',
			MAX_MESSAGE_CHARS,
			message,
		),
		formButtonLabel: label(
			options.responseFormButtonLabel,
			'Options › Response Form Button Label',
			'Submit',
		),
		fields: responseType === 'customForm' ? formFields(read('formFields.values', [])) : [],
		appendAttribution: options.appendAttribution !== false,
	};
}
