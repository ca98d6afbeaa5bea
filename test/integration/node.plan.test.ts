import { prepareN8nEnvironment } from '../harness/env';
const n8nFolder = prepareN8nEnvironment();

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { credentialsOf } from '../harness/credentialsOf';
import { runSendMail, type TestItem } from '../harness/engine';
import { MiB } from '../harness/files';
import { useTenant } from '../harness/world';

/**
 * The delivery plan is built once and both executed and rendered for Dry Run. These golden files
 * pin the Dry Run output exactly, so a change to the plan cannot silently change what Dry Run
 * shows. Regenerate only on purpose: UPDATE_GOLDEN=1.
 */

const t = useTenant();
t.onCleanup(() => rmSync(n8nFolder, { recursive: true, force: true }));

/** Deterministic bytes, so the goldens do not depend on a random generator. */
function pattern(size: number, seed: number): Buffer {
	const bytes = Buffer.alloc(size);
	for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
	return bytes;
}

/**
 * Run-specific values become placeholders; long base64 becomes its hash, so goldens stay small but
 * exact.
 */
function normalize(json: unknown): string {
	const text = JSON.stringify(
		json,
		(_key, value: unknown) =>
			typeof value === 'string' && value.length > 512
				? `<sha256 ${createHash('sha256').update(value).digest('hex')}, ${value.length} chars>`
				: value,
		'\t',
	);
	const stable = text.split(t.sim.graphEndpoint).join('{graph}').split(t.domain).join('{domain}');
	// The node stamps a new random Message-ID on every message (delivery/identity.ts).
	return stable.replace(/<[0-9a-z]+\.[\w-]{22}@\{domain\}>/g, '<{message-id}>') + '\n';
}

const SHAPES: Record<string, { items: TestItem[]; options: Record<string, unknown> }> = {
	'dryrun-sendmail': {
		items: [
			{
				binary: {
					notes: {
						data: Buffer.from('plain text attachment\n'.repeat(10)),
						fileName: 'notes.txt',
						mimeType: 'text/plain',
					},
					logo: { data: pattern(300, 1), fileName: 'logo.png', mimeType: 'image/png' },
				},
			},
		],
		options: {
			attachments: 'notes',
			inlineImages: 'logo',
			ccRecipients: 'Bob <bob@example.com>',
			importance: 'high',
			headers: { header: [{ name: 'x-trace', value: 'golden' }] },
		},
	},
	'dryrun-draft-direct': {
		items: [
			{
				binary: {
					a: { data: pattern(2 * MiB, 2), fileName: 'a.bin', mimeType: 'application/pdf' },
					b: { data: pattern(2 * MiB + 5, 3), fileName: 'b.bin', mimeType: 'application/pdf' },
				},
			},
		],
		options: { attachments: 'a, b', saveToSentItems: false },
	},
	'dryrun-upload-session': {
		items: [
			{
				binary: {
					small: { data: pattern(1000, 4), fileName: 'small.txt', mimeType: 'text/plain' },
					big: { data: pattern(9 * MiB + 17, 5), fileName: 'big.bin' },
				},
			},
		],
		options: { attachments: '*', replyTo: 'help@example.com' },
	},
};

describe('Dry Run output is unchanged by the delivery plan', () => {
	for (const [name, shape] of Object.entries(SHAPES)) {
		test(name, async () => {
			const result = await runSendMail({
				credentials: credentialsOf(t),
				items: shape.items,
				parameters: {
					toRecipients: 'ada@example.com; "Doe, John" <john@example.com>',
					subject: `Golden ${name}`,
					bodyContent: '<p>Hello</p>',
					options: { ...shape.options, dryRun: true },
				},
			});
			expect(result.errorMessage).toBeUndefined();
			const actual = normalize(result.items.map((i) => i.json));
			const file = join(__dirname, 'golden', `${name}.golden`);
			if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
			expect(actual).toBe(readFileSync(file, 'utf8'));
			expect(t.sim.counters.graphRequests).toBe(0);
		});
	}
});

test('a draft whose creation got no clear answer is reported with its subject and mailbox', async () => {
	t.sim.injectFault({
		match: { kind: 'graph', method: 'POST', path: '/messages$' },
		times: 1,
		action: 'processThenRespond',
		status: 500,
	});
	const result = await runSendMail({
		credentials: credentialsOf(t),
		items: [{ binary: { big: { data: pattern(3 * MiB + 1, 6), fileName: 'big.bin' } } }],
		parameters: {
			toRecipients: 'ada@example.com',
			subject: 'Quarterly report',
			bodyContent: 'x',
			options: { attachments: 'big' },
		},
		onError: 'continueRegularOutput',
	});
	const out = result.items[0].json;
	expect(out.status).toBe('failed');
	expect(out.errorCode).toBe('DraftMayExist');
	expect(out.error).toMatch(/^Item 0: creating the draft got .*Nothing was sent/);
	expect(out.error).toContain(`Drafts folder of ${t.sender}`);
	expect(out.error).toContain('"Quarterly report"');
	expect(out.error).not.toMatch(/refused/);
	expect(t.sim.outbox).toHaveLength(0);
});
