import { promises as fs } from 'node:fs';
import path from 'node:path';

import { convertExport, needsAttention } from './convert';
import { formatReport } from './report';

/**
 * Exports of thousands of workflows stay well below this; anything bigger is not a workflow export.
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface MigrateArgs {
	file: string;
	out?: string;
	dryRun: boolean;
	/**
	 * Exit with STRICT_EXIT when any node needs a look (a value dropped, a node left unchanged, …).
	 */
	strict?: boolean;
}

/**
 * Exit code of `--strict` when the report names something to look at (2 is bad input, 1 a failure).
 */
export const STRICT_EXIT = 3;

export interface Output {
	out(text: string): void;
	err(text: string): void;
}

export function defaultTarget(file: string): string {
	return file.replace(/\.json$/i, '') + '.office365.json';
}

/** Reads, converts, writes (unless dry run) and reports. Returns the process exit code. */
export async function runMigrate(args: MigrateArgs, io: Output): Promise<number> {
	const stat = await fs.stat(args.file).catch(() => undefined);
	if (!stat?.isFile()) {
		io.err(`Cannot read ${args.file}: no such file.\n`);
		return 2;
	}
	if (stat.size > MAX_INPUT_BYTES) {
		io.err(
			`${args.file} is ${stat.size} bytes; a workflow export above ${MAX_INPUT_BYTES} bytes is refused.\n`,
		);
		return 2;
	}
	if (args.out && (await sameFile(args.file, args.out))) {
		io.err(
			`--out ${args.out} names the input file; the export is your way back, so it is never overwritten. Name another file.\n`,
		);
		return 2;
	}
	let data: unknown;
	try {
		// Editors on Windows save JSON with a UTF-8 byte order mark, which JSON.parse refuses.
		data = JSON.parse((await fs.readFile(args.file, 'utf8')).replace(/^\uFEFF/, ''));
	} catch (error) {
		io.err(`${args.file} is not valid JSON: ${(error as Error).message}\n`);
		return 2;
	}
	let result;
	try {
		result = convertExport(data);
	} catch (error) {
		io.err(`${(error as Error).message}\n`);
		return 2;
	}
	const target = args.dryRun ? undefined : (args.out ?? defaultTarget(args.file));
	if (target)
		await fs
			.writeFile(target, JSON.stringify(result.output, null, 2) + '\n', {
				flag: args.out ? 'w' : 'wx',
			})
			.catch((error: NodeJS.ErrnoException) => {
				throw new Error(
					error.code === 'EEXIST'
						? `${target} exists already; remove it or name another with --out.`
						: error.message,
				);
			});
	io.out(formatReport(result.reports, target));
	return args.strict && result.reports.some(needsAttention) ? STRICT_EXIT : 0;
}

/** The same file, also through another spelling or a link to it. */
async function sameFile(a: string, b: string): Promise<boolean> {
	if (path.resolve(a) === path.resolve(b)) return true;
	const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b).catch(() => undefined)]);
	return sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}
