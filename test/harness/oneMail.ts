import type { INodeParameters } from 'n8n-workflow';

import { credentialsOf } from './credentialsOf';
import { runSendMail, type RunResult } from './engine';
import type { TestTenant } from './fixtures';

/**
 * One execution with one item: a short text mail to ada@example.com from the tenant's sender,
 * Continue On Fail.
 */
export function oneMail(
	t: TestTenant,
	subject: string,
	options: INodeParameters = {},
): Promise<RunResult> {
	return runSendMail({
		credentials: credentialsOf(t),
		items: [{ json: {} }],
		parameters: {
			toRecipients: 'ada@example.com',
			subject,
			bodyContent: 'x',
			bodyContentType: 'text',
			options,
		},
		onError: 'continueRegularOutput',
	});
}
