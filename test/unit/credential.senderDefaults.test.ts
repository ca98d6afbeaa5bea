import { randomUUID } from 'node:crypto';

import { CredentialConfigError } from '../../nodes/shared/credential/errors';
import { readGraphSettings } from '../../nodes/shared/credential/settings';

/** Sender Display Name and Default Reply-To on the credential, validated like the node's fields. */
const base = (overrides: Record<string, unknown> = {}) => ({
	cloud: 'global',
	tenantId: randomUUID(),
	clientId: randomUUID(),
	authentication: 'clientSecret',
	clientSecret: 'not-a-real-secret',
	senderMailbox: 'notifications@contoso.com',
	...overrides,
});

function fieldOf(overrides: Record<string, unknown>): string | undefined {
	try {
		readGraphSettings(base(overrides));
		return undefined;
	} catch (error) {
		expect(error).toBeInstanceOf(CredentialConfigError);
		return (error as CredentialConfigError).field;
	}
}

test('both are optional: empty means no defaults', () => {
	const settings = readGraphSettings(base());
	expect(settings.senderName).toBeUndefined();
	expect(settings.replyTo).toEqual([]);
	expect(settings.scopeCheckMailbox).toBeUndefined();
});

test('values are parsed like the node parses From Name and Reply To', () => {
	const settings = readGraphSettings(
		base({
			senderName: '  Contoso Billing ',
			replyTo: 'support@contoso.com; "Doe, John" <john@contoso.com>',
		}),
	);
	expect(settings.senderName).toBe('Contoso Billing');
	expect(settings.replyTo).toEqual([
		{ address: 'support@contoso.com' },
		{ address: 'john@contoso.com', name: 'Doe, John' },
	]);
});

test.each([
	[
		'a line break in the display name (header injection)',
		{ senderName: 'Billing\r\nBcc: x@evil.com' },
		'senderName',
	],
	['a control character in the display name', { senderName: 'Bill\u0007ing' }, 'senderName'],
	['an over-long display name', { senderName: 'x'.repeat(257) }, 'senderName'],
	['a reply-to that is not an address', { replyTo: 'support at contoso' }, 'replyTo'],
	['a reply-to without a dotted domain', { replyTo: 'support@localhost' }, 'replyTo'],
	[
		'an over-long reply-to, refused before parsing',
		{ replyTo: 'a@contoso.com,'.repeat(200) },
		'replyTo',
	],
	['a non-text reply-to', { replyTo: 42 }, 'replyTo'],
])('refuses %s and names the field', (_label, overrides, field) => {
	expect(fieldOf(overrides)).toBe(field);
});

test('messages name the field in editor words and never echo a secret', () => {
	try {
		readGraphSettings(base({ replyTo: 'support at contoso' }));
	} catch (error) {
		expect((error as Error).message).toMatch(/^Default Reply-To: /);
		expect((error as Error).message).not.toContain('not-a-real-secret');
	}
	expect.assertions(2);
});
