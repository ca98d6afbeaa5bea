import { cidReferences, mapBody } from './body';
import { foreignKeys } from './sendEmailParams';
import {
	TARGET_CREDENTIAL,
	TARGET_TYPE,
	TARGET_VERSION,
	type Dropped,
	type WorkflowNode,
} from './types';

export interface MappedNode {
	node: WorkflowNode;
	mapped: string[];
	notes: string[];
	dropped: Dropped[];
	warnings: string[];
}

export const newMapped = (node: WorkflowNode): MappedNode => ({
	node,
	mapped: [],
	notes: [],
	dropped: [],
	warnings: [],
});

type Params = Record<string, unknown>;
const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';
const isExpression = (v: unknown) => typeof v === 'string' && v.startsWith('=');

/**
 * "Nathan Doe <nate@n8n.io>" → sender nate@n8n.io + From Name; an expression stays whole in Sender.
 */
export function mapFrom(fromEmail: unknown, out: Params, options: Params, r: MappedNode): void {
	if (!isSet(fromEmail)) return;
	const text = String(fromEmail);
	const named = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
	if (!isExpression(text) && named) {
		out.sender = named[2];
		if (named[1]) options.fromName = named[1];
		r.mapped.push('From Email → Sender (+ From Name)');
		return;
	}
	out.sender = text;
	r.mapped.push('From Email → Sender');
	if (isExpression(text)) {
		r.notes.push(
			'Sender is an expression: it must return a mailbox address (name@contoso.com); put a display name in Options › From Name.',
		);
	}
}

/**
 * Attachments: v2 gave each the cid of its property name, so those the HTML uses become Inline
 * Images. v1 gave none (its `cid:` links showed nothing): everything stays an attachment, and the
 * user is told.
 */
function mapAttachments(
	list: unknown,
	html: unknown,
	version: number,
	options: Params,
	r: MappedNode,
): void {
	if (!isSet(list)) return;
	// Send Email v1 gave attachments no content ID; an expression cannot be split here: both are kept
	// as they are.
	if (version < 2 || isExpression(list)) {
		options.attachments = list;
		r.mapped.push('Attachments → Options › Attachments');
		if (cidReferences(html).size)
			r.notes.push(
				isExpression(list)
					? 'The HTML uses cid: images and Attachments is an expression: list those properties in Options › Inline Images.'
					: 'The HTML uses cid: images, which Send Email v1 never resolved (it gave attachments no content ID); to show one in the body, move its property from Attachments to Options › Inline Images.',
			);
		return;
	}
	const names = String(list)
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const cids = cidReferences(html);
	const inline = names.filter((n) => cids.has(n));
	const attached = names.filter((n) => !cids.has(n));
	if (attached.length) options.attachments = attached.join(', ');
	if (inline.length) options.inlineImages = inline.join(', ');
	r.mapped.push(
		`Attachments → Options › Attachments${inline.length ? ' + Inline Images (cid:' + inline.join(', cid:') + ')' : ''}`,
	);
}

function mapOptions(o: Params, version: number, options: Params, r: MappedNode): void {
	const copy: Array<[string, string, string]> = [
		['ccEmail', 'ccRecipients', 'CC Email → Options › CC'],
		['bccEmail', 'bccRecipients', 'BCC Email → Options › BCC'],
		['replyTo', 'replyTo', 'Reply To → Options › Reply To'],
		['inReplyTo', 'inReplyTo', 'In Reply To → Options › In-Reply-To'],
		['references', 'references', 'References → Options › References'],
	];
	for (const [from, to, label] of copy) {
		if (isSet(o[from])) {
			options[to] = o[from];
			r.mapped.push(label);
		}
	}
	// Left at "off" these two behave as before (verified HTTPS, no footer): nothing is lost.
	if (isSet(o.allowUnauthorizedCerts) && o.allowUnauthorizedCerts !== false)
		r.dropped.push({
			parameter: 'options.allowUnauthorizedCerts',
			value: o.allowUnauthorizedCerts,
			reason:
				'Ignore SSL Issues has no counterpart: Microsoft Graph is always reached over verified HTTPS.',
		});
	const attribution = o.appendAttribution ?? (version >= 2.1 ? true : false);
	if (attribution === true || isExpression(attribution))
		r.dropped.push({
			parameter: `options.appendAttribution${o.appendAttribution === undefined ? ' (v2.1 default)' : ''}`,
			value: attribution,
			reason:
				'Append n8n Attribution: Office 365 Send Mail adds no footer; add it to the body if you want it.',
		});
	const known = new Set([
		...copy.map((c) => c[0]),
		'allowUnauthorizedCerts',
		'appendAttribution',
		'attachments',
	]);
	for (const key of Object.keys(o))
		if (!known.has(key) && isSet(o[key]))
			r.dropped.push({ parameter: `options.${key}`, value: o[key] });
}

/**
 * Send Email (send, any version) → Office 365 Send Mail (send). Node name, id, position and
 * settings stay.
 */
export function mapSendNode(node: WorkflowNode): MappedNode {
	const p: Params = node.parameters ?? {};
	const version = node.typeVersion ?? 1;
	const r = newMapped(node);
	const out: Params = { operation: 'send' };
	const options: Params = {};
	mapFrom(p.fromEmail, out, options, r);
	if (isSet(p.toEmail)) {
		out.toRecipients = p.toEmail;
		r.mapped.push('To Email → To');
	}
	if (isSet(p.subject)) {
		out.subject = p.subject;
		r.mapped.push('Subject → Subject');
	}
	const body = mapBody(p, version);
	Object.assign(out, body.parameters);
	r.mapped.push(...body.mapped);
	r.notes.push(...body.notes);
	if (body.unused)
		r.dropped.push({
			parameter: body.unused,
			value: p[body.unused],
			reason: `Email Format is ${String(body.parameters.bodyContentType)}: Send Email did not send this body either.`,
		});
	for (const key of foreignKeys(p, 'send'))
		if (isSet(p[key])) r.dropped.push({ parameter: key, value: p[key] });
	const o = (typeof p.options === 'object' && p.options) || {};
	if (isSet(p.options) && typeof p.options !== 'object')
		r.dropped.push({ parameter: 'options', value: p.options, reason: 'Options is not a list.' });
	// v1 had CC, BCC and Attachments at the top level; v2 moved them into Options.
	const flat: Params = { ...(o as Params) };
	for (const key of ['ccEmail', 'bccEmail', 'attachments']) if (isSet(p[key])) flat[key] = p[key];
	mapAttachments(flat.attachments, body.parameters.bodyContent, version, options, r);
	mapOptions(flat, version, options, r);
	if (Object.keys(options).length) out.options = options;
	r.node = retarget(node, out, r);
	return r;
}

/** The same node, retyped; the SMTP credential is dropped (the user picks a Graph one). */
export function retarget(node: WorkflowNode, parameters: Params, r: MappedNode): WorkflowNode {
	const { credentials, ...rest } = node;
	if (credentials)
		r.notes.push(
			`Credential: pick a "${TARGET_CREDENTIAL}" credential (the SMTP one was removed).`,
		);
	return { ...rest, type: TARGET_TYPE, typeVersion: TARGET_VERSION, parameters };
}
