import { followDownstream } from './downstream';
import { mapSendNode, type MappedNode } from './mapNode';
import { mapSendAndWaitNode, SEND_AND_WAIT_AVAILABLE } from './sendAndWait';
import { retypedReason, rulesVersion, versionWarning } from './sendEmailParams';
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

function mapNode(node: WorkflowNode, options: ConvertOptions): MappedNode | string {
	const params = node.parameters ?? {};
	const operation = params.operation ?? 'send';
	const retyped = retypedReason(params, operation);
	if (retyped) return retyped;
	const rules = { ...node, typeVersion: rulesVersion(node.typeVersion) };
	if (operation === 'send') return mapSendNode(rules);
	if (operation === 'sendAndWait') {
		if (!(options.sendAndWait || SEND_AND_WAIT_AVAILABLE))
			return 'Operation "Send and Wait" is not offered by this version of Office 365 Send Mail yet; the node was left unchanged.';
		return mapSendAndWaitNode(rules);
	}
	if (operation === 'sendToInstanceUser')
		return 'Operation "Send to Instance User" mails n8n users through the instance SMTP settings; it has no counterpart and was left unchanged.';
	return `Operation "${String(operation)}" is not known to the converter; the node was left unchanged.`;
}

const filled = (v: unknown) => v !== undefined && v !== null && v !== '';

/** What would make the converted node refuse to run or send an empty mail. */
function warningsOf(node: WorkflowNode, result: MappedNode): string[] {
	const p = result.node.parameters ?? {};
	const o = (p.options ?? {}) as Record<string, unknown>;
	const warnings: string[] = [];
	const version = versionWarning(node.typeVersion);
	if (version) warnings.push(version);
	if (!filled(p.toRecipients) && !filled(o.ccRecipients) && !filled(o.bccRecipients))
		warnings.push(
			'No recipient: To Email (and CC/BCC) is empty; Office 365 Send Mail refuses to run until To, CC or BCC is set.',
		);
	const body = p.operation === 'sendAndWait' ? p.message : p.bodyContent || p.textContent;
	if (!filled(body))
		warnings.push(
			p.operation === 'sendAndWait'
				? 'No message: the approval mail would say nothing but its buttons; fill in Message.'
				: 'No body: the mail would go out empty; fill in Body (it was empty in Send Email too).',
		);
	return warnings;
}

function reportOf(workflow: Workflow, node: WorkflowNode, result: MappedNode | string): NodeReport {
	const base = {
		workflow: workflow.name ?? workflow.id ?? '(unnamed)',
		node: node.name,
		fromVersion: node.typeVersion,
		downstream: [],
	};
	if (typeof result === 'string')
		return { ...base, converted: false, mapped: [], notes: [result], dropped: [], warnings: [] };
	const { mapped, notes, dropped } = result;
	return { ...base, converted: true, mapped, notes, dropped, warnings: warningsOf(node, result) };
}

export function convertWorkflow(
	workflow: Workflow,
	options: ConvertOptions = {},
): { workflow: Workflow; reports: NodeReport[] } {
	const reports: NodeReport[] = [];
	const sent = new Set<string>();
	const nodes = workflow.nodes.map((node) => {
		if (node?.type !== EMAIL_SEND_TYPE) return node;
		const result = mapNode(node, options);
		const report = reportOf(workflow, node, result);
		reports.push(report);
		if (typeof result === 'string') return node;
		// Only Send returned the SMTP result; Send and Wait's output is the answer, the same in both
		// nodes.
		if (result.node.parameters?.operation === 'send') sent.add(node.name);
		return result.node;
	});
	const followed = followDownstream(workflow, nodes, sent);
	for (const report of reports) report.downstream = followed.uses.get(report.node) ?? [];
	return { workflow: { ...workflow, nodes: followed.nodes }, reports };
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

/**
 * Whether a report holds anything `--strict` fails on: a value dropped, a node left, an unresolved
 * reference.
 */
export function needsAttention(report: NodeReport): boolean {
	return (
		!report.converted ||
		report.dropped.length > 0 ||
		report.warnings.length > 0 ||
		report.downstream.some((use) => !use.rewritten)
	);
}
