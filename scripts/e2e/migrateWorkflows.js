'use strict';
/**
 * The SMTP workflows the migration e2e exports, converts and runs: n8n's own Send Email node (v1,
 * v2, v2.1) the way the editor saves it (defaults left out), fed by a Code node that makes one item
 * with two binaries. The same bytes are computed here (e2eAttachmentBytes) to know the expected
 * sha256 without trusting n8n.
 */
const crypto = require('node:crypto');
const { e2eAttachmentBytes, node, manualTriggerNode, mainTo, workflowOf } = require('./workflows');
const { DEMO } = require('../lib/n8n-runtime');

const FROM_NAMED = `Contoso Billing <${DEMO.sender}>`;

/**
 * The binaries of the item: property → file name, type, seed, size (types nodemailer derives from
 * the name).
 */
const BINARIES = {
	report: {
		fileName: 'invoice-1001.pdf',
		mimeType: 'application/pdf',
		seed: 11,
		size: 20 * 1024 + 7,
	},
	logo: { fileName: 'logo.png', mimeType: 'image/png', seed: 12, size: 3 * 1024 + 1 },
};

function expectedBinaries() {
	const out = {};
	for (const [prop, b] of Object.entries(BINARIES)) {
		const bytes = Buffer.from(e2eAttachmentBytes(b.seed, b.size));
		out[prop] = { ...b, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
	}
	return out;
}

function codeJs(tag) {
	const lines = [
		'// One invoice item with two binaries (pseudo-random bytes, reproducible by the test).',
		`const e2eAttachmentBytes = ${e2eAttachmentBytes.toString()};`,
		`const spec = ${JSON.stringify(BINARIES)};`,
		'const binary = {};',
		'for (const [prop, b] of Object.entries(spec)) {',
		"  binary[prop] = { data: Buffer.from(e2eAttachmentBytes(b.seed, b.size)).toString('base64'),",
		"    mimeType: b.mimeType, fileName: b.fileName, fileExtension: b.fileName.split('.').pop() };",
		'}',
		'return [{ json: {',
		`  tag: ${JSON.stringify(tag)}, invoice: 'INV-1001', name: 'Ann',`,
		"  to: 'Ann Example <ann@fabrikam.example>, bob@fabrikam.example',",
		'}, binary }];',
	];
	return lines.join('\n');
}

const subject = (key) => `=[{{ $json.tag }} ${key}] Rechnung {{ $json.invoice }} für März`;
const HTML =
	'=<p>Hallo {{ $json.name }},</p>\n<p>Rechnung <b>{{ $json.invoice }}</b> anbei — Grüße.</p>\n<img src="cid:logo" alt="Logo">';
const TEXT = '=Hallo {{ $json.name }},\nRechnung {{ $json.invoice }} anbei.\n\n— Grüße';

/**
 * One Send Email node per case. `body` is what the original sent (html | text | both); `inline` the
 * binaries the HTML uses as cid: (Send Email v2 gave every attachment the content ID of its
 * property name).
 */
const CASES = [
	{
		key: 'v2.1-html',
		typeVersion: 2.1,
		body: 'html',
		inline: ['logo'],
		parameters: {
			fromEmail: FROM_NAMED,
			toEmail: '={{ $json.to }}',
			subject: subject('v2.1-html'),
			html: HTML,
			options: {
				appendAttribution: false,
				attachments: 'report, logo',
				ccEmail: 'carol@fabrikam.example',
				bccEmail: 'audit@contoso.example',
				replyTo: 'Billing Desk <billing-desk@contoso.example>',
			},
		},
	},
	{
		key: 'v2.1-text',
		typeVersion: 2.1,
		body: 'text',
		inline: [],
		parameters: {
			fromEmail: FROM_NAMED,
			toEmail: '={{ $json.to }}',
			subject: subject('v2.1-text'),
			emailFormat: 'text',
			text: TEXT,
			options: {
				appendAttribution: false,
				attachments: 'report',
				replyTo: 'billing-desk@contoso.example',
			},
		},
	},
	{
		key: 'v2-text',
		typeVersion: 2,
		body: 'text',
		inline: [],
		parameters: {
			fromEmail: DEMO.sender,
			toEmail: 'dave@fabrikam.example',
			subject: subject('v2-text'),
			text: TEXT,
			options: { ccEmail: 'carol@fabrikam.example, erin@fabrikam.example' },
		},
	},
	{
		key: 'v1-html',
		typeVersion: 1,
		body: 'html',
		inline: [],
		parameters: {
			fromEmail: FROM_NAMED,
			toEmail: '={{ $json.to }}',
			ccEmail: 'carol@fabrikam.example',
			bccEmail: 'audit@contoso.example',
			subject: subject('v1-html'),
			html: '=<p>Invoice <b>{{ $json.invoice }}</b> attached.</p>',
			attachments: 'report',
			options: {},
		},
	},
	{
		// Converted to bodyContentType htmlAndText, which the node sends as MIME
		// (multipart/alternative); On Error continue so that a failure shows as this case's error item
		// instead of stopping the other cases.
		key: 'v2.1-both',
		typeVersion: 2.1,
		body: 'both',
		inline: [],
		settings: { onError: 'continueRegularOutput' },
		parameters: {
			fromEmail: FROM_NAMED,
			toEmail: '={{ $json.to }}',
			subject: subject('v2.1-both'),
			emailFormat: 'both',
			text: TEXT,
			html: '=<p>Hallo {{ $json.name }},</p><p>Rechnung <b>{{ $json.invoice }}</b> anbei.</p>',
			options: { appendAttribution: false, attachments: 'report' },
		},
	},
];

const nodeName = (c) => `Send Email ${c.key}`;

/** n8n's Send Email node (v2.1 unless `fields` say otherwise) with the SMTP credential. */
function emailSendNode(smtpCred, fields) {
	return node({
		type: 'n8n-nodes-base.emailSend',
		typeVersion: 2.1,
		credentials: { smtp: { id: smtpCred.id, name: smtpCred.name } },
		...fields,
	});
}

/** Manual Trigger → Code → every case's Send Email node (parallel branches). */
function smtpCasesWorkflow({ id, tag, smtpCred }) {
	const trigger = manualTriggerNode();
	const code = node({
		name: 'Invoice item',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 300],
		parameters: { jsCode: codeJs(tag) },
	});
	const sends = CASES.map((c, i) =>
		emailSendNode(smtpCred, {
			name: nodeName(c),
			typeVersion: c.typeVersion,
			position: [460, 100 + i * 160],
			parameters: c.parameters,
			...(c.settings || {}),
		}),
	);
	return workflowOf({
		id,
		name: `Invoice mail over SMTP (${tag})`,
		nodes: [trigger, code, ...sends],
		connections: {
			[trigger.name]: mainTo(code.name),
			[code.name]: mainTo(...sends.map((s) => s.name)),
		},
	});
}

/**
 * Never executed, only converted: Send and Wait (becomes the operation of that name), and settings
 * the converter cannot carry over: the v2.1 attribution footer left on, Ignore SSL Issues, an Email
 * Format expression, and a node reading the SMTP result's messageId.
 */
function smtpLeftoversWorkflow({ id, tag, smtpCred }) {
	const trigger = manualTriggerNode('Manual');
	const approval = emailSendNode(smtpCred, {
		name: 'Ask for approval',
		position: [240, 140],
		webhookId: crypto.randomUUID(),
		parameters: {
			operation: 'sendAndWait',
			fromEmail: DEMO.sender,
			toEmail: 'approver@contoso.example',
			subject: 'Approve invoice INV-1001?',
			message: 'Please approve.',
			options: {},
		},
	});
	const notify = emailSendNode(smtpCred, {
		name: 'Notify (defaults)',
		position: [240, 400],
		parameters: {
			fromEmail: FROM_NAMED,
			toEmail: 'ops@contoso.example',
			subject: 'Nightly report',
			emailFormat: "={{ $json.wantsHtml ? 'html' : 'text' }}",
			html: '<p>Report</p>',
			options: { allowUnauthorizedCerts: true },
		},
	});
	const set = node({
		name: 'Remember Message-ID',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [480, 400],
		parameters: {
			assignments: {
				assignments: [
					{
						id: crypto.randomUUID(),
						name: 'sentId',
						type: 'string',
						value: "={{ $('Notify (defaults)').item.json.messageId }}",
					},
				],
			},
			options: {},
		},
	});
	return workflowOf({
		id,
		name: `Approvals over SMTP (${tag})`,
		nodes: [trigger, approval, notify, set],
		connections: {
			[trigger.name]: mainTo(approval.name, notify.name),
			[notify.name]: mainTo(set.name),
		},
	});
}

module.exports = {
	CASES,
	BINARIES,
	nodeName,
	expectedBinaries,
	smtpCasesWorkflow,
	smtpLeftoversWorkflow,
};
