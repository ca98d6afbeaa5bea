import { GraphError } from '../errors';
import { expandedId, expandedProperties, hasProperty, parseFilter } from '../propertyFilter';

const ID = 'String {6c378059-4101-4996-9200-31df354e4594} Name n8nOffice365SendMailMarker';
const clause = (value: string, v = 'ep') =>
	`singleValueExtendedProperties/Any(${v}: ${v}/id eq '${ID}' and ${v}/value eq '${value}')`;

test('one clause (the documented form) and an or of clauses for the same property', () => {
	expect(parseFilter(clause('a'))).toEqual({ id: ID, values: ['a'] });
	expect(parseFilter(`${clause('a')} or ${clause('b', 'x')} OR ${clause("c''d")}`)).toEqual({
		id: ID,
		values: ['a', 'b', "c'd"],
	});
	const message = { singleValueExtendedProperties: [{ id: ID.toLowerCase(), value: 'b' }] };
	expect(hasProperty(message, parseFilter(`${clause('a')} or ${clause('b')}`))).toBe(true);
	expect(hasProperty(message, parseFilter(clause('a')))).toBe(false);
});

test('what is not modelled answers 400: and between clauses, two property ids, trailing text', () => {
	for (const raw of [
		`${clause('a')} and ${clause('b')}`,
		`${clause('a')} or ${clause('b').replace('Marker', 'Other')}`,
		`${clause('a')} or`,
		`subject eq 'x'`,
	])
		expect(() => parseFilter(raw)).toThrow(GraphError);
});

test('$expand of one property shows only that property', () => {
	expect(expandedId(`singleValueExtendedProperties($filter=id eq '${ID}')`)).toBe(ID);
	expect(() => expandedId('attachments')).toThrow(GraphError);
	const message = {
		singleValueExtendedProperties: [
			{ id: ID, value: 'a' },
			{ id: 'String 0x1035', value: '<x@y>' },
		],
	};
	expect(expandedProperties(message, ID)).toEqual([{ id: ID, value: 'a' }]);
});
