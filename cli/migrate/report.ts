import { needsAttention } from './convert';
import { excerpt, printable } from './text';
import type { NodeReport } from './types';

function nodeLines(r: NodeReport): string[] {
	const state = r.converted ? 'converted' : 'LEFT UNCHANGED';
	const lines = [
		`• ${printable(r.workflow)} › "${printable(r.node)}" (Send Email v${printable(r.fromVersion)}): ${state}`,
	];
	for (const m of r.mapped) lines.push(`    mapped: ${printable(m)}`);
	for (const w of r.warnings) lines.push(`    warn:   ${w}`);
	for (const d of r.dropped)
		lines.push(
			`    dropped: ${printable(d.parameter)} = ${excerpt(d.value)}${d.reason ? ` — ${d.reason}` : ' — no place in Office 365 Send Mail'}`,
		);
	for (const n of r.notes) lines.push(`    check:  ${printable(n)}`);
	for (const u of r.downstream)
		lines.push(
			`    ${u.rewritten ? 'rewritten' : 'reads'}: "${printable(u.node)}" › ${printable(u.parameter)} reads ${u.field}: ${u.advice}`,
		);
	return lines;
}

/**
 * The human summary printed after a run: per node what was mapped and what needs a look, then the
 * counts.
 */
export function formatReport(reports: NodeReport[], target: string | undefined): string {
	if (!reports.length)
		return 'No Send Email (n8n-nodes-base.emailSend) nodes found; nothing to convert.\n';
	const lines = reports.flatMap(nodeLines);
	const converted = reports.filter((r) => r.converted).length;
	const dropped = reports.reduce((n, r) => n + r.dropped.length, 0);
	const uses = reports.flatMap((r) => r.downstream);
	const rewritten = uses.filter((u) => u.rewritten).length;
	const attention = reports.filter(needsAttention).length;
	lines.push('');
	lines.push(`${converted} of ${reports.length} Send Email node(s) converted.`);
	lines.push(
		`${dropped} value(s) dropped; ${uses.length} expression(s) in other nodes read the old result, ${rewritten} rewritten; ${attention} node(s) need a look.`,
	);
	lines.push(
		target
			? `Written to ${printable(target)}. Import it with: n8n import:workflow --input=${printable(target)}`
			: 'Dry run: nothing written.',
	);
	return lines.join('\n') + '\n';
}
