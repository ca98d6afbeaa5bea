'use strict';
/**
 * Workflow JSON used by the e2e suite and by `npm start`.
 * The attachment bytes are produced INSIDE n8n by a Code node from a tiny deterministic generator;
 * the very same function runs here to know the expected bytes, so "sha256 of what the Code node
 * produced" is computed without trusting anything n8n or the product reports.
 */
const crypto = require('node:crypto');

const CREDENTIAL_TYPE = 'microsoftGraphClientCredentialsApi';

/**
 * Deterministic pseudo-random bytes (xorshift32). Must stay self-contained: its source is embedded
 * in a Code node.
 */
function e2eAttachmentBytes(seed, size) {
	let x = Math.imul(seed + 1, 2654435761) >>> 0 || 1;
	const out = new Uint8Array(size);
	for (let i = 0; i < size; i++) {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		out[i] = x & 0xff;
	}
	return out;
}

/** The attachments one run creates: item i gets seed+i and its own size (~50 KB). */
function attachmentPlan({ items = 3, seed = 1, baseSize = 50 * 1024 } = {}) {
	const plan = [];
	for (let i = 0; i < items; i++) {
		const size = baseSize + i * 1021;
		const bytes = Buffer.from(e2eAttachmentBytes(seed + i, size));
		plan.push({
			index: i,
			seed: seed + i,
			size,
			fileName: `e2e-attachment-${i + 1}.bin`,
			sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
		});
	}
	return plan;
}

function codeNodeJs({ items, seed, baseSize, tagExpr, toPattern }) {
	return [
		`// Builds ${items} items, each with its own binary attachment (pseudo-random bytes, different per item).`,
		`const e2eAttachmentBytes = ${e2eAttachmentBytes.toString()};`,
		`const tag = ${tagExpr};`,
		'const out = [];',
		`for (let i = 0; i < ${items}; i++) {`,
		`  const size = ${baseSize} + i * 1021;`,
		`  const bytes = e2eAttachmentBytes(${seed} + i, size);`,
		'  out.push({',
		'    json: {',
		'      index: i,',
		`      to: ${JSON.stringify(toPattern)}.replace('{i}', String(i + 1)),`,
		"      subject: 'e2e ' + tag + ' item ' + (i + 1),",
		"      body: 'Attachment ' + (i + 1) + ' of " + items + ", ' + size + ' bytes.',",
		'    },',
		'    binary: {',
		'      data: {',
		"        data: Buffer.from(bytes).toString('base64'),",
		"        mimeType: 'application/octet-stream',",
		"        fileName: 'e2e-attachment-' + (i + 1) + '.bin',",
		"        fileExtension: 'bin',",
		'      },',
		'    },',
		'  });',
		'}',
		'return out;',
	].join('\n');
}

/**
 * A workflow node with a fresh id; `fields` are n8n's node fields (name, type, typeVersion,
 * position, …).
 */
function node(fields) {
	return { id: crypto.randomUUID(), ...fields };
}

/** The Manual Trigger the editor puts first in a new workflow. */
function manualTriggerNode(name = 'When clicking ‘Execute workflow’') {
	return node({
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 300],
		parameters: {},
	});
}

/** A node of this package using the Graph credential `cred` ({ id, name }). */
function graphNode({ cred, ...fields }) {
	return node({ ...fields, credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } } });
}

function sendMailNode({
	nodeType,
	typeVersion,
	credentialId,
	credentialName,
	name = 'Office 365 Send Mail',
	position = [660, 300],
	...fields
}) {
	const cred = { id: credentialId, name: credentialName };
	return graphNode({ name, type: nodeType, typeVersion, position, ...fields, cred });
}

/** A POST Webhook trigger; `lastNode` answers with every item of the workflow's last node. */
function webhookNode(path, responseMode = 'lastNode') {
	const answer = responseMode === 'lastNode' ? { responseData: 'allEntries' } : {};
	return node({
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 300],
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode, ...answer, options: {} },
	});
}

/** The main output of a node wired to the first input of each named node (one branch). */
function mainTo(...names) {
	return { main: [names.map((n) => ({ node: n, type: 'main', index: 0 }))] };
}

/** Connections wiring `nodes` one after another. */
function lineOf(nodes) {
	return Object.fromEntries(nodes.slice(1).map((n, i) => [nodes[i].name, mainTo(n.name)]));
}

/** An inactive workflow as the editor exports it (nothing pinned; by default wired in a line). */
function workflowOf({
	id,
	name,
	nodes,
	connections = lineOf(nodes),
	settings = { executionOrder: 'v1' },
}) {
	return { id, name, active: false, nodes, connections, settings, pinData: {} };
}

/**
 * Trigger → Code (N items with binary `data`) → Office 365 Send Mail (attachments: 'data'), wired
 * in a line.
 */
function triggerCodeSendWorkflow({
	id,
	name,
	trigger,
	codeJs,
	codeName = 'Build items with attachments',
	bodyContentType = 'text',
	nodeType,
	typeVersion = 1,
	credentialId,
	credentialName,
}) {
	const nodes = [
		trigger,
		node({
			name: codeName,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [320, 300],
			parameters: { jsCode: codeJs },
		}),
		sendMailNode({
			nodeType,
			typeVersion,
			credentialId,
			credentialName,
			parameters: {
				sender: '',
				toRecipients: '={{ $json.to }}',
				subject: '={{ $json.subject }}',
				bodyContentType,
				bodyContent: '={{ $json.body }}',
				options: { attachments: 'data' },
			},
		}),
	];
	return workflowOf({ id, name, nodes });
}

/**
 * Manual Trigger → Code → Office 365 Send Mail.
 * nodeType: 'n8n-nodes-office365-send-mail.office365SendMail' (community package) or
 * 'CUSTOM.office365SendMail'.
 */
function manualSendWorkflow({
	items = 3,
	seed = 1,
	baseSize = 50 * 1024,
	tag,
	toPattern = 'recipient{i}@example.com',
	...workflow
}) {
	return triggerCodeSendWorkflow({
		...workflow,
		trigger: manualTriggerNode(),
		codeJs: codeNodeJs({ items, seed, baseSize, tagExpr: JSON.stringify(tag), toPattern }),
	});
}

/**
 * Webhook (POST /webhook/<path>, body {tag}) → Code → Office 365 Send Mail; answers with the Send
 * Mail output.
 */
function webhookSendWorkflow({
	webhookPath,
	items = 3,
	seed = 1,
	baseSize = 50 * 1024,
	...workflow
}) {
	return triggerCodeSendWorkflow({
		...workflow,
		trigger: webhookNode(webhookPath),
		codeJs: codeNodeJs({
			items,
			seed,
			baseSize,
			tagExpr: "String($input.first().json.body.tag || 'no-tag')",
			toPattern: 'queue{i}@example.com',
		}),
	});
}

function demoWorkflow({
	id,
	nodeType,
	typeVersion = 1,
	credentialId,
	credentialName,
	to = 'someone@example.com',
}) {
	const jsCode = [
		'// One item with a small PDF-like attachment, built here so the demo needs no files.',
		'const pdf = [',
		"  '%PDF-1.4',",
		"  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',",
		"  '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',",
		"  '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',",
		"  '4 0 obj << /Length 58 >> stream',",
		"  'BT /F1 18 Tf 30 70 Td (Hello from n8n and Office 365) Tj ET',",
		"  'endstream endobj',",
		"  '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',",
		"  'trailer << /Root 1 0 R >>',",
		"  '%%EOF',",
		"].join('\\n');",
		'return [{',
		'  json: {',
		`    to: ${JSON.stringify(to)},`,
		"    subject: 'Demo mail with attachment from n8n',",
		"    body: '<p>Hello! This mail was sent by the <b>Office 365 Send Mail</b> node through the local Microsoft 365 simulator.</p>',",
		'  },',
		"  binary: { data: { data: Buffer.from(pdf, 'utf8').toString('base64'), mimeType: 'application/pdf', fileName: 'hello.pdf', fileExtension: 'pdf' } },",
		'}];',
	].join('\n');
	return triggerCodeSendWorkflow({
		id,
		name: 'Send a demo mail with attachment',
		nodeType,
		typeVersion,
		credentialId,
		credentialName,
		trigger: manualTriggerNode(),
		codeName: 'Make a PDF attachment',
		codeJs: jsCode,
		bodyContentType: 'html',
	});
}

module.exports = {
	node,
	manualTriggerNode,
	mainTo,
	workflowOf,
	graphNode,
	sendMailNode,
	webhookNode,
	e2eAttachmentBytes,
	attachmentPlan,
	manualSendWorkflow,
	webhookSendWorkflow,
	demoWorkflow,
};
