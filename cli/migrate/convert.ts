import { mapSendNode, type MappedNode } from './mapNode';
import { mapSendAndWaitNode, SEND_AND_WAIT_AVAILABLE } from './sendAndWait';
import { EMAIL_SEND_TYPE, type NodeReport, type Workflow, type WorkflowNode } from './types';

export interface ConvertOptions {
	/** Convert Send and Wait nodes even before the node offers the operation (tests, previews). */
	sendAndWait?: boolean;
}

export interface ConvertResult {
	/** Same shape as the input: one workflow or an array of them. */
	output: Workflow | Workflow[];
	reports: NodeReport[];
}

// nodemailer's SMTP result that Send Email returned; Office 365 Send Mail outputs other fields.
const SMTP_OUTPUT_FIELDS =
	/\b(accepted|rejected|envelope|envelopeTime|messageTime|messageSize|response|messageId)\b/;

function mapNode(node: WorkflowNode, options: ConvertOptions): MappedNode | string {
	const operation = node.parameters?.operation ?? 'send';
	if (operation === 'send') return mapSendNode(node);
	if (operation === 'sendAndWait') {
		if (options.sendAndWait || SEND_AND_WAIT_AVAILABLE) return mapSendAndWaitNode(node);
		return 'Operation "Send and Wait" is not offered by this version of Office 365 Send Mail yet; the node was left unchanged.';
	}
	if (operation === 'sendToInstanceUser')
		return 'Operation "Send to Instance User" mails n8n users through the instance SMTP settings; it has no counterpart and was left unchanged.';
	return `Operation "${String(operation)}" is not known to the converter; the node was left unchanged.`;
}

/** Expressions elsewhere that read this node's SMTP output ($('Name')…, $node["Name"]…). */
function downstreamNotes(workflow: Workflow, name: string): string[] {
	const refs = [`$('${name}')`, `$("${name}")`, `$node["${name}"]`, `$node['${name}']`];
	const notes: string[] = [];
	for (const other of workflow.nodes) {
		if (other.name === name) continue;
		const text = JSON.stringify(other.parameters ?? {});
		if (
			refs.some((ref) => text.includes(JSON.stringify(ref).slice(1, -1))) &&
			SMTP_OUTPUT_FIELDS.test(text)
		)
			notes.push(
				`Node "${other.name}" reads this node's SMTP result (messageId/accepted/response…); the output now has internetMessageId, conversationId and id instead. Check its expressions.`,
			);
	}
	return notes;
}

export function convertWorkflow(
	workflow: Workflow,
	options: ConvertOptions = {},
): { workflow: Workflow; reports: NodeReport[] } {
	const reports: NodeReport[] = [];
	const nodes = workflow.nodes.map((node) => {
		if (node?.type !== EMAIL_SEND_TYPE) return node;
		const result = mapNode(node, options);
		const report: NodeReport = {
			workflow: workflow.name ?? workflow.id ?? '(unnamed)',
			node: node.name,
			fromVersion: node.typeVersion,
			converted: typeof result !== 'string',
			mapped: typeof result === 'string' ? [] : result.mapped,
			notes:
				typeof result === 'string'
					? [result]
					: [...result.notes, ...downstreamNotes(workflow, node.name)],
		};
		reports.push(report);
		return typeof result === 'string' ? node : result.node;
	});
	return { workflow: { ...workflow, nodes }, reports };
}

function isWorkflow(value: unknown): value is Workflow {
	return typeof value === 'object' && value !== null && Array.isArray((value as Workflow).nodes);
}

/** `n8n export:workflow` writes one workflow object, or an array with --all / --backup. */
export function convertExport(data: unknown, options: ConvertOptions = {}): ConvertResult {
	const list = Array.isArray(data) ? data : [data];
	list.forEach((wf, i) => {
		if (!isWorkflow(wf))
			throw new Error(
				`Entry ${i + 1} is not an n8n workflow (no "nodes" list). Export with: n8n export:workflow --all --output=workflows.json`,
			);
	});
	const results = (list as Workflow[]).map((wf) => convertWorkflow(wf, options));
	const workflows = results.map((r) => r.workflow);
	return {
		output: Array.isArray(data) ? workflows : workflows[0],
		reports: results.flatMap((r) => r.reports),
	};
}
