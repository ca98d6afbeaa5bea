#!/usr/bin/env node
import { runMigrate, type MigrateArgs } from './migrate/run';

const USAGE = `Usage: npx n8n-nodes-office365-send-mail migrate <workflow-export.json> [--out <file>] [--dry-run] [--strict]

Replaces every Send Email (SMTP) node in an n8n workflow export with Office 365 Send Mail:
parameters mapped, expressions, names, positions and connections kept. Pick the Microsoft Graph
credential on each converted node after import. Export first with:
  n8n export:workflow --all --output=workflows.json
Writes <file>.office365.json unless --out is given (never the input file); --dry-run only prints
the changes. Every value that has no place in the new node is printed ("dropped:"), and expressions
in other nodes that read the old SMTP result are rewritten or named. --strict exits with code 3 when
anything needs a look (a value dropped, a node left unchanged, an expression not rewritten, no
recipient or body, an unknown type version); 2 means the input could not be read.
`;

export function parseArgs(argv: string[]): MigrateArgs | string {
	const [command, ...rest] = argv;
	if (command !== 'migrate') return USAGE;
	const args: Partial<MigrateArgs> = { dryRun: false };
	let strict = false;
	for (let i = 0; i < rest.length; i++) {
		const arg = rest[i];
		if (arg === '--dry-run') args.dryRun = true;
		else if (arg === '--strict') strict = true;
		else if (arg === '--out' && rest[i + 1]) args.out = rest[++i];
		else if (arg.startsWith('--out=')) args.out = arg.slice('--out='.length);
		else if (arg === '--help' || arg === '-h') return USAGE;
		else if (!arg.startsWith('-') && !args.file) args.file = arg;
		else return `Unknown argument: ${arg}\n\n${USAGE}`;
	}
	if (strict) args.strict = true;
	return args.file ? (args as MigrateArgs) : USAGE;
}

async function main(): Promise<number> {
	const parsed = parseArgs(process.argv.slice(2));
	const io = {
		out: (t: string) => process.stdout.write(t),
		err: (t: string) => process.stderr.write(t),
	};
	if (typeof parsed === 'string') {
		const help = process.argv.includes('--help') || process.argv.includes('-h');
		(help ? io.out : io.err)(parsed);
		return help ? 0 : 2;
	}
	try {
		return await runMigrate(parsed, io);
	} catch (error) {
		io.err(`${(error as Error).message}\n`);
		return 1;
	}
}

if (require.main === module) void main().then((code) => (process.exitCode = code));
