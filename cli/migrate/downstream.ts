import type { DownstreamUse, Workflow, WorkflowNode } from './types';

/**
 * Send Email returned nodemailer's SMTP result (n8n's EmailSend v1/v2 pass `transporter.sendMail`'s
 * info on as the item's json; fields per nodemailer's SMTP transport). Office 365 Send Mail outputs
 * other fields, so expressions that read the old ones would quietly get `undefined` — an "If email
 * sent" would take the wrong branch.
 */
const ADVICE: Record<string, string> = {
	messageId: 'rewritten to internetMessageId (the Message-ID of the sent mail, with <…> as before)',
	accepted:
		'no counterpart: Graph takes the whole message or the node fails; test `status` ("sent", "scheduled" or "draft"), recipients are in toRecipients/ccRecipients/bccRecipients',
	rejected:
		'no counterpart: a refused message fails the node (with Continue On Fail the item has `error`)',
	rejectedErrors:
		'no counterpart: a refused message fails the node (with Continue On Fail the item has `error`)',
	pending: 'no counterpart: test `status`',
	response: "the SMTP server's reply has no counterpart: use `status` and `requestId`",
	envelope: 'use `sender` and toRecipients/ccRecipients/bccRecipients',
	envelopeTime: 'no counterpart (SMTP timing)',
	messageTime: 'no counterpart (SMTP timing)',
	messageSize: 'no counterpart',
	ehlo: 'no counterpart (SMTP server capabilities)',
};
const REWRITE: Record<string, string> = { messageId: 'internetMessageId' };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// `.json.field`, `.json?.field` or `.json["field"]`; the field part is captured to be rewritten
// alone.
const FIELD_PART = String.raw`(?<f>\??\.(?<dot>[A-Za-z_$][\w$]*)|\[\s*(?<q>['"])(?<br>[^'"\]]+)\k<q>\s*\])`;
const FIELD = String.raw`\??\.json` + FIELD_PART;
// How n8n expressions and Code nodes reach an item of a node: .item, .first(), .last(), .all()[n],
// [n], …
const ACCESS = String.raw`(?:\??\.(?:item|first\(\s*\)|last\(\s*\)|all\(\s*\)\[\s*\d+\s*\]|itemMatching\([^()]*\)|pairedItem\([^()]*\))|\[\s*\d+\s*\])?`;

/** `$('Name')`, `$node["Name"]`, `$items("Name")` followed by an item accessor and a json field. */
function byName(name: string): RegExp {
	const n = escape(name);
	const ref = String.raw`(?:\$\(\s*(?<q1>['"\x60])${n}\k<q1>\s*\)|\$node\[\s*(?<q2>['"])${n}\k<q2>\s*\]|\$items\(\s*(?<q3>['"])${n}\k<q3>[^()]*\))`;
	return new RegExp(ref + ACCESS + FIELD, 'g');
}

/** `$json.field` and `$input.item.json.field`: the item of the node directly before. */
const BY_INPUT = new RegExp(
	String.raw`(?<![\w$.])(?:\$json|\$input${ACCESS}\??\.json)` + FIELD_PART,
	'g',
);

interface Scan {
	pattern: RegExp;
	/** Rewrite one-to-one fields; false when the reference is ambiguous (several inputs). */
	rewrite: boolean;
}

function rewriteText(text: string, scans: Scan[], found: (field: string, done: boolean) => void) {
	let result = text;
	for (const { pattern, rewrite } of scans)
		result = result.replace(pattern, (match: string, ...args: unknown[]) => {
			const g = args[args.length - 1] as Record<string, string | undefined>;
			const field = g.dot ?? g.br ?? '';
			if (!(field in ADVICE)) return match;
			const to = rewrite ? REWRITE[field] : undefined;
			found(field, Boolean(to));
			if (!to) return match;
			const part = g.f ?? '';
			return match.slice(0, match.length - part.length) + part.replace(field, to);
		});
	return result;
}

/** Walks a node's parameters; returns them with strings rewritten, and reports each use by path. */
function walk(
	value: unknown,
	path: string,
	scans: Scan[],
	uses: Array<[string, string, boolean]>,
): unknown {
	if (typeof value === 'string')
		return rewriteText(value, scans, (field, done) => uses.push([path, field, done]));
	if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, scans, uses));
	if (typeof value === 'object' && value !== null)
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k, scans, uses)]),
		);
	return value;
}

/** Names of the nodes that feed each node's main inputs. */
function parentsOf(workflow: Workflow): Map<string, Set<string>> {
	const parents = new Map<string, Set<string>>();
	for (const [from, outputs] of Object.entries(workflow.connections ?? {})) {
		const main = (outputs as { main?: unknown })?.main;
		if (!Array.isArray(main)) continue;
		for (const links of main.flat())
			if (links && typeof (links as { node?: unknown }).node === 'string') {
				const to = (links as { node: string }).node;
				parents.set(to, (parents.get(to) ?? new Set()).add(from));
			}
	}
	return parents;
}

// Nodes that hand their input items on unchanged (n8n-nodes-base): $json after them is still the
// mail's result.
const PASS_THROUGH = [
	'if',
	'filter',
	'switch',
	'noOp',
	'wait',
	'limit',
	'sort',
	'removeDuplicates',
	'merge',
].map((t) => `n8n-nodes-base.${t}`);

/**
 * The converted Send nodes whose items reach `name`'s input, and whether any other node's items do
 * too.
 */
function sourcesOf(
	name: string,
	parents: Map<string, Set<string>>,
	types: Map<string, string>,
	sent: Set<string>,
	seen = new Set<string>(),
): { sent: string[]; other: boolean } {
	const result = { sent: [] as string[], other: false };
	for (const parent of parents.get(name) ?? []) {
		if (seen.has(parent)) continue;
		seen.add(parent);
		if (sent.has(parent)) result.sent.push(parent);
		else if (PASS_THROUGH.includes(types.get(parent) ?? '')) {
			const up = sourcesOf(parent, parents, types, sent, seen);
			result.sent.push(...up.sent);
			result.other ||= up.other;
		} else result.other = true;
	}
	return result;
}

/**
 * Finds, in every other node, expressions that read the old output of the converted Send nodes
 * named in `sent`; rewrites those that map one to one, reports all. Returns the nodes (rewritten)
 * and the uses per sent node.
 */
export function followDownstream(
	workflow: Workflow,
	nodes: WorkflowNode[],
	sent: Set<string>,
): { nodes: WorkflowNode[]; uses: Map<string, DownstreamUse[]> } {
	const uses = new Map<string, DownstreamUse[]>([...sent].map((n) => [n, []]));
	if (!sent.size) return { nodes, uses };
	const parents = parentsOf(workflow);
	const types = new Map(workflow.nodes.map((n) => [n?.name, n?.type]));
	const out = nodes.map((node) => {
		const sources = sourcesOf(node.name, parents, types, sent);
		const direct = sources.sent.filter((p) => p !== node.name);
		const only = direct.length > 0 && !sources.other;
		let parameters: unknown = node.parameters;
		const record = (source: string, found: Array<[string, string, boolean]>) => {
			for (const [parameter, field, rewritten] of found)
				uses.get(source)?.push({
					node: node.name,
					parameter,
					field,
					rewritten,
					advice: advice(field, rewritten),
				});
		};
		for (const name of sent) {
			if (name === node.name) continue;
			const found: Array<[string, string, boolean]> = [];
			parameters = walk(parameters, '', [{ pattern: byName(name), rewrite: true }], found);
			record(name, found);
		}
		if (direct.length) {
			const found: Array<[string, string, boolean]> = [];
			parameters = walk(parameters, '', [{ pattern: BY_INPUT, rewrite: only }], found);
			for (const source of direct) record(source, found);
		}
		return parameters === node.parameters
			? node
			: { ...node, parameters: parameters as WorkflowNode['parameters'] };
	});
	return { nodes: out, uses };
}

function advice(field: string, rewritten: boolean): string {
	if (rewritten || !REWRITE[field]) return ADVICE[field];
	return `change it to ${REWRITE[field]} (not rewritten: this node has other inputs too, so $json may be another node's item)`;
}
