import { mapFrom, newMapped, retarget, type MappedNode } from './mapNode';
import type { WorkflowNode } from './types';

type Params = Record<string, unknown>;
const isObject = (v: unknown): v is Params =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

// n8n's shared Send and Wait parameters (packages/nodes-base/utils/sendAndWait/utils.ts) that
// Office 365 Send Mail's sendAndWait reads under the same names and shapes.
const SHARED = ['subject', 'message', 'responseType', 'approvalOptions', 'formFields'];
const SHARED_OPTIONS = [
	'limitWaitTime',
	'appendAttribution',
	'messageButtonLabel',
	'responseFormTitle',
	'responseFormDescription',
	'responseFormButtonLabel',
];
// Form field types of n8n's Form node that our response form renders; others cannot be answered
// here.
const FIELD_TYPES = ['date', 'dropdown', 'email', 'number', 'text', 'textarea'];

/**
 * Whether this package's node offers operation "sendAndWait" (it does since the operation was
 * wired).
 */
export const SEND_AND_WAIT_AVAILABLE = true;

function mapOptions(o: Params, r: MappedNode): Params {
	const options: Params = {};
	for (const key of Object.keys(o)) {
		if (SHARED_OPTIONS.includes(key)) {
			options[key] = o[key];
			r.mapped.push(`Options › ${key} (unchanged)`);
		} else if (key === 'responseFormCustomCss') {
			r.dropped.push({
				parameter: 'options.responseFormCustomCss',
				value: o[key],
				reason:
					'Response Form Custom Styling has no counterpart: the response form uses its own fixed style.',
			});
		} else r.dropped.push({ parameter: `options.${key}`, value: o[key] });
	}
	return options;
}

function checkForm(p: Params, r: MappedNode): void {
	const approval = isObject(p.approvalOptions) ? p.approvalOptions.values : undefined;
	for (const key of ['buttonApprovalStyle', 'buttonDisapprovalStyle'])
		if (isObject(approval) && approval[key])
			r.dropped.push({
				parameter: `approvalOptions.values.${key}`,
				value: approval[key],
				reason: 'Button styles have no counterpart: the mail uses its own button style.',
			});
	if (p.responseType !== 'customForm') return;
	const values = isObject(p.formFields) ? p.formFields.values : undefined;
	if (!Array.isArray(values)) return;
	const other = values
		.map((v) => (isObject(v) ? String(v.fieldType ?? 'text') : '?'))
		.filter((type) => !FIELD_TYPES.includes(type));
	if (other.length)
		r.notes.push(
			`Form field types ${[...new Set(other)].join(', ')} are not offered (only ${FIELD_TYPES.join(', ')}): change those fields before running the workflow.`,
		);
	if (values.some((v) => isObject(v) && v.fieldName !== undefined))
		r.notes.push(
			'Form fields answer under their Field Name (label); custom field keys are not kept.',
		);
}

/**
 * Send Email's Send and Wait (v2.1+) → Office 365 Send Mail's. A form defined as JSON has no
 * counterpart, so such a node is left unchanged (a string says why) rather than converted into one
 * that refuses every run.
 */
export function mapSendAndWaitNode(node: WorkflowNode): MappedNode | string {
	const p = node.parameters ?? {};
	if (p.responseType === 'customForm' && p.defineForm === 'json')
		return 'Send and Wait with a form defined as JSON: Office 365 Send Mail defines forms with Form Fields only; the node was left unchanged. Recreate the form under Form Fields.';
	const r = newMapped(node);
	const out: Params = { operation: 'sendAndWait' };
	const options: Params = {};
	mapFrom(p.fromEmail, out, options, r);
	if (p.toEmail !== undefined) {
		out.toRecipients = p.toEmail;
		r.mapped.push('To Email → To');
	}
	for (const key of SHARED) {
		if (p[key] !== undefined) {
			out[key] = p[key];
			r.mapped.push(`${key} (unchanged)`);
		}
	}
	checkForm(p, r);
	Object.assign(options, mapOptions(isObject(p.options) ? p.options : {}, r));
	if (Object.keys(options).length) out.options = options;
	const known = ['resource', 'operation', 'fromEmail', 'toEmail', 'options', 'defineForm'];
	for (const key of Object.keys(p))
		if (![...known, ...SHARED].includes(key) && p[key] !== undefined && p[key] !== '')
			r.dropped.push({ parameter: key, value: p[key] });
	r.notes.push(
		'Send and Wait: the mail links to a confirmation page; only its button records the answer, so link scanners cannot answer.',
	);
	r.node = retarget(node, out, r);
	return r;
}
