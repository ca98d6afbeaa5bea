#!/usr/bin/env node
/**
 * Runs the simulator as its own process:
 *   node .build/test/simulator/cli.js [--port N] [--upload-port N] [--host H] [--public-host NAME]
 *        [--scenario demo|empty] [--graph-latency-ms N] [--token-latency-ms N]
 *        [--mailbox-concurrency-limit N] [--throttle-retry-after S] [--seed N] [--state-file path]
 * Prints ONE JSON line {"url","caCertFile","controlUrl","uploadOrigin"} on stdout (also written to
 * --state-file when given), then serves until SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import { startSimulator, type M365Simulator } from './index';
import { loadScenario } from './scenarios';
import type { SimulatorOptions } from './types';

interface CliArgs {
	options: SimulatorOptions;
	scenario: string;
	stateFile?: string;
}

function parseArgs(argv: string[]): CliArgs {
	const args: CliArgs = { options: {}, scenario: 'demo' };
	const number = (flag: string, value: string | undefined): number => {
		const n = Number(value);
		if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = argv[i + 1];
		switch (flag) {
			case '--port':
				args.options.port = number(flag, value);
				break;
			case '--host':
				if (!value) throw new Error('--host needs a value');
				args.options.host = value;
				break;
			case '--upload-port':
				args.options.uploadPort = number(flag, value);
				break;
			case '--public-host':
				if (!value) throw new Error('--public-host needs a value');
				args.options.publicHost = value;
				break;
			case '--scenario':
				if (!value) throw new Error('--scenario needs a value');
				args.scenario = value;
				break;
			case '--graph-latency-ms':
				args.options.graphLatencyMs = number(flag, value);
				break;
			case '--token-latency-ms':
				args.options.tokenLatencyMs = number(flag, value);
				break;
			case '--mailbox-concurrency-limit':
				args.options.mailboxConcurrencyLimit = number(flag, value);
				break;
			case '--throttle-retry-after':
				args.options.throttleRetryAfterSeconds = number(flag, value);
				break;
			case '--seed':
				args.options.seed = number(flag, value);
				break;
			case '--state-file':
				if (!value) throw new Error('--state-file needs a path');
				args.stateFile = value;
				break;
			default:
				throw new Error(`unknown argument ${flag}`);
		}
		i++;
	}
	return args;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const sim: M365Simulator = await startSimulator(args.options);
	loadScenario(sim, args.scenario);
	const line = JSON.stringify({
		url: sim.url,
		caCertFile: sim.caCertFile,
		controlUrl: `${sim.url}/_sim`,
		uploadOrigin: sim.uploadOrigin,
	});
	if (args.stateFile) fs.writeFileSync(args.stateFile, `${line}\n`);
	process.stdout.write(`${line}\n`);

	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		void sim.close().then(() => {
			if (args.stateFile) fs.rmSync(args.stateFile, { force: true });
			process.exit(0);
		});
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
	process.stderr.write(`m365 simulator: ${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
