/**
 * The single-value extended property filter
 * (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get, "Get resource instances
 * filtered by single-value extended property"), and the `$expand` of one such property ("Get
 * resource instance expanded with a matching extended property", same page).
 *
 * Assumption (no public source): several of the documented clauses joined by `or`, for the same
 * property id, are accepted and match a message carrying any of the values. Microsoft documents the
 * filter for one value only; the node falls back to one request per value when Graph answers 400.
 */
import { GraphError } from './errors';

export interface PropertyFilter {
	id: string;
	values: string[];
}

const CLAUSE =
	/singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*/iy;
const OR = /or\s+/iy;
const EXPAND =
	/^\s*singleValueExtendedProperties\(\s*\$filter=\s*id\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i;

/** Extended property ids compare without regard to case or spacing ("String {guid} Name x"). */
export function sameId(a: string, b: string): boolean {
	const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
	return norm(a) === norm(b);
}

function unquote(s: string): string {
	return s.replace(/''/g, "'");
}

// Simulator wording for filters it does not model (Graph answers 400 for an invalid $filter).
function invalid(raw: string): GraphError {
	return new GraphError(400, 'BadRequest', `Invalid filter clause: ${raw.slice(0, 80)}`);
}

export function parseFilter(raw: string | null): PropertyFilter | undefined {
	if (raw === null || raw.trim() === '') return undefined;
	const values: string[] = [];
	let id: string | undefined;
	let at = raw.length - raw.trimStart().length;
	for (;;) {
		CLAUSE.lastIndex = at;
		const m = CLAUSE.exec(raw);
		if (!m) throw invalid(raw);
		if (id !== undefined && !sameId(id, unquote(m[2]))) throw invalid(raw);
		id = unquote(m[2]);
		values.push(unquote(m[3]));
		at = CLAUSE.lastIndex;
		if (at >= raw.length) return { id, values };
		OR.lastIndex = at;
		if (!OR.exec(raw)) throw invalid(raw);
		at = OR.lastIndex;
	}
}

export function hasProperty(message: Record<string, unknown>, filter?: PropertyFilter): boolean {
	if (!filter) return true;
	const props = message.singleValueExtendedProperties;
	if (!Array.isArray(props)) return false;
	return props.some(
		(p: { id?: unknown; value?: unknown }) =>
			typeof p?.id === 'string' &&
			sameId(p.id, filter.id) &&
			typeof p.value === 'string' &&
			filter.values.includes(p.value),
	);
}

/**
 * The property id of `$expand=singleValueExtendedProperties($filter=id eq '…')`, or undefined
 * without one.
 */
export function expandedId(raw: string | null): string | undefined {
	if (raw === null || raw.trim() === '') return undefined;
	const m = EXPAND.exec(raw);
	// Simulator wording: the one $expand modelled on messages.
	if (!m) throw new GraphError(400, 'BadRequest', `Invalid $expand: ${raw.slice(0, 80)}`);
	return unquote(m[1]);
}

/** The message's properties with that id, as the expanded `singleValueExtendedProperties`. */
export function expandedProperties(
	message: Record<string, unknown>,
	id: string,
): { id: string; value: string }[] {
	const props = Array.isArray(message.singleValueExtendedProperties)
		? (message.singleValueExtendedProperties as { id?: unknown; value?: unknown }[])
		: [];
	return props.flatMap((p) =>
		typeof p.id === 'string' && typeof p.value === 'string' && sameId(p.id, id)
			? [{ id: p.id, value: p.value }]
			: [],
	);
}
