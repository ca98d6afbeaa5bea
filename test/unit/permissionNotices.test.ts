import { Office365SendMail } from '../../nodes/Office365SendMail/Office365SendMail.node';

// The editor shows a notice when its displayOptions match the node's operation; read them the same
// way.
const { properties } = new Office365SendMail().description;
const noticesFor = (operation: string) =>
	properties
		.filter((p) => p.type === 'notice' && /permission/i.test(p.displayName))
		.filter((p) => p.displayOptions?.show?.operation?.includes(operation))
		.map((p) => p.displayName);

describe("the node's permission notice names each operation's own permissions", () => {
	it.each([
		[
			'send',
			/^Send needs the <b>Mail\.Send<\/b>.*<b>Mail\.ReadWrite<\/b> too for attachments of 3 MB or more and for Send At/,
		],
		[
			'reply',
			/^Reply needs the <b>Mail\.Send<\/b>.*Mail\.ReadWrite<\/b> too for large attachments/,
		],
		[
			'createDraft',
			/^Create Draft needs the <b>Mail\.ReadWrite<\/b> application permission \(not Mail\.Send\)/,
		],
		['sendAndWait', /^Send and Wait for Response needs the <b>Mail\.Send<\/b>/],
	])('%s: one notice, its own', (operation, text) => {
		const shown = noticesFor(operation);
		expect(shown).toHaveLength(1);
		expect(shown[0]).toMatch(text);
		expect(shown[0]).toMatch(/RBAC for Applications/);
	});

	it('Check Setup shows no permission notice (it reports the permissions itself)', () => {
		expect(noticesFor('checkSetup')).toEqual([]);
	});

	it('every notice is shown for some operation only', () => {
		for (const p of properties.filter(
			(x) => x.type === 'notice' && /permission/i.test(x.displayName),
		))
			expect(p.displayOptions?.show?.operation?.length).toBeGreaterThan(0);
	});
});
