import type { IDataObject } from 'n8n-workflow';

import type { FormField, SendAndWaitConfig } from './config';
import { CONFIRM_FIELD, fieldName } from './html';
import { MAX_ANSWER_CHARS } from './limits';

export type Answer = { ok: true; data: IDataObject } | { ok: false; reason: string };

/** Free text is a form with one required textarea, like n8n's own. */
export const FREE_TEXT_FIELDS: FormField[] = [
	{ label: 'Response', type: 'textarea', placeholder: '', required: true, options: [] },
];

/**
 * `approved` from the signed link: only the two values the mail can contain, and false only with
 * two buttons.
 */
export function approvalOf(config: SendAndWaitConfig, query: IDataObject): boolean | undefined {
	if (query.approved === 'true') return true;
	if (query.approved === 'false' && config.double) return false;
	return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day: Date.parse rolls 2024-02-30 over to March 1 instead of refusing it. */
function isCalendarDate(value: string): boolean {
	const m = DATE.exec(value);
	if (!m) return false;
	const [y, mo, d] = m.slice(1).map(Number);
	const at = new Date(0);
	at.setUTCFullYear(y, mo - 1, d); // Date.UTC would read years 0-99 as 1900-1999
	return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

function fieldValue(field: FormField, raw: unknown): { value?: string | number; reason?: string } {
	if (raw !== undefined && typeof raw !== 'string')
		return { reason: `"${field.label}" was sent more than once.` };
	const value = (raw ?? '').trim();
	if (value.length > MAX_ANSWER_CHARS)
		return { reason: `"${field.label}" is longer than ${MAX_ANSWER_CHARS} characters.` };
	if (!value) return field.required ? { reason: `"${field.label}" is required.` } : { value: '' };
	switch (field.type) {
		case 'email':
			return EMAIL.test(value)
				? { value }
				: { reason: `"${field.label}" is not an e-mail address.` };
		case 'number': {
			const n = Number(value);
			return Number.isFinite(n) ? { value: n } : { reason: `"${field.label}" is not a number.` };
		}
		case 'date':
			return isCalendarDate(value)
				? { value }
				: { reason: `"${field.label}" is not a date (YYYY-MM-DD).` };
		case 'dropdown':
			return field.options.includes(value)
				? { value }
				: { reason: `"${field.label}" is not one of the offered options.` };
		default:
			return { value };
	}
}

/**
 * Reads the POSTed form (parsed by n8n as application/x-www-form-urlencoded) into the output's
 * `data`.
 */
export function answerOf(config: SendAndWaitConfig, query: IDataObject, body: unknown): Answer {
	if (!body || typeof body !== 'object' || Array.isArray(body))
		return { ok: false, reason: 'The request did not contain the form.' };
	const form = body as IDataObject;
	if (config.responseType === 'approval') {
		const approved = approvalOf(config, query);
		if (approved === undefined)
			return { ok: false, reason: 'This link does not carry a valid answer.' };
		if (form[CONFIRM_FIELD] !== String(approved))
			return { ok: false, reason: 'The confirmation was missing or did not match the link.' };
		return { ok: true, data: { approved } };
	}
	const fields = config.responseType === 'freeText' ? FREE_TEXT_FIELDS : config.fields;
	const data: IDataObject = {};
	for (const [i, field] of fields.entries()) {
		const { value, reason } = fieldValue(field, form[fieldName(i)]);
		if (reason !== undefined) return { ok: false, reason };
		data[field.label] = value;
	}
	if (config.responseType === 'freeText') return { ok: true, data: { text: data.Response } };
	return { ok: true, data };
}
