import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
	anchorLinks,
	anchorsOf,
	checkedDocs,
	messagePattern,
	nodeScriptRefs,
	npmCommands,
	quotedMessages,
	REPO,
	scriptOf,
	sourceText,
} from '../harness/markdown';

// What README.md, docs/SETUP.md and CHANGELOG.md tell a reader to run, quote or follow must exist.

const docs = checkedDocs();
const docText = docs.map((doc) => readFileSync(doc, 'utf8')).join('\n');
const scripts = Object.keys(
	(
		JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
			scripts?: Record<string, string>;
		}
	).scripts ?? {},
);

test.each(npmCommands(docText))('`%s` is a package.json script', (command) => {
	expect(scripts).toContain(scriptOf(command));
});

test.each(nodeScriptRefs(docText))('`%s` exists', (ref) => {
	expect(existsSync(path.join(REPO, ref.replace(/^node /, '')))).toBe(true);
});

describe('the troubleshooting table of docs/SETUP.md quotes messages the code shows', () => {
	const messages = quotedMessages(readFileSync(path.join(REPO, 'docs/SETUP.md'), 'utf8'));
	const code = sourceText('nodes', 'credentials');

	test.each(messages)('%s', (quoted) => {
		expect(code).toMatch(messagePattern(quoted));
	});
});

test.each(docs.flatMap(anchorLinks).map((l) => [`${l.doc} → ${l.link}`, l] as const))(
	'anchor exists: %s',
	(_name, link) => {
		expect([...anchorsOf(link.target)]).toContain(link.anchor);
	},
);
