import {
	EXPLAINED_CODES,
	explain,
} from '../../nodes/Office365SendMail/execute/operations/getDeliveryStatus/codes';
import {
	codeOf,
	overallStatus,
	type RecipientStatus,
} from '../../nodes/Office365SendMail/execute/operations/getDeliveryStatus/summary';

const CODES = [
	'5.1.10',
	'5.1.1',
	'5.1.90',
	'5.2.2',
	'5.4.1',
	'5.7.1',
	'5.7.23',
	'5.7.232',
	'5.7.233',
	'5.7.509',
	'5.7.708',
	'5.7.750',
];

test.each(CODES)('%s has its own meaning and fix', (code) => {
	expect(EXPLAINED_CODES).toContain(code);
	const { meaning, fix } = explain('failed', code);
	expect(meaning).not.toContain(code);
	expect(meaning.length).toBeGreaterThan(20);
	expect(fix.length).toBeGreaterThan(20);
});

test('every code has different words', () => {
	const meanings = CODES.map((c) => explain('failed', c).meaning);
	expect(new Set(meanings).size).toBe(CODES.length);
});

test('quarantine and spam are explained by status; an unknown code is named', () => {
	expect(explain('quarantined', null).fix).toMatch(/Quarantine/);
	expect(explain('filteredAsSpam', null).meaning).toMatch(/spam/);
	expect(explain('failed', '5.3.4').meaning).toContain('5.3.4');
});

test.each([
	[
		['451 4.4.7 Message delayed', 'Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound}]'],
		'5.1.10',
	],
	[['The message was delivered.'], null],
	[['version 15.20.7.1 of the server'], null],
])('the code is the last enhanced status code in the events %j: %s', (descriptions, code) => {
	expect(
		codeOf(
			descriptions.map((description) => ({ event: 'x', action: '', description, dateTime: '' })),
		),
	).toBe(code);
});

test.each([
	[[], 'notFound'],
	[['delivered', 'expanded'], 'delivered'],
	[['delivered', 'gettingStatus'], 'pending'],
	[['failed', 'quarantined'], 'failed'],
	[['delivered', 'filteredAsSpam'], 'mixed'],
])('overall status of %j is %s', (statuses, overall) => {
	expect(overallStatus(statuses.map((status) => ({ status }) as RecipientStatus))).toBe(overall);
});
