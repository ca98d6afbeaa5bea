/**
 * The $filter subset message trace documents: eq on id, messageId, senderAddress, recipientAddress,
 * status, subject, fromIP, toIP; ge and le on receivedDateTime; clauses joined with `and`
 * (https://learn.microsoft.com/graph/api/messagetracingroot-list-messagetraces, property table of
 * https://learn.microsoft.com/graph/api/resources/exchangemessagetrace). String literals use
 * OData's doubled quote.
 */
import { GraphError } from '../errors';
import type { TraceRowView } from './rows';

const EQ_FIELDS = new Set([
	'id',
	'messageid',
	'senderaddress',
	'recipientaddress',
	'status',
	'subject',
	'fromip',
	'toip',
]);

type EqField = Exclude<keyof TraceRowView, 'receivedDateTime' | 'size'>;

export type Clause =
	| { field: EqField; op: 'eq'; value: string }
	| { field: 'receivedDateTime'; op: 'ge' | 'le'; value: number };

// The wording of this 400 is the simulator's own (README, assumptions).
const invalid = (why: string) => new GraphError(400, 'BadRequest', `Invalid filter clause: ${why}`);

const FIELD_NAMES: Record<string, EqField> = {
	id: 'id',
	messageid: 'messageId',
	senderaddress: 'senderAddress',
	recipientaddress: 'recipientAddress',
	status: 'status',
	subject: 'subject',
	fromip: 'fromIP',
	toip: 'toIP',
};

/** One clause at `text[i…]`: `field op value`; returns it and where it ends. */
function clauseAt(text: string, i: number): { clause: Clause; end: number } {
	const head = /^\s*([A-Za-z]+)\s+(eq|ge|le)\s+/i.exec(text.slice(i));
	if (!head)
		throw invalid(`expected "property eq 'value'" at ${JSON.stringify(text.slice(i, i + 30))}`);
	const field = head[1].toLowerCase();
	const op = head[2].toLowerCase();
	let j = i + head[0].length;
	if (field === 'receiveddatetime') {
		if (op === 'eq') throw invalid('receivedDateTime supports ge and le only');
		const m = /^[0-9T:.\-+Z]+/i.exec(text.slice(j));
		const at = m ? Date.parse(m[0]) : NaN;
		if (!m || Number.isNaN(at)) throw invalid('receivedDateTime needs a date and time');
		return {
			clause: { field: 'receivedDateTime', op: op as 'ge' | 'le', value: at },
			end: j + m[0].length,
		};
	}
	if (!EQ_FIELDS.has(field)) throw invalid(`property ${head[1]} cannot be filtered`);
	if (op !== 'eq') throw invalid(`${head[1]} supports eq only`);
	if (text[j] !== "'") throw invalid(`${head[1]} needs a quoted string`);
	let value = '';
	for (j++; j < text.length; j++) {
		if (text[j] === "'" && text[j + 1] === "'") {
			value += "'";
			j++;
		} else if (text[j] === "'") break;
		else value += text[j];
	}
	if (j >= text.length) throw invalid('unterminated string');
	return { clause: { field: FIELD_NAMES[field], op: 'eq', value }, end: j + 1 };
}

export function parseFilter(text: string): Clause[] {
	const clauses: Clause[] = [];
	let i = 0;
	for (;;) {
		const { clause, end } = clauseAt(text, i);
		clauses.push(clause);
		const rest = /^\s+and\s+/i.exec(text.slice(end));
		if (!rest) {
			if (text.slice(end).trim())
				throw invalid(`unexpected ${JSON.stringify(text.slice(end, end + 30))}`);
			return clauses;
		}
		i = end + rest[0].length;
	}
}

/**
 * eq compares case-insensitively for addresses and Message-IDs (SMTP addresses are matched so by
 * Exchange).
 */
export function matches(row: TraceRowView, clauses: Clause[]): boolean {
	return clauses.every((c) => {
		if (c.field === 'receivedDateTime') {
			const at = Date.parse(row.receivedDateTime);
			return c.op === 'ge' ? at >= c.value : at <= c.value;
		}
		return String(row[c.field]).toLowerCase() === c.value.toLowerCase();
	});
}
