import type { FormField, SendAndWaitConfig } from './config';
import { MAX_ANSWER_CHARS } from './limits';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/**
 * Plain text as HTML paragraphs: escaped, line breaks kept (n8n's editor may store them as a
 * literal "\n").
 */
export function textToHtml(value: string): string {
	return escapeHtml(value.replace(/\\n/g, '\n')).replace(/\r?\n/g, '<br>');
}

export const ATTRIBUTION = 'This message was sent automatically with n8n';
export const CONFIRM_FIELD = 'confirm';
/** The query parameter of the resume links that names one wait of the node. */
export const WAIT_PARAMETER = 'wait';
/**
 * Form inputs are named like n8n's own forms (field-0, field-1, …); labels may hold any character.
 */
export const fieldName = (index: number): string => `field-${index}`;

export interface ResumeLinks {
	/** Approval: the approve link. Free text and custom form: the respond link. */
	primary: string;
	/** Approval with two buttons: the disapprove link. */
	secondary?: string;
}

export interface ButtonLink {
	label: string;
	url: string;
	primary: boolean;
}

export function buttonsOf(config: SendAndWaitConfig, links: ResumeLinks): ButtonLink[] {
	if (config.responseType !== 'approval')
		return [{ label: config.messageButtonLabel, url: links.primary, primary: true }];
	const approve = { label: config.approveLabel, url: links.primary, primary: true };
	if (!config.double || !links.secondary) return [approve];
	return [approve, { label: config.disapproveLabel, url: links.secondary, primary: false }];
}

// Table layout and inline styles: Outlook desktop renders mail with Word's engine, which ignores
// most CSS.
function buttonHtml(b: ButtonLink): string {
	const colors = b.primary
		? 'background:#0f6cbd;color:#ffffff;border:1px solid #0f6cbd'
		: 'background:#ffffff;color:#0f6cbd;border:1px solid #0f6cbd';
	return `<td style="padding:0 8px 0 0"><a href="${escapeHtml(b.url)}" target="_blank" rel="noopener noreferrer" style="display:inline-block;padding:10px 20px;border-radius:4px;font-family:Segoe UI,Arial,sans-serif;font-size:15px;text-decoration:none;${colors}">${escapeHtml(b.label)}</a></td>`;
}

/** The question mail, as HTML (sent) and plain text (for a Text body or logs). */
export function buildQuestionMail(
	config: SendAndWaitConfig,
	links: ResumeLinks,
): { html: string; text: string } {
	const buttons = buttonsOf(config, links);
	const note =
		'Each button opens a page where you confirm your answer; opening the link alone records nothing.';
	const attribution = config.appendAttribution
		? `<p style="margin:24px 0 0;color:#707070;font-size:12px">${ATTRIBUTION}</p>`
		: '';
	const html = `<div style="font-family:Segoe UI,Arial,sans-serif;font-size:15px;color:#242424">
<p style="margin:0 0 16px">${textToHtml(config.message)}</p>
<table role="presentation" cellspacing="0" cellpadding="0" border="0"><tr>${buttons.map(buttonHtml).join('')}</tr></table>
<p style="margin:16px 0 0;color:#616161;font-size:13px">${escapeHtml(note)}</p>${attribution}
</div>`;
	const text = [
		config.message.replace(/\\n/g, '\n'),
		'',
		...buttons.map((b) => `${b.label}: ${b.url}`),
		'',
		note,
		...(config.appendAttribution ? ['', ATTRIBUTION] : []),
	].join('\n');
	return { html, text };
}

function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>body{font-family:Segoe UI,Arial,sans-serif;background:#f5f5f5;color:#242424;margin:0;padding:32px 16px}main{max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:20px;margin:0 0 16px}label{display:block;font-weight:600;margin:16px 0 6px}input,select,textarea{box-sizing:border-box;width:100%;padding:8px;font:inherit;border:1px solid #949494;border-radius:4px}textarea{min-height:120px}button{margin-top:20px;padding:10px 24px;font:inherit;color:#fff;background:#0f6cbd;border:0;border-radius:4px;cursor:pointer}.muted{color:#616161;font-size:14px}</style>
</head><body><main>${body}</main></body></html>`;
}

/** What a GET of an approval link shows: the chosen answer and the one button that records it. */
export function confirmationPage(config: SendAndWaitConfig, approved: boolean): string {
	const choice = approved ? config.approveLabel : config.disapproveLabel;
	return page(
		`Confirm: ${choice}`,
		`<h1>${escapeHtml(choice)}?</h1><p>${textToHtml(config.message)}</p>
<form method="post"><input type="hidden" name="${CONFIRM_FIELD}" value="${approved ? 'true' : 'false'}"><button type="submit">Confirm: ${escapeHtml(choice)}</button></form>
<p class="muted">Your answer is recorded only when you press the button.</p>`,
	);
}

function fieldHtml(field: FormField, index: number): string {
	const name = fieldName(index);
	const attrs = `id="${name}" name="${name}"${field.required ? ' required' : ''}`;
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	let input: string;
	if (field.type === 'textarea')
		input = `<textarea ${attrs} maxlength="${MAX_ANSWER_CHARS}"${placeholder}></textarea>`;
	else if (field.type === 'dropdown')
		input = `<select ${attrs}><option value=""></option>${field.options.map((o) => `<option>${escapeHtml(o)}</option>`).join('')}</select>`;
	else {
		const type = { text: 'text', email: 'email', number: 'number', date: 'date' }[field.type];
		const step = field.type === 'number' ? ' step="any"' : '';
		input = `<input type="${type}" ${attrs}${step} maxlength="${MAX_ANSWER_CHARS}"${placeholder}>`;
	}
	return `<label for="${name}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>${input}`;
}

/** Free text and custom form: the form that a GET shows; only its POST records the answer. */
export function formPage(config: SendAndWaitConfig, fields: FormField[]): string {
	const title = config.formTitle || 'Your answer';
	return page(
		title,
		`<h1>${escapeHtml(title)}</h1><p>${textToHtml(config.formDescription)}</p>
<form method="post">${fields.map(fieldHtml).join('')}<button type="submit">${escapeHtml(config.formButtonLabel)}</button></form>`,
	);
}

export function messagePage(title: string, text: string): string {
	return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}
