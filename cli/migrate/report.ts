import type { NodeReport } from './types';

/** The human summary printed after a run: per node what was mapped and what needs a look. */
export function formatReport(reports: NodeReport[], target: string | undefined): string {
	if (!reports.length)
		return 'No Send Email (n8n-nodes-base.emailSend) nodes found; nothing to convert.\n';
	const lines: string[] = [];
	for (const r of reports) {
		const state = r.converted ? 'converted' : 'LEFT UNCHANGED';
		lines.push(`• ${r.workflow} › "${r.node}" (Send Email v${r.fromVersion}): ${state}`);
		for (const m of r.mapped) lines.push(`    mapped: ${m}`);
		for (const n of r.notes) lines.push(`    check:  ${n}`);
	}
	const converted = reports.filter((r) => r.converted).length;
	lines.push('');
	lines.push(`${converted} of ${reports.length} Send Email node(s) converted.`);
	lines.push(
		target
			? `Written to ${target}. Import it with: n8n import:workflow --input=${target}`
			: 'Dry run: nothing written.',
	);
	return lines.join('\n') + '\n';
}
