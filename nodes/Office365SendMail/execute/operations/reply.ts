import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { InputError } from '../../message/inputError';
import type { PreparedItem } from '../prepareItem';

/** Reply: being built; refused before any request until then. */
export async function prepareReply(
	_ctx: IExecuteFunctions,
	_index: number,
	_settings: GraphSettings,
): Promise<PreparedItem> {
	throw new InputError('Operation', 'Reply is not available in this build yet.');
}
