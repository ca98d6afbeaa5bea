import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { convertExport } from '../../cli/migrate/convert';
import { formatReport } from '../../cli/migrate/report';
import { runMigrate, STRICT_EXIT } from '../../cli/migrate/run';
import type { NodeReport, Workflow, WorkflowNode } from '../../cli/migrate/types';

// Hand-made exports, one per thing the converter must never do silently (not public workflows).
const CORPUS = path.join(__dirname, '..', 'fixtures', 'smtp', 'corpus');
const fileOf = (name: string) => path.join(CORPUS, `${name}.json`);
const load = (name: string) => JSON.parse(readFileSync(fileOf(name), 'utf8')) as Workflow;

function convert(name: string) {
	const input = load(name);
	const { output, reports } = convertExport(structuredClone(input));
	const wf = output as Workflow;
	const node = (n: string) => wf.nodes.find((x) => x.name === n) as WorkflowNode;
	const report = (n: string) => reports.find((r) => r.node === n) as NodeReport;
	return { input, wf, node, report, text: formatReport(reports, undefined) };
}

describe('migrate corpus: nothing is lost silently', () => {
	it('lists every parameter without a place, with its value cut short', () => {
		const { report, node, text } = convert('dropped-values');
		expect(report('Report mail').dropped.map((d) => [d.parameter, d.value])).toEqual([
			['html', expect.stringMatching(/^=<p>Quarterly/)],
			['priority', 'high'],
			['options.customHeaders', { values: [{ name: 'X-Ticket', value: '42' }] }],
		]);
		// "Off" for SSL and attribution behaves as before: not a loss.
		expect(text).not.toMatch(/allowUnauthorizedCerts|appendAttribution/);
		expect(text).toMatch(/dropped: html = "=<p>Quarterly figures attached\. .{40,}…/);
		expect(text).toMatch(/dropped: options\.customHeaders = \{"values":\[\{"name":"X-Ticket"/);
		expect(text).toMatch(/1 of 1 Send Email node\(s\) converted\.\n3 value\(s\) dropped;/);
		expect(node('Report mail').parameters).toMatchObject({
			bodyContentType: 'text',
			bodyContent: 'See the figures.',
			options: { replyTo: 'cfo@contoso.com' },
		});
	});

	it('leaves nodes retyped by other tools unchanged, saying why and what they look like', () => {
		const { input, wf, report } = convert('retyped');
		expect(wf.nodes).toEqual(input.nodes);
		const gmail = report('Gmail turned Send Email');
		expect(gmail.converted).toBe(false);
		expect(gmail.notes[0]).toMatch(
			/\(sendTo, emailType, message\) are not Send Email's \(they look like Gmail's\)/,
		);
		expect(report('Outlook turned Send Email').notes[0]).toMatch(/look like Microsoft Outlook's/);
	});

	it('rewrites downstream reads that map one to one and reports the rest with node and parameter', () => {
		const { node, report } = convert('downstream');
		const uses = report('Send Email').downstream.map((u) => [
			u.node,
			u.parameter,
			u.field,
			u.rewritten,
		]);
		expect(uses).toEqual([
			['If email sent', 'conditions.conditions[0].leftValue', 'accepted', false],
			['Remember', 'assignments.assignments[0].value', 'messageId', true],
			['Remember', 'assignments.assignments[1].value', 'response', false],
			['Log', 'jsCode', 'envelope', false],
			['Log', 'jsCode', 'messageId', true],
			['After merge', 'assignments.assignments[0].value', 'messageId', false],
		]);
		expect(report('Other mail').downstream).toEqual([]);
		const set = node('Remember').parameters as {
			assignments: { assignments: { value: string }[] };
		};
		expect(set.assignments.assignments.map((a) => a.value)).toEqual([
			"={{ $('Send Email').item.json.internetMessageId }}",
			'={{ $node["Send Email"].json["response"] }}',
		]);
		// Through the If node (it hands items on unchanged) $input is still the mail's result.
		expect(node('Log').parameters?.jsCode).toBe(
			"return [{ json: { to: $('Send Email').first().json.envelope.to, id: $input.first().json.internetMessageId } }];",
		);
		// After a Merge that the trigger also feeds, $json may be the trigger's item: named, not
		// rewritten.
		expect(JSON.stringify(node('After merge').parameters)).toContain('$json.messageId');
		expect(JSON.stringify(node('If email sent').parameters)).toContain('$json.accepted.length');
	});

	it('warns about a node with no recipient or no body', () => {
		const { report } = convert('empty');
		expect(report('No recipient').warnings).toEqual([expect.stringMatching(/^No recipient/)]);
		expect(report('No body').warnings).toEqual([expect.stringMatching(/^No body/)]);
		expect(report('Ask nothing').warnings).toEqual([expect.stringMatching(/^No message/)]);
	});

	it('reports type versions it does not know, and maps them by the newest rules below', () => {
		const { report, node } = convert('versions');
		expect(report('From the future').warnings[0]).toMatch(
			/Type version 2\.2 is not one the converter knows/,
		);
		expect(report('Version 3').warnings[0]).toMatch(/rules of v2\.1/);
		expect(node('Version 3').parameters).toMatchObject({
			bodyContentType: 'html',
			bodyContent: '<p>Hello</p>',
		});
	});

	it('prints names and values without control characters or terminal escapes', () => {
		const { text } = convert('control-characters');

		expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
		expect(text).toMatch(/• Mail wipe › "Send  gnp\.exe"/);
		expect(text).toMatch(/dropped: options\.weird = "x\\u0000y"/);
	});
});

describe('migrate corpus: command line', () => {
	let dir: string;
	let out: string[];
	let err: string[];
	const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
	beforeEach(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'migrate-corpus-'));
		out = [];
		err = [];
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it.each(['dropped-values', 'retyped', 'downstream', 'empty', 'versions', 'control-characters'])(
		'--strict exits %s with code 3; without it, 0',
		async (name) => {
			expect(await runMigrate({ file: fileOf(name), dryRun: true, strict: true }, io)).toBe(
				STRICT_EXIT,
			);
			expect(await runMigrate({ file: fileOf(name), dryRun: true }, io)).toBe(0);
		},
	);

	it('--strict exits 0 on an export with nothing to look at', async () => {
		expect(await runMigrate({ file: fileOf('clean'), dryRun: true, strict: true }, io)).toBe(0);
		expect(out.join('')).toMatch(
			/0 value\(s\) dropped; 0 expression\(s\).*0 node\(s\) need a look/,
		);
	});

	it('refuses --out naming the input, also through another spelling or a link', async () => {
		const file = path.join(dir, 'workflows.json');
		const original = readFileSync(fileOf('clean'), 'utf8');
		writeFileSync(file, original);
		symlinkSync(file, path.join(dir, 'link.json'));
		for (const target of [file, path.join(dir, '.', 'workflows.json'), path.join(dir, 'link.json')])
			expect(await runMigrate({ file, out: target, dryRun: false }, io)).toBe(2);
		expect(err.join('')).toMatch(/names the input file/);
		expect(readFileSync(file, 'utf8')).toBe(original);
	});

	it('accepts a UTF-8 byte order mark', async () => {
		const file = path.join(dir, 'bom.json');
		writeFileSync(file, '\uFEFF' + readFileSync(fileOf('clean'), 'utf8'));
		expect(await runMigrate({ file, dryRun: true }, io)).toBe(0);
		expect(out.join('')).toMatch(/1 of 1 Send Email node\(s\) converted/);
	});

	it('the built bin exits 3 under --strict (npm run build first)', () => {
		const bin = path.join(__dirname, '..', '..', 'dist', 'cli', 'index.js');
		const run = spawnSync(
			process.execPath,
			[bin, 'migrate', fileOf('retyped'), '--dry-run', '--strict'],
			{
				encoding: 'utf8',
			},
		);
		expect(run.status).toBe(3);
		expect(run.stdout).toMatch(/LEFT UNCHANGED/);
	});
});
