import { outcomeOf, outcomeOfSync } from '../outcome';
import { isMailboxId } from '../credential/identifiers';
import { readGraphSettings, type GraphSettings } from '../credential/settings';
import { findingMessage, isFailing, type Finding } from '../setupChecks/finding';
import type { AccessToken } from '../token/tokenProvider';
import type { GraphClient } from '../transport/graphClient';
import { nodeHttpClient, type HttpClient } from '../transport/httpClient';
import { credentialCheckRun, defaultSenderChoice, type CheckRun } from './checks';
import { CredentialTestFailure, failFromGraph } from './credentialTestFailure';
import { certificateDaysLeft, type SetupFinding } from './probes';
import { TRACE_PERMISSION, traceFromToken } from './traceAvailability';

export { CredentialTestFailure };

export interface CredentialTestReport {
	/** Where the tenant's public sign-in metadata lives (no secrets in this report). */
	authorityHost: string;
	tenantId: string;
	/** What was verified, in an admin's words. */
	summary: string;
	roles: string[];
	mailboxProbe?: 'reachable';
	/**
	 * The scope probe's finding, when Mailbox Outside the App's Scope is set (only passing ones get
	 * here).
	 */
	scopeProbe?: SetupFinding;
	/** Days left on the certificate; undefined for a client secret. */
	certificateDaysLeft?: number;
	/**
	 * Whether the app can read the Default Sender Mailbox (the Mail Trigger's need): a finding, never
	 * a failure.
	 */
	readProbe?: SetupFinding;
	testMessage?: { recipient: string; requestId?: string };
	/**
	 * Whether message trace (Get Delivery Status) looks usable, read from the token; optional, never
	 * a failure.
	 */
	messageTrace: string;
}

/** The first failing finding, as the error n8n's credential dialog shows on Save and Retry. */
function failOn(finding: Finding): void {
	if (isFailing(finding))
		throw new CredentialTestFailure(finding.reason ?? finding.check, findingMessage(finding));
}

/**
 * What the credential test runs (n8n runs it when the credential is saved, and again on Retry): the
 * checks Check Setup runs for the credential and its Default Sender Mailbox (diagnostics/checks),
 * first those the input alone settles, then those that ask Microsoft, each in Check Setup's order;
 * the first failing finding is thrown as a CredentialTestFailure with that finding's words. Its
 * message never contains a secret, key, passphrase or token.
 */
export async function runCredentialTest(
	raw: Record<string, unknown>,
	http: HttpClient = nodeHttpClient,
): Promise<CredentialTestReport> {
	const read = outcomeOfSync(() => readGraphSettings(raw));
	const settings = read.ok ? read.value : undefined;
	const run = credentialCheckRun({ read, raw, sender: defaultSenderChoice(settings), http });
	const found = new Map<string, Finding>();
	for (const finding of run.localFindings()) failOn(finding);
	if (!settings) throw new Error('unreachable: an unreadable credential fails the signIn check');
	checkTestRecipient(settings);
	for await (const finding of run.remoteFindings()) {
		failOn(finding);
		found.set(finding.check, finding);
	}
	return report(run, settings, found);
}

/**
 * Test Recipient is the credential test's own field: it needs a sender and one address, before any
 * request.
 */
function checkTestRecipient(settings: GraphSettings): void {
	if (!settings.testRecipient) return;
	if (!isMailboxId(settings.testRecipient))
		throw new CredentialTestFailure(
			'invalid:testRecipient',
			'Test Recipient must be one e-mail address, e.g. admin@contoso.com.',
		);
	if (!settings.senderMailbox)
		throw new CredentialTestFailure(
			'invalid:senderMailbox',
			'Test Recipient needs a Default Sender Mailbox to send the test message from.',
		);
}

async function report(
	run: CheckRun,
	settings: GraphSettings,
	found: Map<string, Finding>,
): Promise<CredentialTestReport> {
	const { token, graph } = await run.signedIn();
	if (!token || !graph) throw new Error('unreachable: a failed sign-in fails the signIn check');
	const scope = found.get('scopeProbe');
	const scopeProbe = scope?.reason === 'scopeInEffect' ? (scope as SetupFinding) : undefined;
	const read = found.get('mailRead');
	const readProbe = read?.reason ? (read as SetupFinding) : undefined;
	const expiry =
		settings.auth.kind === 'certificate' ? await run.result('credentialExpiry') : undefined;
	const parts = verifiedParts(settings, token, expiry, scopeProbe);
	if (readProbe) parts.push(readProbe.detail);
	const messageTrace =
		traceFromToken(settings, token.claims)?.detail ??
		`Message trace (Get Delivery Status): the app has ${TRACE_PERMISSION}; run Check Setup to prove it answers.`;
	const testMessage = await sendTestMessage(graph, settings, parts, messageTrace);
	return {
		authorityHost: settings.authorityHost,
		tenantId: settings.tenantId,
		summary: `Verified: ${parts.join('; ')}.`,
		roles: token.claims.roles,
		mailboxProbe: settings.senderMailbox ? 'reachable' : undefined,
		scopeProbe,
		certificateDaysLeft: certificateDaysLeft(settings),
		readProbe,
		testMessage,
		messageTrace,
	};
}

/**
 * What was verified. n8n's editor shows its own fixed success banner, so the summary also goes into
 * the test message, where the admin can read it.
 */
function verifiedParts(
	settings: GraphSettings,
	{ claims }: AccessToken,
	expiry: Finding | undefined,
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
	if (expiry) parts.push(expiry.detail.replace(/\.$/, ''));
	if (settings.senderMailbox)
		parts.push(`mailbox ${settings.senderMailbox} can send (probe only, nothing delivered)`);
	if (scopeProbe) parts.push(scopeProbe.detail);
	return parts;
}

/** Sends the optional real test message; adds its line to `parts`. */
async function sendTestMessage(
	graph: GraphClient,
	settings: GraphSettings,
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
	if (!sent.ok) failFromGraph(sent.error, settings, mailbox);
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
