import { checkCredentialExpiry } from '../../setupChecks/credentialExpiry';
import { mailReadCheck, scopeProbeCheck, senderProbeCheck } from './mailbox';
import { permissionsCheck } from './permissions';
import { CheckRun, type CheckInput, type SetupCheck } from './run';
import { signIn, signInCheck } from './signIn';

export { CheckRun, type CheckInput, type SenderChoice, type SetupCheck } from './run';
export { defaultSenderChoice, noSender, senderNotAllowed, DEFAULT_SENDER } from './sender';
export { unanswered } from './unanswered';

const text = (raw: Record<string, unknown>, field: string): string =>
	typeof raw[field] === 'string' ? raw[field] : '';

/** Read from the PEM as stored, so it is told even when the credential cannot sign in. */
const credentialExpiryCheck: SetupCheck = {
	id: 'credentialExpiry',
	local: ({ raw }) =>
		checkCredentialExpiry({
			authentication:
				text(raw, 'authentication') === 'certificate' ? 'certificate' : 'clientSecret',
			certificate: text(raw, 'certificate'),
		}),
	run: async () => {
		throw new Error('credentialExpiry is settled before any request');
	},
};

/**
 * The checks of the credential and its sender, in the order Check Setup outputs them and the
 * credential test runs them: one finding each, one wording each. Check Setup adds the sender
 * domain's DNS checks and message trace after these; the credential test throws the first failing
 * finding's message (findingMessage).
 */
export const CREDENTIAL_CHECKS: SetupCheck[] = [
	signInCheck,
	permissionsCheck,
	senderProbeCheck,
	scopeProbeCheck,
	mailReadCheck,
	credentialExpiryCheck,
];

export function credentialCheckRun(input: CheckInput): CheckRun {
	return new CheckRun(input, CREDENTIAL_CHECKS, signIn);
}
