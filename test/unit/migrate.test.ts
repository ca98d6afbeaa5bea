import { spawnSync } from 'node:child_process';
import {
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
	existsSync,
	copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseArgs } from '../../cli';
import { convertExport } from '../../cli/migrate/convert';
import { defaultTarget, runMigrate } from '../../cli/migrate/run';
import type { Workflow, WorkflowNode } from '../../cli/migrate/types';
import { messageProperties } from '../../nodes/Office365SendMail/description/message.properties';
import { optionsProperty } from '../../nodes/Office365SendMail/description/options.properties';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'smtp');
const load = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
const nodeNamed = (wf: Workflow, name: string) =>
	wf.nodes.find((n) => n.name === name) as WorkflowNode;

// Parameters the migration may write (operation, HTML and Text, threading, lists), named here too
// so the check does not depend on which description file holds them.
const NEW_TOP_LEVEL = ['operation', 'textContent'];
const NEW_OPTIONS = ['inReplyTo', 'references', 'listUnsubscribe', 'listUnsubscribeOneClick'];
const TOP_LEVEL = new Set([...messageProperties.map((p) => p.name), 'options', ...NEW_TOP_LEVEL]);
const OPTION_NAMES = new Set([
	...(optionsProperty.options ?? []).map((o) => o.name),
	...NEW_OPTIONS,
]);

function expectKnownParameters(node: WorkflowNode) {
	const { options, ...top } = node.parameters ?? {};
	for (const key of Object.keys(top)) expect(TOP_LEVEL).toContain(key);
	for (const key of Object.keys((options as object) ?? {})) expect(OPTION_NAMES).toContain(key);
}

describe('migrate: Send Email v1', () => {
	const input = load('send-email-v1.json') as Workflow;
	const { output, reports } = convertExport(structuredClone(input));
	const wf = output as Workflow;

	it('replaces the node in place with Office 365 Send Mail, parameters mapped and expressions kept', () => {
		const before = nodeNamed(input, 'Send Email');
		const after = nodeNamed(wf, 'Send Email');
		expect(after).toEqual({
			id: before.id,
			name: 'Send Email',
			type: 'n8n-nodes-office365-send-mail.office365SendMail',
			typeVersion: 1,
			position: before.position,
			retryOnFail: true,
			notes: 'Sends the monthly invoice',
			parameters: {
				operation: 'send',
				sender: 'billing@contoso.com',
				toRecipients: '={{ $json.customerEmail }}',
				subject: '=Invoice {{ $json.invoiceNumber }}',
				bodyContentType: 'htmlAndText',
				bodyContent: before.parameters?.html,
				textContent: before.parameters?.text,
				options: {
					fromName: 'Contoso Billing',
					attachments: 'invoice, logo',
					ccRecipients: 'accounts@contoso.com',
					bccRecipients: 'archive@contoso.com',
					replyTo: 'support@contoso.com',
				},
			},
		});
		expect(after).not.toHaveProperty('credentials');
		expectKnownParameters(after);
	});

	it('keeps connections, other nodes and workflow fields untouched', () => {
		expect(wf.connections).toEqual(input.connections);
		// The Set node read the SMTP messageId; it now reads the field that holds the same Message-ID.
		const set = JSON.stringify(nodeNamed(input, 'Set')).replace(
			'.item.json.messageId',
			'.item.json.internetMessageId',
		);
		expect(nodeNamed(wf, 'Set')).toEqual(JSON.parse(set));
		expect({ ...wf, nodes: [] }).toEqual({ ...input, nodes: [] });
	});

	it('reports what needs a look: SSL option, credential, downstream use of the SMTP result', () => {
		expect(reports).toHaveLength(1);
		const notes = reports[0].notes.join('\n');
		expect(reports[0]).toMatchObject({
			workflow: 'Invoice mailer (v1)',
			node: 'Send Email',
			fromVersion: 1,
			converted: true,
		});
		expect(reports[0].dropped).toEqual([
			{
				parameter: 'options.allowUnauthorizedCerts',
				value: true,
				reason: expect.stringMatching(/Ignore SSL Issues has no counterpart/),
			},
		]);
		expect(notes).toMatch(/pick a "Microsoft Graph Client Credentials" credential/);
		expect(reports[0].downstream).toEqual([
			{
				node: 'Set',
				parameter: 'values.string[0].value',
				field: 'messageId',
				rewritten: true,
				advice: expect.stringMatching(/internetMessageId/),
			},
		]);
		// n8n's EmailSendV1 passes attachments to nodemailer without `cid`, so cid:logo never resolved.
		expect(notes).toMatch(/cid: images, which Send Email v1 never resolved/);
	});
});

describe('migrate: Send Email v2, v2.1, Send and Wait, array exports', () => {
	const input = load('send-email-all-versions.json') as Workflow[];
	const { output, reports } = convertExport(structuredClone(input));
	const [v2, v21, none] = output as Workflow[];

	it('keeps the array shape and leaves workflows without Send Email alone', () => {
		expect(Array.isArray(output)).toBe(true);
		expect(output).toHaveLength(3);
		expect(none).toEqual(input[2]);
		expect(reports.map((r) => [r.node, r.converted])).toEqual([
			['Reply by mail', true],
			['Newsletter', true],
			['Threaded reply', true],
			['Ask manager', true],
			['Tell the owner', false],
		]);
	});

	it('v2 without emailFormat means text; options and expressions carry over', () => {
		const node = nodeNamed(v2, 'Reply by mail');
		expect(node.parameters).toEqual({
			operation: 'send',
			sender: '={{ $json.body.mailbox }}',
			toRecipients: '={{ $json.body.customer }}',
			subject: '=Re: {{ $json.body.subject }}',
			bodyContentType: 'text',
			bodyContent: '={{ $json.body.answer }}',
			options: { ccRecipients: '={{ $json.body.cc }}', attachments: '={{ $json.body.files }}' },
		});
		expect(reports[0].notes.join('\n')).toMatch(/Sender is an expression/);
		expect(v2.connections).toEqual(input[0].connections);
	});

	it('v2.1 without emailFormat means HTML, and its default attribution footer is reported', () => {
		const node = nodeNamed(v21, 'Newsletter');
		expect(node.parameters).toMatchObject({
			bodyContentType: 'html',
			bodyContent: '<h1>News</h1><img src="cid:banner">',
		});
		const attribution = (i: number) => reports[i].dropped.map((d) => d.reason).join('\n');
		expect(attribution(1)).toMatch(/Append n8n Attribution/);
		expect(reports[1].dropped[0]).toMatchObject({
			parameter: 'options.appendAttribution (v2.1 default)',
			value: true,
		});
		expect(attribution(2)).not.toMatch(/Append n8n Attribution/);
	});

	it('v2.1 "both" with In-Reply-To/References (n8n PR #38576) maps to HTML and Text with threading options', () => {
		const node = nodeNamed(v21, 'Threaded reply');
		expect(node.parameters).toEqual({
			operation: 'send',
			sender: 'support@contoso.com',
			toRecipients: '={{ $json.from.value[0].address }}',
			subject: '=Re: {{ $json.subject }}',
			bodyContentType: 'htmlAndText',
			bodyContent: '<p>Thanks, we are on it.</p>',
			textContent: 'Thanks, we are on it.',
			options: {
				attachments: 'banner, terms',
				bccRecipients: 'audit@contoso.com',
				// Wired after "Newsletter", whose SMTP messageId is now internetMessageId.
				inReplyTo: '={{ $json.internetMessageId }}',
				references: '={{ $json.references }}',
			},
		});
		expectKnownParameters(node);
	});

	it("leaves Send to Instance User unchanged; maps Send and Wait with n8n's own parameter names", () => {
		expect(nodeNamed(v21, 'Tell the owner')).toEqual(nodeNamed(input[1], 'Tell the owner'));
		const before = nodeNamed(input[1], 'Ask manager');
		const node = nodeNamed(v21, 'Ask manager');
		expect(node.webhookId).toBe(before.webhookId);
		expect(node.parameters).toEqual({
			operation: 'sendAndWait',
			sender: 'approvals@contoso.com',
			toRecipients: 'manager@contoso.com',
			subject: before.parameters?.subject,
			message: before.parameters?.message,
			approvalOptions: before.parameters?.approvalOptions,
			options: before.parameters?.options,
		});
	});

	it('leaves Send and Wait with a JSON-defined form unchanged, and names what a form loses', () => {
		const base = nodeNamed(input[1], 'Ask manager');
		const json = {
			...base,
			parameters: {
				...base.parameters,
				responseType: 'customForm',
				defineForm: 'json',
				jsonOutput: '[]',
			},
		};
		const form = {
			...base,
			name: 'Form',
			parameters: {
				...base.parameters,
				fromEmail: 'Approvals <approvals@contoso.com>',
				responseType: 'customForm',
				formFields: { values: [{ fieldLabel: 'File', fieldType: 'file' }] },
				options: { responseFormCustomCss: 'x', responseFormTitle: 'T' },
			},
		};
		const { output: out, reports: rep } = convertExport({ ...input[1], nodes: [json, form] });
		const [left, mapped] = (out as Workflow).nodes;
		expect(left).toEqual(json);
		expect(rep[0].converted).toBe(false);
		expect(mapped.parameters).toMatchObject({
			sender: 'approvals@contoso.com',
			options: { fromName: 'Approvals', responseFormTitle: 'T' },
		});
		expect(rep[1].notes.join('\n')).toMatch(/file are not offered/);
		expect(rep[1].dropped).toEqual([
			{
				parameter: 'options.responseFormCustomCss',
				value: 'x',
				reason: expect.stringMatching(/Custom Styling/),
			},
		]);
	});

	it('refuses input that is not a workflow export', () => {
		expect(() => convertExport({ hello: 'world' })).toThrow(/not an n8n workflow/);
		expect(() => convertExport([input[0], 42])).toThrow(/Entry 2/);
	});
});

describe('migrate: command line', () => {
	let dir: string;
	let out: string[];
	let err: string[];
	const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
	beforeEach(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'migrate-'));
		out = [];
		err = [];
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it.each([
		[['migrate', 'a.json'], { file: 'a.json', dryRun: false }],
		[
			['migrate', 'a.json', '--out', 'b.json', '--dry-run'],
			{ file: 'a.json', out: 'b.json', dryRun: true },
		],
		[['migrate', '--out=b.json', 'a.json'], { file: 'a.json', out: 'b.json', dryRun: false }],
		[['migrate', 'a.json', '--strict'], { file: 'a.json', dryRun: false, strict: true }],
	])('parses %j', (argv, parsed) => {
		expect(parseArgs(argv)).toEqual(parsed);
	});

	it.each([
		[['migrate'], /^Usage/],
		[['convert', 'a.json'], /^Usage/],
		[['migrate', 'a.json', '--force'], /Unknown argument: --force/],
	])('answers %j with %s', (argv, answer) => {
		expect(parseArgs(argv)).toMatch(answer);
	});

	it('writes <file>.office365.json, never overwrites it, and --out/--dry-run behave', async () => {
		const file = path.join(dir, 'workflows.json');
		copyFileSync(path.join(FIXTURES, 'send-email-all-versions.json'), file);
		expect(defaultTarget(file)).toBe(path.join(dir, 'workflows.office365.json'));

		expect(await runMigrate({ file, dryRun: true }, io)).toBe(0);
		expect(existsSync(defaultTarget(file))).toBe(false);
		expect(out.join('')).toMatch(
			/4 of 5 Send Email node\(s\) converted\.\n.*\nDry run: nothing written\./,
		);

		expect(await runMigrate({ file, dryRun: false }, io)).toBe(0);
		const written = JSON.parse(readFileSync(defaultTarget(file), 'utf8'));
		expect(written).toEqual(convertExport(load('send-email-all-versions.json')).output);
		await expect(runMigrate({ file, dryRun: false }, io)).rejects.toThrow(/exists already/);

		const target = path.join(dir, 'custom.json');
		expect(await runMigrate({ file, out: target, dryRun: false }, io)).toBe(0);
		expect(existsSync(target)).toBe(true);
	});

	it('explains bad input with exit code 2', async () => {
		const bad = path.join(dir, 'bad.json');
		writeFileSync(bad, '{ not json');
		expect(await runMigrate({ file: bad, dryRun: true }, io)).toBe(2);
		expect(await runMigrate({ file: path.join(dir, 'missing.json'), dryRun: true }, io)).toBe(2);
		writeFileSync(bad, '{"name":"x"}');
		expect(await runMigrate({ file: bad, dryRun: true }, io)).toBe(2);
		expect(err.join('')).toMatch(/not valid JSON[\s\S]*no such file[\s\S]*not an n8n workflow/);
	});

	it('runs as the package bin built into dist/cli (npm run build first)', () => {
		const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
		const bin = path.join(__dirname, '..', '..', pkg.bin['n8n-nodes-office365-send-mail']);
		expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
		const fixture = path.join(FIXTURES, 'send-email-v1.json');
		const run = spawnSync(process.execPath, [bin, 'migrate', fixture, '--dry-run'], {
			encoding: 'utf8',
		});
		expect(run.status).toBe(0);
		expect(run.stdout).toMatch(/"Send Email" \(Send Email v1\): converted/);
		const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^Usage: npx n8n-nodes-office365-send-mail migrate/);
	});
});
