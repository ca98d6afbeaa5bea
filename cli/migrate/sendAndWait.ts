import { retarget, type MappedNode } from './mapNode';
import type { WorkflowNode } from './types';

// n8n's shared Send and Wait parameters (packages/nodes-base/utils/sendAndWait/utils.ts). Office 365 Send
// Mail's sendAndWait keeps these names, so they are copied as they are; only sender/recipient are renamed.
const SHARED = [
	'subject',
	'message',
	'responseType',
	'approvalOptions',
	'defineForm',
	'formFields',
	'jsonOutput',
	'options',
];

/**
 * Whether this package's node offers operation "sendAndWait" yet. Until it does, such nodes are left as
 * they are and reported, so a converted workflow never names an operation the node does not have.
 */
export const SEND_AND_WAIT_AVAILABLE = false;

export function mapSendAndWaitNode(node: WorkflowNode): MappedNode {
	const p = node.parameters ?? {};
	const r: MappedNode = { node, mapped: [], notes: [] };
	const out: Record<string, unknown> = { operation: 'sendAndWait' };
	if (p.fromEmail !== undefined) {
		out.sender = p.fromEmail;
		r.mapped.push('From Email → Sender');
	}
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
	for (const key of Object.keys(p))
		if (!['resource', 'operation', 'fromEmail', 'toEmail', ...SHARED].includes(key))
			r.notes.push(`Parameter "${key}" is not known to the converter and was left out.`);
	r.notes.push(
		'Send and Wait: the resume links go to this n8n instance as before (webhook ID kept).',
	);
	r.node = retarget(node, out, r);
	return r;
}
