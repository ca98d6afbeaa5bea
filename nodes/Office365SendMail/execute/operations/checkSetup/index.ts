import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { StandaloneOperationSpec } from '../types';
import { runSetupChecks } from './run';

/**
 * Check Setup: one output item per check, `{ check, ok, severity, detail, fix }`. It never fails on
 * a finding (a failed sign-in is a finding too), so a scheduled workflow can filter on `ok` /
 * `severity` and alert the admin. It runs once, whatever the number of input items; the Sender is
 * read from the first item.
 */
export async function executeCheckSetup(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const findings = await runSetupChecks(ctx);
	return [
		findings.map(({ check, ok, severity, detail, fix }) => ({
			json: { check, ok, severity, detail, fix },
			pairedItem: { item: 0 },
		})),
	];
}

export const checkSetup: StandaloneOperationSpec = {
	kind: 'standalone',
	execute: executeCheckSetup,
};
