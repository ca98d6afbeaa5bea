import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputError } from '../../message/inputError';

/** Check Setup: being built; refused before any request until then. */
export async function executeCheckSetup(_ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	throw new InputError('Operation', 'Check Setup is not available in this build yet.');
}
