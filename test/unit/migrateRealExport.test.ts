import { readFileSync } from 'node:fs';
import path from 'node:path';

import { convertExport } from '../../cli/migrate/convert';
import { formatReport } from '../../cli/migrate/report';
import type { Workflow } from '../../cli/migrate/types';

// Written by `n8n export:workflow --all` of n8n 2.8.4 in the e2e migrate section
// (scripts/e2e/migrate.js): Send Email v1, v2, v2.1 (html, text, both), a Send and Wait node and
// one with unmappable settings.
const EXPORT = path.join(__dirname, '..', 'fixtures', 'smtp', 'n8n-2.8.4-export.json');
const input = JSON.parse(readFileSync(EXPORT, 'utf8')) as Workflow[];

describe('migrate: a real n8n 2.8.4 export', () => {
	const { output, reports } = convertExport(structuredClone(input));
	const workflows = output as Workflow[];

	it('keeps the array and every field n8n exported (ids, versionId, sharing), converting only Send Email', () => {
		expect(workflows).toHaveLength(input.length);
		workflows.forEach((wf, i) => {
			expect({ ...wf, nodes: [] }).toEqual({ ...input[i], nodes: [] });
			expect(wf.nodes.map((n) => n.name)).toEqual(input[i].nodes.map((n) => n.name));
		});
		const types = workflows.flatMap((wf) => wf.nodes.map((n) => `${n.name}=${n.type}`));
		expect(types.filter((t) => t.endsWith('office365SendMail'))).toHaveLength(7);
		// Send and Wait is converted too, to the operation of the same name.
		const approval = workflows.flatMap((wf) => wf.nodes).find((n) => n.name === 'Ask for approval');
		expect(approval?.type).toBe('n8n-nodes-office365-send-mail.office365SendMail');
		expect(approval?.parameters).toMatchObject({
			operation: 'sendAndWait',
			message: 'Please approve.',
		});
	});

	it('drops the SMTP credential from converted nodes only', () => {
		for (const node of workflows.flatMap((wf) => wf.nodes)) {
			if (node.type.endsWith('office365SendMail')) expect(node.credentials).toBeUndefined();
			if (node.type === 'n8n-nodes-base.emailSend') expect(node.credentials).toHaveProperty('smtp');
		}
	});

	it('reports what the export cannot carry over', () => {
		const text = formatReport(reports, undefined);
		expect(text).toMatch(/7 of 7 Send Email node\(s\) converted/);
		expect(text).toMatch(/"Ask for approval" \(Send Email v2\.1\): converted/);
		expect(text).toMatch(/Inline Images \(cid:logo\)/);
		expect(text).toMatch(/Email Format is an expression/);
		expect(text).toMatch(/Ignore SSL Issues has no counterpart/);
		expect(text).toMatch(/Append n8n Attribution/);
		expect(text).toMatch(
			/rewritten: "Remember Message-ID" › assignments\.assignments\[0\]\.value reads messageId/,
		);
		expect(text).toMatch(/2 value\(s\) dropped; 1 expression\(s\) .* 1 rewritten/);
	});
});
