'use strict';
/**
 * Which legs a run takes: the named ones (optional ones included), else every leg not marked
 * optional.
 */
const LEGS = require('./legs');

/** @param {string[]} ids @param {boolean} optional */
function selectLegs(ids, optional) {
	const unknown = ids.filter((id) => !LEGS.some((l) => l.id === id));
	if (unknown.length)
		throw new Error(
			`unknown leg(s) ${unknown.join(', ')}; known: ${LEGS.map((l) => l.id).join(', ')}`,
		);
	return ids.length
		? LEGS.filter((l) => ids.includes(l.id))
		: LEGS.filter((l) => !l.optional || optional);
}

/** Comma list → trimmed, non-empty entries. */
function csv(s) {
	return String(s || '')
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean);
}

module.exports = { selectLegs, csv };
