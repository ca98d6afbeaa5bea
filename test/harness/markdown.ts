import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reading the project's markdown the way its readers do: fenced blocks, GitHub heading anchors,
 * links.
 */

export const REPO = path.resolve(__dirname, '..', '..');

/** The documents whose commands and links the suite checks (the ones that exist). */
export function checkedDocs(): string[] {
	return ['README.md', 'docs/SETUP.md', 'CHANGELOG.md']
		.map((doc) => path.join(REPO, doc))
		.filter((file) => existsSync(file));
}

export interface CheckBlock {
	/** 1-based position among the page's ```bash check blocks. */
	index: number;
	/** The block's first comment line, without "#". */
	label: string;
	script: string;
}

/**
 * Every ```bash check block of a page, in order, with the fence's indentation removed from its
 * lines.
 */
export function bashCheckBlocks(text: string): CheckBlock[] {
	const blocks: CheckBlock[] = [];
	let open: { indent: number; lines: string[] } | undefined;
	for (const line of text.split('\n')) {
		const start = /^([ \t]*)```bash check[ \t]*$/.exec(line);
		if (!open && start) {
			open = { indent: start[1].length, lines: [] };
		} else if (open && /^[ \t]*```[ \t]*$/.test(line)) {
			const script = open.lines.join('\n');
			const label = /^#[ \t]*(.*)$/m.exec(script)?.[1] ?? '(no comment line)';
			blocks.push({ index: blocks.length + 1, label, script: `${script}\n` });
			open = undefined;
		} else if (open) {
			open.lines.push(line.slice(open.indent));
		}
	}
	if (open) throw new Error(`a \`\`\`bash check block after block ${blocks.length} is not closed`);
	return blocks;
}

/** `npm run x`, `npm test`, `npm start` … as written in the text, each once. */
export function npmCommands(text: string): string[] {
	const found = text.match(/\bnpm (run(-script)? [A-Za-z0-9:_.-]+|test|start|stop|restart|t)\b/g);
	return [...new Set(found ?? [])].sort();
}

/** The package.json script an npm command runs. */
export function scriptOf(command: string): string {
	const short: Record<string, string> = { 'npm test': 'test', 'npm t': 'test' };
	return short[command] ?? command.split(' ').pop()!;
}

/** `node scripts/….js` references, each once. */
export function nodeScriptRefs(text: string): string[] {
	return [...new Set(text.match(/\bnode scripts\/[A-Za-z0-9_./-]+\.js/g) ?? [])].sort();
}

/**
 * The messages quoted in the first column of the table between the messages:start and messages:end
 * markers.
 */
export function quotedMessages(text: string): string[] {
	const start = text.indexOf('<!-- messages:start');
	const end = text.indexOf('<!-- messages:end');
	if (start < 0 || end < start)
		throw new Error('no <!-- messages:start --> … <!-- messages:end --> section');
	return text
		.slice(start, end)
		.split('\n')
		.map((row) => /^\|\s*`([^`]+)`\s*\|/.exec(row)?.[1])
		.filter((quoted): quoted is string => quoted !== undefined);
}

/**
 * "…" in a quoted message stands for a value the code fills in (a template slot or a
 * concatenation).
 */
export function messagePattern(quoted: string): RegExp {
	const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(quoted.split('…').map(escape).join('[\\s\\S]{1,200}?'));
}

/**
 * The TypeScript of the given folders as an admin would read its strings: escaped quotes unescaped.
 */
export function sourceText(...folders: string[]): string {
	const texts: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith('.ts')) texts.push(readFileSync(full, 'utf8'));
		}
	};
	for (const folder of folders) walk(path.join(REPO, folder));
	return texts.join('\n').replace(/\\'/g, "'").replace(/\\"/g, '"');
}

/**
 * The anchors a page offers: GitHub's heading ids (lower case, punctuation except "-" and "_"
 * dropped, spaces to "-", repeats numbered) and explicit `<a id="…"></a>`, which keep old links
 * working after a heading is renamed.
 */
export function anchorsOf(file: string): Set<string> {
	const ids = new Set<string>();
	const seen = new Map<string, number>();
	let fenced = false;
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (/^\s*```/.test(line)) fenced = !fenced;
		if (fenced) continue;
		for (const m of line.matchAll(/<a id="([^"]+)"><\/a>/g)) ids.add(m[1]);
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const base = heading[1]
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.trim()
			.replace(/\s/g, '-');
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		ids.add(n ? `${base}-${n}` : base);
	}
	return ids;
}

export interface AnchorLink {
	/** The page the link is on, relative to the repository. */
	doc: string;
	link: string;
	/** The page the link points into. */
	target: string;
	anchor: string;
}

/**
 * Links with a #fragment into this page or another local page that exists (web links are not
 * followed).
 */
export function anchorLinks(doc: string): AnchorLink[] {
	const text = readFileSync(doc, 'utf8');
	const links = new Set([...text.matchAll(/\]\(([^)\s]*#[^)\s]+)\)/g)].map((m) => m[1]));
	const out: AnchorLink[] = [];
	for (const link of links) {
		const [page, anchor] = link.split('#');
		if (/^https?:/.test(page)) continue;
		const target = page ? path.resolve(path.dirname(doc), page) : doc;
		if (existsSync(target)) out.push({ doc: path.relative(REPO, doc), link, target, anchor });
	}
	return out;
}
