import { isGuid } from '../../../../shared/credential/identifiers';
import type { GraphSettings } from '../../../../shared/credential/settings';
import { adviseGraphError } from '../../../../shared/diagnostics/graphAdvice';
import { probeMailbox, probeScope } from '../../../../shared/diagnostics/probes';
import { probeRead } from '../../../../shared/diagnostics/readProbe';
import { outcomeOf } from '../../../../shared/outcome';
import { failed, notChecked, passed, type Finding } from '../../../../shared/setupChecks';
import { TokenError } from '../../../../shared/token/tokenErrors';
import { acquireToken, type AccessToken } from '../../../../shared/token/tokenProvider';
import { GraphClient } from '../../../../shared/transport/graphClient';
import { GraphApiError } from '../../../../shared/transport/graphErrors';
import type { HttpClient } from '../../../../shared/transport/httpClient';
import { unanswered } from './words';
import type { SenderChoice } from './senderChoice';

// As for the credential test: one retry, and an answer within seconds, so a scheduled check never hangs.
const TIMEOUT_MS = 20_000;
const RETRY = { maxRetries: 1, maxTotalMs: 15_000, baseDelayMs: 500, maxDelayMs: 5_000 };
const AFTER_SIGN_IN = 'Fix sign-in first (see the signIn finding), then run Check Setup again.';

export interface GraphCheckInput {
	settings: GraphSettings;
	sender: SenderChoice;
	http: HttpClient;
}

/** Sign-in, permissions in the token, the sender probe, the scope probe and the read probe: five findings, never a throw. */
export async function graphChecks(input: GraphCheckInput): Promise<Finding[]> {
	const { settings, sender } = input;
	const signIn = await signInFinding(settings, input.http);
	if (!signIn.token) {
		const skipped = (check: string) =>
			notChecked(check, 'Not checked: sign-in failed.', AFTER_SIGN_IN);
		return [
			signIn.finding,
			skipped('permissions'),
			skipped('senderProbe'),
			skipped('scopeProbe'),
			skipped('mailRead'),
		];
	}
	const token = signIn.token;
	const graph = new GraphClient(
		settings.graphEndpoint,
		{ getToken: async () => token.token },
		input.http,
		{ timeoutMs: TIMEOUT_MS, retry: RETRY },
	);
	const probe = sender.problem ?? (await senderProbe(graph, settings, sender.mailbox));
	const scope = await scopeFinding(graph, settings, sender.mailbox, probe);
	const read = sender.problem
		? notChecked('mailRead', 'Not checked: no usable sender mailbox.')
		: await probeRead(graph, settings, sender.mailbox);
	return [signIn.finding, permissionsFinding(settings, token, probe, scope), probe, scope, read];
}

async function signInFinding(
	settings: GraphSettings,
	http: HttpClient,
): Promise<{ finding: Finding; token?: AccessToken }> {
	// A fresh token, never the cache: a secret that was rotated or revoked since the last run shows now.
	const got = await outcomeOf(() =>
		acquireToken(settings, { fresh: true, timeoutMs: TIMEOUT_MS, http }),
	);
	if (!got.ok) {
		const error = got.error;
		const detail = error instanceof TokenError ? error.message : unanswered(error);
		const field =
			error instanceof TokenError && error.field ? ` (credential field "${error.field}")` : '';
		const fix = `Correct the credential${field} as the detail says and save it (saving runs the credential test), then run Check Setup again.`;
		return { finding: failed('signIn', 'error', detail, fix) };
	}
	const { claims } = got.value;
	if (isGuid(settings.tenantId) && claims.tid && claims.tid.toLowerCase() !== settings.tenantId) {
		const detail = `Microsoft issued the token for tenant ${claims.tid}, not for the Directory (Tenant) ID ${settings.tenantId} of the credential.`;
		const fix =
			"Copy the tenant ID again from the app registration's Overview page into the credential.";
		return { finding: failed('signIn', 'error', detail, fix) };
	}
	const auth =
		settings.auth.kind === 'clientSecret'
			? 'a client secret'
			: `a certificate (SHA-256 thumbprint ${settings.auth.certificate.thumbprintSha256})`;
	const app = claims.appDisplayName ? `"${claims.appDisplayName}" ` : '';
	const detail = `App ${app}${settings.clientId} signed in to tenant ${claims.tid ?? settings.tenantId} (${settings.cloudLabel} cloud) with ${auth}; fresh token, not from a cache.`;
	return { finding: passed('signIn', detail), token: got.value };
}

const CONSENT =
	'In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send (not the Delegated one) and click "Grant admin consent". If you grant Mail.Send through Exchange RBAC for Applications on purpose, do not add it in Entra (that would lift the scoping): fix the sender probe instead.';

const SCOPE_IT =
	"Limit the app to its sending mailboxes: in Exchange Online PowerShell, an application access policy (New-ApplicationAccessPolicy) or RBAC for Applications with a management scope (then remove Mail.Send from the app's Entra API permissions). Then enter a mailbox the app must not use in the credential's Mailbox Outside the App's Scope, so Check Setup can prove the scoping.";

/**
 * Exchange decides, not the token: an app scoped through RBAC for Applications has no Mail.Send role in its token
 * and still sends (https://learn.microsoft.com/exchange/permissions-exo/application-rbac), so a passing sender
 * probe settles `permissions`. A tenant-wide Entra grant that no scoping was shown to limit is a warning.
 */
function permissionsFinding(
	settings: GraphSettings,
	token: AccessToken,
	probe: Finding,
	scope: Finding,
): Finding {
	const { roles, hasRolesClaim } = token.claims;
	const listed = hasRolesClaim ? roles.join(', ') || 'none' : 'none (no roles claim)';
	if (roles.includes('Mail.Send') && scope.ok)
		return passed(
			'permissions',
			`Application permissions in the token: ${listed}. Exchange limits the app to its scope: the scope probe passed.`,
		);
	if (roles.includes('Mail.Send'))
		return failed(
			'permissions',
			'warning',
			`Application permissions in the token: ${listed}. Mail.Send granted in Entra lets the app send as every mailbox in the tenant, and no Exchange scoping was shown to limit it.`,
			SCOPE_IT,
		);
	// Exchange RBAC for Applications grants Mail.Send outside Entra, so the token does not show it
	// (https://learn.microsoft.com/exchange/permissions-exo/application-rbac); the probe proves it instead.
	if (probe.ok)
		return passed(
			'permissions',
			`Application permissions in the token: ${listed}. Mail.Send is granted through Exchange RBAC for Applications: the sender probe passed.`,
		);
	const detail = `The token of app ${settings.clientId} carries no Mail.Send application permission (application permissions: ${listed}), and no sender probe proved an Exchange RBAC grant.`;
	return failed('permissions', 'error', detail, CONSENT);
}

async function senderProbe(
	graph: GraphClient,
	settings: GraphSettings,
	mailbox: string,
): Promise<Finding> {
	const probed = await outcomeOf(() => probeMailbox(graph, mailbox));
	if (probed.ok)
		return passed(
			'senderProbe',
			`${mailbox} can send: Exchange accepted a probe message without recipients (nothing was delivered).`,
		);
	if (!(probed.error instanceof GraphApiError))
		return failed(
			'senderProbe',
			'warning',
			unanswered(probed.error),
			'Run Check Setup again later.',
		);
	const advice = adviseGraphError(probed.error, {
		mailbox,
		clientId: settings.clientId,
		permission: 'Mail.Send',
	});
	return {
		...failed(
			'senderProbe',
			'error',
			advice.message,
			'Follow the detail; Exchange changes can take up to 2 hours, then run Check Setup again.',
		),
		reason: advice.reason,
	};
}

async function scopeFinding(
	graph: GraphClient,
	settings: GraphSettings,
	sender: string,
	probe: Finding,
): Promise<Finding> {
	const outside = settings.scopeCheckMailbox;
	if (!outside)
		return notChecked(
			'scopeProbe',
			"Mailbox Outside the App's Scope is empty in the credential, so whether Exchange limits the app to its sending mailboxes was not checked.",
			"Enter a mailbox the app must not send from (e.g. an executive's) in the credential's Mailbox Outside the App's Scope.",
		);
	if (outside.toLowerCase() === sender.toLowerCase())
		return failed(
			'scopeProbe',
			'error',
			`The Sender ${sender} is the credential's Mailbox Outside the App's Scope.`,
			'Use a different Sender, or a different mailbox outside the scope.',
		);
	// A refusal proves the scoping only after the app was shown to be able to send at all.
	if (!probe.ok)
		return notChecked(
			'scopeProbe',
			`Not checked: the scoping of ${outside} can only be proven once the sender probe passes.`,
			'Fix the sender probe first, then run Check Setup again.',
		);
	const scoped = await outcomeOf(() => probeScope(graph, settings, outside));
	if (scoped.ok) return scoped.value;
	return failed('scopeProbe', 'warning', unanswered(scoped.error), 'Run Check Setup again later.');
}
