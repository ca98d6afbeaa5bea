import {
	commitState,
	isNew,
	loadState,
	markSeen,
	RETENTION_MS,
} from '../../nodes/Office365MailTrigger/syncState';

/**
 * The Mail Trigger's memory in the workflow's static data: what counts as new, and how it stays
 * small.
 */
describe('Mail Trigger sync state', () => {
	const hour = RETENTION_MS;
	const base = Date.parse('2026-12-01T10:00:00Z');

	it('starts from now (a whole second) for a new mailbox or folder, from 0 with Include Existing', () => {
		const data = {};
		const fresh = loadState(data, 'a@contoso.com|inbox', false);
		expect(fresh.horizon % 1000).toBe(0);
		expect(Math.abs(fresh.horizon - Date.now())).toBeLessThan(5000);
		expect(loadState(data, 'a@contoso.com|inbox', true).horizon).toBe(0);
		commitState(data, { ...fresh, horizon: base, newest: base });
		expect(loadState(data, 'a@contoso.com|inbox', false).horizon).toBe(base);
		// Another folder starts over.
		expect(loadState(data, 'a@contoso.com|archive', false).horizon).not.toBe(base);
	});

	it('a message is new once; older than the horizon never; the horizon trails the newest by an hour', () => {
		const data = {};
		const state = { ...loadState(data, 'k', true) };
		expect(isNew(state, 'm1', base)).toBe(true);
		markSeen(state, 'm1', base);
		expect(isNew(state, 'm1', base)).toBe(false);
		markSeen(state, 'm2', base + 2 * hour);
		commitState(data, state);
		const saved = loadState(data, 'k', true);
		expect(saved.horizon).toBe(base + hour);
		// m1 is below the horizon: forgotten, and not new either.
		expect(Object.keys(saved.seen)).toHaveLength(1);
		expect(isNew(saved, 'm1', base)).toBe(false);
		expect(isNew(saved, 'm2', base + 2 * hour)).toBe(false);
		expect(isNew(saved, 'm3', base + hour + 1)).toBe(true);
		// Ids are kept as short hashes, never as they are.
		expect(JSON.stringify(data)).not.toContain('m2');
	});

	it('keeps the horizon while a round is unfinished (pages come in change order, not arrival order)', () => {
		const data = {};
		const state = loadState(data, 'k', true);
		markSeen(state, 'new', base + 5 * hour);
		state.nextLink =
			'https://graph.microsoft.com/v1.0/users/x/mailFolders/inbox/messages/delta?$skiptoken=1';
		commitState(data, state);
		const saved = loadState(data, 'k', true);
		expect(saved.horizon).toBe(0);
		expect(isNew(saved, 'old', base)).toBe(true);
	});
});
