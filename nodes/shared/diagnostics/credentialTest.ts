import { outcomeOf, outcomeOfSync } from '../outcome';
import { CredentialConfigError } from '../credential/errors';
import { isGuid, isMailboxId } from '../credential/identifiers';
import { describeSenderRules, isSenderAllowed } from '../credential/senderRules';
import { readGraphSettings, type GraphSettings } from '../credential/settings';
import { TokenError } from '../token/tokenErrors';
import { acquireToken, type AccessToken } from '../token/tokenProvider';
import { GraphClient } from '../transport/graphClient';
import { nodeHttpClient, type HttpClient } from '../transport/httpClient';
import { CredentialTestFailure, failFromGraph } from './credentialTestFailure';
import { TRACE_PERMISSION, traceFromToken } from './traceAvailability';
import {
	certificateDaysLeft as certificateDaysLeftOf,
	certificateFinding,
	probeMailbox,
	probeScope,
	type SetupFinding,
} from './probes';
import { probeRead } from './readProbe';

export { CredentialTestFailure };

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
	/** Whether the app can read the Default Sender Mailbox (the Mail Trigger's need): a finding, never a failure. */
	readProbe?: SetupFinding;
	testMessage?: { recipient: string; requestId?: string };
	/** Whether message trace (Get Delivery Status) looks usable, read from the token; optional, never a failure. */
	messageTrace: string;
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
 * What the credential test runs (n8n runs it when the credential is saved, and again on Retry). Every failure is a CredentialTestFailure whose message names the cause,
 * the fix and Microsoft's code, and never contains a secret, key, passphrase or token.
 */
export async function runCredentialTest(
	raw: Record<string, unknown>,
	http: HttpClient = nodeHttpClient,
): Promise<CredentialTestReport> {
	const settings = readTestSettings(raw);
	checkTestSettings(settings);
	const token = await freshToken(settings, http);
	checkClaims(settings, token);
	const graph = graphFor(settings, token, http);
	const scopeProbe = await probeMailboxes(graph, settings, token);
	const certificate = certificateFinding(settings);
	const parts = verifiedParts(settings, token, certificate, scopeProbe);
	const readProbe = settings.senderMailbox
		? await probeRead(graph, settings, settings.senderMailbox)
		: undefined;
	if (readProbe) parts.push(readProbe.detail);
	const messageTrace =
		traceFromToken(settings, token.claims)?.detail ??
		`Message trace (Get Delivery Status): the app has ${TRACE_PERMISSION}; run Check Setup to prove it answers.`;
	const testMessage = await sendTestMessage(graph, settings, token, parts, messageTrace);
	return {
		authorityHost: settings.authorityHost,
		tenantId: settings.tenantId,
		summary: `Verified: ${parts.join('; ')}.`,
		roles: token.claims.roles,
		mailboxProbe: settings.senderMailbox ? 'reachable' : undefined,
		scopeProbe,
		certificateDaysLeft: certificate ? certificateDaysLeftOf(settings) : undefined,
		readProbe,
		testMessage,
		messageTrace,
	};
}

function readTestSettings(raw: Record<string, unknown>): GraphSettings {
	const read = outcomeOfSync(() => readGraphSettings(raw));
	if (read.ok) return read.value;
	if (read.error instanceof CredentialConfigError)
		throw new CredentialTestFailure(`invalid:${read.error.field}`, read.error.message);
	throw read.error;
}

/** Field combinations the node would refuse, or the test could not run with, fail before any request. */
function checkTestSettings(settings: GraphSettings): void {
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
}

/** A fresh token, never from a cache: a rotated or revoked secret shows at once. */
async function freshToken(settings: GraphSettings, http: HttpClient): Promise<AccessToken> {
	const acquired = await outcomeOf(() =>
		acquireToken(settings, { fresh: true, timeoutMs: TEST_TIMEOUT_MS, http }),
	);
	if (acquired.ok) return acquired.value;
	if (acquired.error instanceof TokenError)
		throw new CredentialTestFailure(acquired.error.reason, acquired.error.message);
	throw acquired.error;
}

/** Reads the token's claims locally: no extra Graph permission is needed for this. */
function checkClaims(settings: GraphSettings, { claims }: AccessToken): void {
	if (isGuid(settings.tenantId) && claims.tid && claims.tid.toLowerCase() !== settings.tenantId) {
		throw new CredentialTestFailure(
			'tenantMismatch',
			`Microsoft issued the token for tenant ${claims.tid}, not for the Directory (tenant) ID ${settings.tenantId} entered here. Copy the tenant ID again from the app registration's Overview page.`,
		);
	}
	// With a mailbox the probe decides: Exchange RBAC for Applications can grant Mail.Send without a role.
	if (settings.senderMailbox) return;
	if (!claims.hasRolesClaim) {
		throw new CredentialTestFailure(
			'consentMissing',
			'Sign-in works, but admin consent is missing: the token carries no application permissions. Add Microsoft Graph › Application permissions › Mail.Send and click "Grant admin consent". (If you grant Mail.Send through Exchange RBAC for Applications instead, fill in Default Sender Mailbox so the credential test can check that mailbox.)',
		);
	}
	if (!claims.roles.includes('Mail.Send')) {
		throw new CredentialTestFailure(
			'missingMailSend',
			`Sign-in works, but the app's application permissions (${claims.roles.join(', ')}) do not include Mail.Send. Add Microsoft Graph › Application permissions › Mail.Send and grant admin consent.`,
		);
	}
}

/** Probes the sender mailbox (and the out-of-scope one, when set) without delivering anything. */
async function probeMailboxes(
	graph: GraphClient,
	settings: GraphSettings,
	{ claims }: AccessToken,
): Promise<SetupFinding | undefined> {
	const mailbox = settings.senderMailbox;
	if (!mailbox) return undefined;
	const probed = await outcomeOf(() => probeMailbox(graph, mailbox));
	if (!probed.ok) failFromGraph(probed.error, settings, mailbox, claims);
	const scope = settings.scopeCheckMailbox;
	if (!scope) return undefined;
	const scoped = await outcomeOf(() => probeScope(graph, settings, scope));
	if (!scoped.ok) failFromGraph(scoped.error, settings, scope, claims);
	const scopeProbe = scoped.value;
	if (!scopeProbe.ok)
		throw new CredentialTestFailure(scopeProbe.reason, `${scopeProbe.detail} ${scopeProbe.fix}`);
	return scopeProbe;
}

/**
 * What was verified. n8n's editor shows its own fixed success banner, so the summary also goes into the test
 * message, where the admin can read it.
 */
function verifiedParts(
	settings: GraphSettings,
	{ claims }: AccessToken,
	certificate: SetupFinding | undefined,
	scopeProbe: SetupFinding | undefined,
): string[] {
	const auth =
		settings.auth.kind === 'clientSecret'
			? 'a client secret'
			: `a certificate (SHA-256 thumbprint ${settings.auth.certificate.thumbprintSha256})`;
	const permissions = claims.hasRolesClaim
		? claims.roles.join(', ') || 'none'
		: 'none in the token (granted through Exchange RBAC for Applications)';
	const parts = [
		`Tenant ${claims.tid ?? settings.tenantId} (${settings.cloudLabel} cloud)`,
		`app ${claims.appDisplayName ? `"${claims.appDisplayName}" ` : ''}${settings.clientId} signed in with ${auth}`,
		`application permissions: ${permissions}`,
	];
	if (certificate) parts.push(certificate.detail);
	if (settings.senderMailbox)
		parts.push(`mailbox ${settings.senderMailbox} can send (probe only, nothing delivered)`);
	if (scopeProbe) parts.push(scopeProbe.detail);
	return parts;
}

/** Sends the optional real test message; adds its line to `parts`. */
async function sendTestMessage(
	graph: GraphClient,
	settings: GraphSettings,
	{ claims }: AccessToken,
	parts: string[],
	optional: string,
): Promise<CredentialTestReport['testMessage']> {
	const mailbox = settings.senderMailbox;
	const recipient = settings.testRecipient;
	if (!mailbox || !recipient) return undefined;
	const sent = await outcomeOf(() =>
		graph.request({
			operation: 'test message',
			method: 'POST',
			url: graph.userUrl(mailbox, 'sendMail'),
			json: testMessageOf(mailbox, recipient, parts, optional),
			authenticated: true,
			replay: 'notIfSent',
		}),
	);
	if (!sent.ok) failFromGraph(sent.error, settings, mailbox, claims);
	const { requestId } = sent.value;
	parts.push(`test message sent to ${recipient}${requestId ? ` (request-id ${requestId})` : ''}`);
	return { recipient, requestId };
}

function testMessageOf(mailbox: string, recipient: string, parts: string[], optional: string) {
	return {
		message: {
			subject: 'n8n: Microsoft Graph Client Credentials test message',
			body: {
				contentType: 'Text',
				content: `This message was sent by the test of an n8n credential (run on save or Retry) at ${new Date().toISOString()}: the app can send mail as ${mailbox}.\n\nVerified: ${parts.join(';\n')}.\n\nOptional: ${optional}`,
			},
			toRecipients: [{ emailAddress: { address: recipient } }],
		},
	};
}
