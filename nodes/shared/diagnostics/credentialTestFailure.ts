import type { GraphSettings } from '../credential/settings';
import { findingMessage } from '../setupChecks/finding';
import { GraphApiError } from '../transport/graphErrors';
import { graphUnreachable } from './checks/unanswered';
import { adviseGraphError } from './graphAdvice';

/**
 * Why the credential test failed, as a stable name (tests and docs use it) plus the admin-facing
 * message.
 */
export class CredentialTestFailure extends Error {
	constructor(
		readonly reason: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialTestFailure';
	}
}

/**
 * Turns a failed Graph call of the test message (after every check passed) into the failure an
 * admin can act on, in the words the checks use for the same answers.
 */
export function failFromGraph(error: unknown, settings: GraphSettings, mailbox: string): never {
	if (error instanceof GraphApiError) {
		const advice = adviseGraphError(error, {
			mailbox,
			clientId: settings.clientId,
			permission: 'Mail.Send',
		});
		throw new CredentialTestFailure(advice.reason, advice.message);
	}
	const finding = graphUnreachable('testMessage', settings.graphEndpoint, error);
	throw new CredentialTestFailure(finding.reason ?? 'unchecked', findingMessage(finding));
}
