import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { InputError } from '../../message/inputError';
import type { PreparedItem } from '../prepareItem';

/** Create Draft: being built; refused before any request until then. */
export async function prepareCreateDraft(
	_ctx: IExecuteFunctions,
	_index: number,
	_settings: GraphSettings,
): Promise<PreparedItem> {
	throw new InputError('Operation', 'Create Draft is not available in this build yet.');
}
