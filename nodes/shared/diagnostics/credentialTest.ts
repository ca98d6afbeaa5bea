import { outcomeOf, outcomeOfSync } from '../outcome';
import { CredentialConfigError } from '../credential/errors';
import { isGuid, isMailboxId } from '../credential/identifiers';
import { describeSenderRules, isSenderAllowed } from '../credential/senderRules';
import { readGraphSettings, type GraphSettings } from '../credential/settings';
import { TokenError } from '../token/tokenErrors';
import { acquireToken, type AccessToken } from '../token/tokenProvider';
import { GraphClient } from '../transport/graphClient';
import { GraphApiError, NetworkError, DeliveryUnknownError } from '../transport/graphErrors';
import { nodeHttpClient, type HttpClient } from '../transport/httpClient';
import { sayNetworkCodes } from '../transport/networkWords';
import { adviseGraphError } from './graphAdvice';
import {
	certificateDaysLeft as certificateDaysLeftOf,
	certificateFinding,
	probeMailbox,
	probeScope,
	type SetupFinding,
} from './probes';

/** Why the credential test failed, as a stable name (tests and docs use it) plus the admin-facing message. */
export class CredentialTestFailure extends Error {
	constructor(
		readonly reason: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialTestFailure';
	}
}

export interface CredentialTestReport {
	/** Where the tenant's public sign-in metadata lives (no secrets in this report). */
	authorityHost: string;
	tenantId: string;
	/** What was verified, in an admin's words. */
	summary: string;
	roles: string[];
	mailboxProbe?: 'reachable';
	/** The scope probe's finding, when Mailbox Outside the App's Scope is set (only passing ones get here). */
	scopeProbe?: SetupFinding;
	/** Days left on the certificate; undefined for a client secret. */
	certificateDaysLeft?: number;
	testMessage?: { recipient: string; requestId?: string };
}

const TEST_TIMEOUT_MS = 20_000;
const TEST_RETRY = { maxRetries: 1, maxTotalMs: 15_000, baseDelayMs: 500, maxDelayMs: 5_000 };

function graphFor(settings: GraphSettings, token: AccessToken, http: HttpClient): GraphClient {
	return new GraphClient(settings.graphEndpoint, { getToken: async () => token.token }, http, {
		timeoutMs: TEST_TIMEOUT_MS,
		retry: TEST_RETRY,
	});
}

/**
 * Exchange RBAC for Applications grants Mail.Send outside Entra (the token then carries no such role), and
 * Entra grants add to it, so "add Mail.Send in Entra" would undo a deliberate scoping
 * (https://learn.microsoft.com/exchange/permissions-exo/application-rbac).
 */
const RBAC_CAVEAT = (mailbox: string) =>
	`If you grant Mail.Send through Exchange RBAC for Applications on purpose, do not add it in Entra (that would lift the scoping): check instead that ${mailbox} is in the app's management scope with Test-ServicePrincipalAuthorization, and allow 30 minutes to 2 hours for new assignments.`;

function failFromGraph(
	error: unknown,
	settings: GraphSettings,
	mailbox: string,
	roles: string[],
	hasRolesClaim: boolean,
): never {
	if (error instanceof GraphApiError) {
		const advice = adviseGraphError(error, {
			mailbox,
			clientId: settings.clientId,
			permission: 'Mail.Send',
		});
		if (advice.reason === 'accessDenied' && hasRolesClaim && !roles.includes('Mail.Send')) {
			throw new CredentialTestFailure(
				'missingMailSend',
				`The app has application permissions (${roles.join(', ')}) but not Mail.Send. In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send (not the Delegated one) and click "Grant admin consent". ${RBAC_CAVEAT(mailbox)} (${error.status} ${error.code})`,
			);
		}
		if (advice.reason === 'noPermissions' || (advice.reason === 'accessDenied' && !hasRolesClaim)) {
			throw new CredentialTestFailure(
				'consentMissing',
				`Admin consent is missing: the app's token carries no application permissions. In Entra admin center › App registrations › your app › API permissions, add Microsoft Graph › Application permissions › Mail.Send and click "Grant admin consent for <your tenant>" (the status must turn green). ${RBAC_CAVEAT(mailbox)} (${error.status} ${error.code})`,
			);
		}
		throw new CredentialTestFailure(advice.reason, advice.message);
	}
	if (error instanceof NetworkError || error instanceof DeliveryUnknownError) {
		throw new CredentialTestFailure(
			'graphUnreachable',
			`Cannot get an answer from Microsoft Graph at ${settings.graphEndpoint}: ${sayNetworkCodes(error.message)}. Check the network, proxy (HTTPS_PROXY) and Cloud.`,
		);
	}
	throw error;
}

/**
 * What the credential test runs (n8n runs it when the credential is saved, and again on Retry). Every failure is a CredentialTestFailure whose message names the cause,
 * the fix and Microsoft's code, and never contains a secret, key, passphrase or token.
 */
export async function runCredentialTest(
	raw: Record<string, unknown>,
	http: HttpClient = nodeHttpClient,
): Promise<CredentialTestReport> {
	const read = outcomeOfSync(() => readGraphSettings(raw));
	if (!read.ok) {
		if (read.error instanceof CredentialConfigError)
			throw new CredentialTestFailure(`invalid:${read.error.field}`, read.error.message);
		throw read.error;
	}
	const settings = read.value;
	const mailbox = settings.senderMailbox;
	if (mailbox && !isSenderAllowed(settings.allowedSenders, mailbox)) {
		throw new CredentialTestFailure(
			'senderNotAllowed',
			`Default Sender Mailbox ${mailbox} is not in Allowed Senders (${describeSenderRules(settings.allowedSenders)}): the node would refuse it. Add it or change the default.`,
		);
	}
	if (settings.testRecipient && !isMailboxId(settings.testRecipient)) {
		throw new CredentialTestFailure(
			'invalid:testRecipient',
			'Test Recipient must be one e-mail address, e.g. admin@contoso.com.',
		);
	}
	if (settings.testRecipient && !mailbox) {
		throw new CredentialTestFailure(
			'invalid:senderMailbox',
			'Test Recipient needs a Default Sender Mailbox to send the test message from.',
		);
	}
	// Only after the sender probe passed does a refusal for the other mailbox prove the scoping, not a lack of
	// Mail.Send.
	if (settings.scopeCheckMailbox && !mailbox) {
		throw new CredentialTestFailure(
			'invalid:senderMailbox',
			"Mailbox Outside the App's Scope needs a Default Sender Mailbox: the test first proves the app can send from that one, so that a refusal for the other mailbox can only come from the Exchange scoping.",
		);
	}

	// 1. A fresh token, never from a cache: a rotated or revoked secret shows at once.
	const acquired = await outcomeOf(() =>
		acquireToken(settings, { fresh: true, timeoutMs: TEST_TIMEOUT_MS, http }),
	);
	if (!acquired.ok) {
		if (acquired.error instanceof TokenError)
			throw new CredentialTestFailure(acquired.error.reason, acquired.error.message);
		throw acquired.error;
	}
	const token = acquired.value;

	// 2. Read the token's claims locally: no extra Graph permission is needed for this.
	const { claims } = token;
	if (isGuid(settings.tenantId) && claims.tid && claims.tid.toLowerCase() !== settings.tenantId) {
		throw new CredentialTestFailure(
			'tenantMismatch',
			`Microsoft issued the token for tenant ${claims.tid}, not for the Directory (tenant) ID ${settings.tenantId} entered here. Copy the tenant ID again from the app registration's Overview page.`,
		);
	}
	const roles = claims.roles;
	if (!mailbox) {
		if (!claims.hasRolesClaim) {
			throw new CredentialTestFailure(
				'consentMissing',
				'Sign-in works, but admin consent is missing: the token carries no application permissions. Add Microsoft Graph › Application permissions › Mail.Send and click "Grant admin consent". (If you grant Mail.Send through Exchange RBAC for Applications instead, fill in Default Sender Mailbox so the credential test can check that mailbox.)',
			);
		}
		if (!roles.includes('Mail.Send')) {
			throw new CredentialTestFailure(
				'missingMailSend',
				`Sign-in works, but the app's application permissions (${roles.join(', ')}) do not include Mail.Send. Add Microsoft Graph › Application permissions › Mail.Send and grant admin consent.`,
			);
		}
	}

	// 3. Probe the sender mailbox without delivering anything.
	const graph = graphFor(settings, token, http);
	if (mailbox) {
		const probed = await outcomeOf(() => probeMailbox(graph, mailbox));
		if (!probed.ok) failFromGraph(probed.error, settings, mailbox, roles, claims.hasRolesClaim);
	}
	let scopeProbe: SetupFinding | undefined;
	if (mailbox && settings.scopeCheckMailbox) {
		const scope = settings.scopeCheckMailbox;
		const probed = await outcomeOf(() => probeScope(graph, settings, scope));
		if (!probed.ok) failFromGraph(probed.error, settings, scope, roles, claims.hasRolesClaim);
		scopeProbe = probed.value;
		if (!scopeProbe.ok)
			throw new CredentialTestFailure(scopeProbe.reason, `${scopeProbe.detail} ${scopeProbe.fix}`);
	}
	const certificate = certificateFinding(settings);

	// 5. Say what was verified. n8n's editor shows its own fixed success banner, so the summary also goes into
	// the test message (step 4), where the admin can read it.
	const auth =
		settings.auth.kind === 'clientSecret'
			? 'a client secret'
			: `a certificate (SHA-256 thumbprint ${settings.auth.certificate.thumbprintSha256})`;
	const permissions = claims.hasRolesClaim
		? roles.join(', ') || 'none'
		: 'none in the token (granted through Exchange RBAC for Applications)';
	const parts = [
		`Tenant ${claims.tid ?? settings.tenantId} (${settings.cloudLabel} cloud)`,
		`app ${claims.appDisplayName ? `"${claims.appDisplayName}" ` : ''}${settings.clientId} signed in with ${auth}`,
		`application permissions: ${permissions}`,
	];
	if (certificate) parts.push(certificate.detail);
	if (mailbox) parts.push(`mailbox ${mailbox} can send (probe only, nothing delivered)`);
	if (scopeProbe) parts.push(scopeProbe.detail);

	// 4. Optionally send a real test message.
	let testMessage: CredentialTestReport['testMessage'];
	if (mailbox && settings.testRecipient) {
		const recipient = settings.testRecipient;
		const sent = await outcomeOf(() =>
			graph.request({
				operation: 'test message',
				method: 'POST',
				url: graph.userUrl(mailbox, 'sendMail'),
				json: {
					message: {
						subject: 'n8n: Microsoft Graph Client Credentials test message',
						body: {
							contentType: 'Text',
							content: `This message was sent by the test of an n8n credential (run on save or Retry) at ${new Date().toISOString()}: the app can send mail as ${mailbox}.\n\nVerified: ${parts.join(';\n')}.`,
						},
						toRecipients: [{ emailAddress: { address: recipient } }],
					},
				},
				authenticated: true,
				replay: 'notIfSent',
			}),
		);
		if (!sent.ok) failFromGraph(sent.error, settings, mailbox, roles, claims.hasRolesClaim);
		testMessage = { recipient, requestId: sent.value.requestId };
		parts.push(
			`test message sent to ${recipient}${sent.value.requestId ? ` (request-id ${sent.value.requestId})` : ''}`,
		);
	}
	return {
		authorityHost: settings.authorityHost,
		tenantId: settings.tenantId,
		summary: `Verified: ${parts.join('; ')}.`,
		roles,
		mailboxProbe: mailbox ? 'reachable' : undefined,
		scopeProbe,
		certificateDaysLeft: certificate ? certificateDaysLeftOf(settings) : undefined,
		testMessage,
	};
}
