import type { GraphSettings } from '../../credential/settings';
import { failed, passed, type Finding } from '../../setupChecks/finding';
import type { TokenClaims } from '../../tokenClaims';
import type { GraphApiError } from '../../transport/graphErrors';
import { adviseGraphError } from '../graphAdvice';
import type { CheckRun, SetupCheck } from './run';
import { skippedAfterSignIn } from './signIn';

const ADD_MAIL_SEND =
	'In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send (not the Delegated one)';

/**
 * Exchange RBAC for Applications grants Mail.Send outside Entra (the token then carries no such
 * role), and Entra grants add to it, so "add Mail.Send in Entra" would undo a deliberate scoping
 * (https://learn.microsoft.com/exchange/permissions-exo/application-rbac).
 */
const RBAC_CAVEAT = (mailbox: string) =>
	`If you grant Mail.Send through Exchange RBAC for Applications on purpose, do not add it in Entra (that would lift the scoping): check instead that ${mailbox} is in the app's management scope with Test-ServicePrincipalAuthorization, and allow 30 minutes to 2 hours for new assignments.`;

const SCOPE_IT =
	"Limit the app to its sending mailboxes: in Exchange Online PowerShell, an application access policy (New-ApplicationAccessPolicy) or RBAC for Applications with a management scope (then remove Mail.Send from the app's Entra API permissions). Then enter a mailbox the app must not use in the credential's Mailbox Outside the App's Scope, so the checks can prove the scoping.";

type Claims = Pick<TokenClaims, 'roles' | 'hasRolesClaim'>;

const listed = ({ roles, hasRolesClaim }: Claims) =>
	hasRolesClaim ? roles.join(', ') || 'none' : 'none (no roles claim)';

/** No mailbox to probe: the token is all there is to go by. */
function fromToken(claims: Claims, label: string): Finding {
	if (!claims.hasRolesClaim)
		return {
			...failed(
				'permissions',
				'error',
				'Sign-in works, but admin consent is missing: the token carries no application permissions.',
				`Add Microsoft Graph › Application permissions › Mail.Send and click "Grant admin consent". (If you grant Mail.Send through Exchange RBAC for Applications instead, fill in ${label} so that mailbox can be probed.)`,
			),
			reason: 'consentMissing',
		};
	return {
		...failed(
			'permissions',
			'error',
			`Sign-in works, but the app's application permissions (${claims.roles.join(', ')}) do not include Mail.Send.`,
			'Add Microsoft Graph › Application permissions › Mail.Send and grant admin consent.',
		),
		reason: 'missingMailSend',
	};
}

/** The sender probe was refused for want of a permission the token does not show either. */
function fromRefusal(
	error: GraphApiError,
	settings: GraphSettings,
	mailbox: string,
	claims: Claims,
): Finding | undefined {
	const { reason } = adviseGraphError(error, {
		mailbox,
		clientId: settings.clientId,
		permission: 'Mail.Send',
	});
	const code = `(${error.status} ${error.code})`;
	if (reason === 'accessDenied' && claims.hasRolesClaim)
		return {
			...failed(
				'permissions',
				'error',
				`The app has application permissions (${claims.roles.join(', ')}) but not Mail.Send ${code}.`,
				`${ADD_MAIL_SEND} and click "Grant admin consent". ${RBAC_CAVEAT(mailbox)}`,
			),
			reason: 'missingMailSend',
		};
	if (reason === 'noPermissions' || reason === 'accessDenied')
		return {
			...failed(
				'permissions',
				'error',
				`Admin consent is missing: the app's token carries no application permissions ${code}.`,
				`${ADD_MAIL_SEND} and click "Grant admin consent for (your tenant)" (the status must turn green). ${RBAC_CAVEAT(mailbox)}`,
			),
			reason: 'consentMissing',
		};
	return undefined;
}

/**
 * Exchange decides, not the token: an app scoped through RBAC for Applications has no Mail.Send
 * role in its token and still sends, so a passing sender probe settles `permissions`. A tenant-wide
 * Entra grant that no scoping was shown to limit is a warning.
 */
async function judge(run: CheckRun): Promise<Finding> {
	const { token } = await run.signedIn();
	const settings = run.settings;
	if (!token || !settings) return skippedAfterSignIn('permissions', run);
	const { claims } = token;
	const inToken = `Application permissions in the token: ${listed(claims)}.`;
	if (claims.roles.includes('Mail.Send')) {
		if ((await run.result('scopeProbe')).ok)
			return passed(
				'permissions',
				`${inToken} Exchange limits the app to its scope: the scope probe passed.`,
			);
		const tenantWide = `${inToken} Mail.Send granted in Entra lets the app send as every mailbox in the tenant, and no Exchange scoping was shown to limit it.`;
		return failed('permissions', 'warning', tenantWide, SCOPE_IT);
	}
	const { mailbox, label } = run.input.sender;
	if (!mailbox) return fromToken(claims, label);
	if ((await run.result('senderProbe')).ok)
		return passed(
			'permissions',
			`${inToken} Mail.Send is granted through Exchange RBAC for Applications: the sender probe passed.`,
		);
	const refused = run.senderRefusal && fromRefusal(run.senderRefusal, settings, mailbox, claims);
	return (
		refused ??
		failed(
			'permissions',
			'warning',
			`${inToken} Mail.Send is not among them; whether Exchange RBAC for Applications grants it shows once the sender probe passes.`,
			`Fix the sender probe first. Without an Exchange grant: ${ADD_MAIL_SEND} and grant admin consent.`,
		)
	);
}

export const permissionsCheck: SetupCheck = { id: 'permissions', run: judge };
