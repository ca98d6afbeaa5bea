import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphSettings } from '../../../shared/credential/settings';
import { InputError } from '../../message/inputError';
import type { PreparedItem } from '../prepareItem';

/** Send and Wait for Response: being wired; refused before any request until then. */
export async function prepareSendAndWaitItem(
	_ctx: IExecuteFunctions,
	_index: number,
	_settings: GraphSettings,
): Promise<PreparedItem> {
	throw new InputError(
		'Operation',
		'Send and Wait for Response is not available in this build yet.',
	);
}
