import { CredentialConfigError } from '../../credential/errors';
import { isGuid } from '../../credential/identifiers';
import type { GraphSettings } from '../../credential/settings';
import { outcomeOf } from '../../outcome';
import { failed, notChecked, passed, type Finding } from '../../setupChecks/finding';
import { TokenError } from '../../token/tokenErrors';
import { acquireToken } from '../../token/tokenProvider';
import { GraphClient } from '../../transport/graphClient';
import type { CheckInput, CheckRun, Session, SetupCheck } from './run';
import { unanswered } from './unanswered';

// One retry, and an answer within seconds: a scheduled Check Setup never hangs, nor does the
// credential dialog.
const CHECK_TIMEOUT_MS = 20_000;
const CHECK_RETRY = { maxRetries: 1, maxTotalMs: 15_000, baseDelayMs: 500, maxDelayMs: 5_000 };

/** After the credential is corrected: what runs the checks again. */
const SAVE_AGAIN = 'save it (saving runs the credential test; Retry repeats it)';

/**
 * The credential cannot be read: the credential test's words for the field, or why no credential is
 * there.
 */
function unusable(error: unknown): Finding {
	if (error instanceof CredentialConfigError)
		return {
			...failed(
				'signIn',
				'error',
				error.message,
				`Correct "${error.field}" in the credential and ${SAVE_AGAIN}.`,
			),
			reason: `invalid:${error.field}`,
			fixInDetail: true,
		};
	const why = error instanceof Error ? `: ${error.message.slice(0, 500)}` : '.';
	return {
		...failed(
			'signIn',
			'error',
			`The credential cannot be used${why}`,
			'Select a Microsoft Graph Client Credentials credential in the node.',
		),
		reason: 'noCredentialSelected',
	};
}

function tenantMismatch(settings: GraphSettings, tid: string): Finding {
	return {
		...failed(
			'signIn',
			'error',
			`Microsoft issued the token for tenant ${tid}, not for the Directory (tenant) ID ${settings.tenantId} entered in the credential.`,
			"Copy the tenant ID again from the app registration's Overview page.",
		),
		reason: 'tenantMismatch',
	};
}

function signedInAs(settings: GraphSettings, tid: string | undefined, app: string): string {
	const auth =
		settings.auth.kind === 'clientSecret'
			? 'a client secret'
			: `a certificate (SHA-256 thumbprint ${settings.auth.certificate.thumbprintSha256})`;
	return `App ${app}${settings.clientId} signed in to tenant ${tid ?? settings.tenantId} (${settings.cloudLabel} cloud) with ${auth}; fresh token, not from a cache.`;
}

/** Sign-in's words are the node's (TokenError); the fix only adds how to run the checks again. */
function tokenFailure(error: unknown): Finding {
	if (!(error instanceof TokenError))
		return {
			...failed('signIn', 'error', unanswered(error), 'Try again later.'),
			reason: 'unchecked',
		};
	const field = error.field ? ` (credential field "${error.field}")` : '';
	const fix = `Correct the credential${field} as the detail says and ${SAVE_AGAIN}.`;
	return {
		...failed('signIn', 'error', error.message, fix),
		reason: error.reason,
		fixInDetail: true,
	};
}

/** A fresh token, never from a cache: a secret rotated or revoked since the last run shows now. */
export async function signIn(input: CheckInput): Promise<Session> {
	if (!input.read.ok) return { finding: unusable(input.read.error) };
	const settings = input.read.value;
	const got = await outcomeOf(() =>
		acquireToken(settings, { fresh: true, timeoutMs: CHECK_TIMEOUT_MS, http: input.http }),
	);
	if (!got.ok) return { finding: tokenFailure(got.error) };
	const token = got.value;
	const { claims } = token;
	if (isGuid(settings.tenantId) && claims.tid && claims.tid.toLowerCase() !== settings.tenantId)
		return { finding: tenantMismatch(settings, claims.tid) };
	const app = claims.appDisplayName ? `"${claims.appDisplayName}" ` : '';
	const getToken = async () => token.token;
	const limits = { timeoutMs: CHECK_TIMEOUT_MS, retry: CHECK_RETRY };
	const graph = new GraphClient(settings.graphEndpoint, { getToken }, input.http, limits);
	return { finding: passed('signIn', signedInAs(settings, claims.tid, app)), token, graph };
}

/** What a check that needs Microsoft says when sign-in did not work. */
export function skippedAfterSignIn(check: string, run: CheckRun): Finding {
	return run.settings
		? notChecked(
				check,
				'Not checked: sign-in failed.',
				'Fix sign-in first (see the signIn finding), then run the checks again.',
			)
		: notChecked(
				check,
				'Not checked: the credential cannot be used.',
				'Fix the signIn finding first.',
			);
}

export const signInCheck: SetupCheck = {
	id: 'signIn',
	local: (input) => (input.read.ok ? undefined : unusable(input.read.error)),
	run: async (run) => (await run.signedIn()).finding,
};
