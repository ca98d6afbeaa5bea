import { Readable } from 'node:stream';

import { InputError } from '../../nodes/shared/text/inputError';
import { UPLOAD_CHUNK_BYTES } from '../../nodes/shared/transport/uploadSession';
import { planCreateDraft } from '../../nodes/Office365SendMail/execute/operations/createDraft';
import { planReplyItem } from '../../nodes/Office365SendMail/execute/operations/reply';
import type { ReplyFields } from '../../nodes/Office365SendMail/execute/operations/reply';
import { planSend, type SendFields } from '../../nodes/Office365SendMail/execute/operations/send';
import { planSendAndWait } from '../../nodes/Office365SendMail/execute/operations/sendAndWait';
import type { DeliveryPlan } from '../../nodes/Office365SendMail/delivery/plan';
import { previewOf, renderPlan } from '../../nodes/Office365SendMail/delivery/render';
import {
	callOf,
	graphRequest,
	type RequestDescription,
} from '../../nodes/Office365SendMail/delivery/requests';
import type { AttachmentSource } from '../../nodes/Office365SendMail/message/attachments';
import type { MessageInput } from '../../nodes/Office365SendMail/message/build';

/**
 * Request shapes, plan choice and validation as pure functions: an item's fields (as the
 * operations' readers return them) → plan → the request descriptions Dry Run shows and a real run
 * sends. No n8n engine, no network.
 */

const GRAPH = 'https://graph.example.test';
const SENDER = 'sender@contoso.example';
const USER = `/v1.0/users/${encodeURIComponent(SENDER)}`;
const MB = 1024 * 1024;
const ORIGINAL = 'AAMkAGI2TG93AAA=';

function file(name: string, size: number, inline = false): AttachmentSource {
	const bytes = () => Buffer.alloc(size, 0x61);
	return {
		property: name,
		name: `${name}.bin`,
		contentType: 'application/octet-stream',
		size,
		inline,
		...(inline ? { contentId: `${name}@cid` } : {}),
		readAll: async () => bytes(),
		openStream: async () => Readable.from([bytes()]),
	};
}

function input(extra: Partial<MessageInput> = {}): MessageInput {
	return {
		subject: 'Hello',
		bodyContentType: 'html',
		bodyContent: '<p>hi</p>',
		to: [{ address: 'ada@example.com' }],
		cc: [],
		bcc: [],
		replyTo: [],
		categories: [],
		headers: [],
		saveToSentItems: true,
		...extra,
	};
}

const options = { dryRun: true };
const CONFIRM = { ...options, confirmMessageId: true, requestTimeout: 5 };

function sendFields(extra: Partial<SendFields> = {}): SendFields {
	return {
		index: 0,
		sender: SENDER,
		input: input(),
		mime: {},
		attachments: [],
		options,
		...extra,
	};
}

function replyFields(extra: Partial<ReplyFields> = {}): ReplyFields {
	return {
		index: 0,
		sender: SENDER,
		target: { messageId: ORIGINAL, replyAll: false },
		input: input({ subject: '', to: [] }),
		attachments: [],
		quote: true,
		options,
		...extra,
	};
}

type Shape = [method: string, path: string, body: 'json' | 'text' | 'none'];

/** (method, path after the user, body kind) of each request Dry Run shows. */
async function shapes(plan: DeliveryPlan): Promise<Shape[]> {
	return (await renderPlan(GRAPH, plan)).map((r) => [
		r.method,
		r.url.startsWith(`${GRAPH}${USER}`) ? r.url.slice(`${GRAPH}${USER}`.length) : r.url,
		r.body === undefined ? 'none' : typeof r.body === 'string' ? 'text' : 'json',
	]);
}

const upload = (chunks: number): Shape[] =>
	Array.from({ length: chunks }, () => [
		'PUT',
		'{uploadUrl from createUploadSession, pre-authenticated: no Authorization header}',
		'text',
	]);
const FIVE_MB_CHUNKS = Math.ceil((5 * MB) / UPLOAD_CHUNK_BYTES);
const DRAFT = '/messages/{draft-id}';
const LOOKUP = expect.stringMatching(/^\/mailFolders\/sentitems\/messages\?\$filter=/);

describe('plan choice → requests', () => {
	test.each<[string, () => DeliveryPlan, Shape[]]>([
		[
			'Send, no attachment: one sendMail',
			() => planSend(sendFields()).plan,
			[['POST', '/sendMail', 'json']],
		],
		[
			'Send, 1 KB attachment: still one sendMail, the file inline',
			() => planSend(sendFields({ attachments: [file('a', 1024)] })).plan,
			[['POST', '/sendMail', 'json']],
		],
		[
			'Send, 5 MB attachment: draft, upload session in ranges, send',
			() => planSend(sendFields({ attachments: [file('big', 5 * MB)] })).plan,
			[
				['POST', '/messages', 'json'],
				['POST', `${DRAFT}/attachments/createUploadSession`, 'json'],
				...upload(FIVE_MB_CHUNKS),
				['POST', `${DRAFT}/send`, 'none'],
			],
		],
		[
			'Send, small and 3 MB files: the small one added, the large one uploaded',
			() => planSend(sendFields({ attachments: [file('big', 3 * MB), file('a', 10)] })).plan,
			[
				['POST', '/messages', 'json'],
				['POST', `${DRAFT}/attachments`, 'json'],
				['POST', `${DRAFT}/attachments/createUploadSession`, 'json'],
				...upload(1),
				['POST', `${DRAFT}/send`, 'none'],
			],
		],
		[
			'Send, HTML and Text: one MIME sendMail',
			() =>
				planSend(
					sendFields({ input: input({ bodyContentType: 'htmlAndText', textContent: 'hi' }) }),
				).plan,
			[['POST', '/sendMail', 'text']],
		],
		[
			'Send, In-Reply-To with a category: MIME draft, PATCH of what MIME cannot carry, send',
			() =>
				planSend(
					sendFields({
						input: input({ categories: ['Red'] }),
						mime: { inReplyTo: '<a@b.example>', references: ['<a@b.example>'] },
					}),
				).plan,
			[
				['POST', '/messages', 'text'],
				['PATCH', DRAFT, 'json'],
				['POST', `${DRAFT}/send`, 'none'],
			],
		],
		[
			'Send At: a draft with the deferred time, sent at once (Exchange holds it)',
			() =>
				planSend(
					sendFields({
						options: { ...options, sendAt: new Date(Date.now() + 86_400_000).toISOString() },
						timezone: 'UTC',
					}),
				).plan,
			[
				['POST', '/messages', 'json'],
				['POST', `${DRAFT}/send`, 'none'],
			],
		],
		[
			'Confirm Message-ID: probe Sent Items, sendMail, then look for the sent copy',
			() => planSend(sendFields({ options: CONFIRM })).plan,
			[
				['GET', LOOKUP, 'none'],
				['POST', '/sendMail', 'json'],
				['GET', LOOKUP, 'none'],
			] as Shape[],
		],
		[
			'Create Draft: the draft only',
			() => planCreateDraft(sendFields({ attachments: [file('a', 10)] })).plan,
			[
				['POST', '/messages', 'json'],
				['POST', `${DRAFT}/attachments`, 'json'],
			],
		],
		[
			'Reply: one reply action (the read of the original afterwards is best effort, not shown)',
			() => planReplyItem(replyFields()).plan,
			[['POST', `/messages/${encodeURIComponent(ORIGINAL)}/reply`, 'json']],
		],
		[
			'Reply to All with 5 MB, quoting: reply draft, content above the quote, upload, send',
			() =>
				planReplyItem(
					replyFields({
						target: { messageId: ORIGINAL, replyAll: true },
						attachments: [file('big', 5 * MB)],
					}),
				).plan,
			[
				['POST', `/messages/${encodeURIComponent(ORIGINAL)}/createReplyAll`, 'json'],
				['PATCH', DRAFT, 'json'],
				['POST', `${DRAFT}/attachments/createUploadSession`, 'json'],
				...upload(FIVE_MB_CHUNKS),
				['POST', `${DRAFT}/send`, 'none'],
			],
		],
		[
			'Send and Wait: the question in one sendMail',
			() => planSendAndWait({ index: 0, sender: SENDER, input: input(), options }).plan,
			[['POST', '/sendMail', 'json']],
		],
	])('%s', async (_name, plan, expected) => {
		expect(await shapes(plan())).toEqual(expected);
	});
});

describe('request descriptions', () => {
	test('the real run and Dry Run read one description: same method, URL (placeholders filled in) and body', async () => {
		const plan = planReplyItem(
			replyFields({ attachments: [file('a', 10), file('big', 4 * MB)] }),
		).plan;
		const known = { draftId: 'AAMkDraft1', quoted: '<html><body><p>old</p></body></html>' };
		for (const step of plan.steps) {
			const call = callOf(step);
			const real = await call.describe(step, { graphEndpoint: GRAPH, plan, known });
			const shown = await call.describe(step, { graphEndpoint: GRAPH, plan });
			expect(real.map((d) => [d.method, d.url.replace(known.draftId, '{draft-id}')])).toEqual(
				shown.map((d) => [d.method, d.url]),
			);
			for (const [i, d] of real.entries()) {
				const sent = graphRequest(d);
				const preview = previewOf(shown[i]);
				expect(sent.headers).toEqual(preview.headers);
				const body = sent.json ?? sent.body?.toString('utf8');
				// The PATCH above the quote is made of createReply's answer, which Dry Run cannot know.
				if (step.kind !== 'patchMessage') expect(body).toEqual(preview.body);
			}
		}
	});

	test('replay safety: what delivers is never blindly repeated; reads, PATCH and send draft may be', async () => {
		const labels = async (plan: DeliveryPlan) => {
			const described: RequestDescription[] = [];
			for (const step of plan.steps)
				described.push(...(await callOf(step).describe(step, { graphEndpoint: GRAPH, plan })));
			return described;
		};
		const safety = (described: RequestDescription[]) =>
			described.map((d) => `${d.label}: ${d.replay}${d.delivers ? ', delivers' : ''}`);
		const files = [file('a', 10), file('big', 5 * MB)];
		const described = await labels(planSend(sendFields({ attachments: files })).plan);
		expect(safety(described)).toEqual([
			'create draft: notIfSent, delivers',
			'add attachment "a.bin": notIfSent',
			'create upload session for "big.bin": notIfSent',
			...Array.from(
				{ length: FIVE_MB_CHUNKS },
				(_, i) => `upload "big.bin" (chunk ${i + 1}/${FIVE_MB_CHUNKS}): notIfSent`,
			),
			'send draft: always, delivers',
		]);
		const confirmed = planSend(sendFields({ options: CONFIRM })).plan;
		expect(safety(await labels(confirmed))).toEqual([
			'find the sent copy in sentitems: always',
			'sendMail: notIfSent, delivers',
			'find the sent copy in sentitems: always',
		]);
		const reply = await labels(planReplyItem(replyFields()).plan);
		expect(reply.map((d) => [d.label, d.replay, !!d.delivers, !!d.bestEffort])).toEqual([
			['reply', 'notIfSent', true, false],
			['read the message answered', 'always', false, true],
		]);
		expect(described.filter((d) => !d.authenticated).map((d) => d.method)).toEqual(
			Array(FIVE_MB_CHUNKS).fill('PUT'),
		);
	});

	test('a MIME body is the base64 message as text/plain', async () => {
		const plan = planSend(
			sendFields({ input: input({ bodyContentType: 'htmlAndText', textContent: 'plain' }) }),
		).plan;
		const [request] = await renderPlan(GRAPH, plan);
		expect(request.headers).toEqual({ 'Content-Type': 'text/plain' });
		const mime = Buffer.from(request.body as string, 'base64').toString('utf8');
		expect(mime).toMatch(/^Content-Type: multipart\/alternative/m);
		expect(mime).toContain('plain');
	});
});

describe('validation before any request', () => {
	const refusal = (plan: () => unknown) => {
		try {
			plan();
		} catch (error) {
			return error instanceof InputError ? `${error.field}: ${error.message}` : String(error);
		}
		return 'no error';
	};

	test('attachments over 150 MB name Attachments', () => {
		const files = [file('a', 100 * MB), file('b', 60 * MB)];
		expect(refusal(() => planSend(sendFields({ attachments: files })))).toMatch(
			/^Attachments: .*150 MB per message/,
		);
	});

	test('a Body too large for any request names Body', () => {
		const huge = input({ bodyContent: 'x'.repeat(5 * MB) });
		expect(refusal(() => planSend(sendFields({ input: huge })))).toMatch(/^Body: .*4 MB/);
	});

	test('Confirm Message-ID with Save to Sent Items off names Confirm Message-ID', () => {
		const fields = sendFields({
			input: input({ saveToSentItems: false }),
			options: CONFIRM,
		});
		expect(refusal(() => planSend(fields))).toMatch(/^Confirm Message-ID: .*Save to Sent Items/);
	});

	test('MIME without an address for From names Sender', () => {
		const fields = sendFields({
			sender: '6f1c2d3e-0000-4000-8000-000000000001',
			mime: { inReplyTo: '<a@b.c>' },
		});
		expect(refusal(() => planSend(fields))).toMatch(/^Sender: /);
	});
});
