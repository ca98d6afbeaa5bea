import { createHash } from 'node:crypto';

import { outcomeOfSync } from '../outcome';
import { loadCertificate, type CertificateMaterial } from './certificate';
import { CLOUDS, isCloudName, type CloudName } from './clouds';
import { CredentialConfigError } from './errors';
import { isDomain, isGuid, isMailboxId, MAILBOX_HINT } from './identifiers';
import { readScopeCheckMailbox, readSenderDefaults } from './senderDefaults';
import { parseSenderRules, type SenderRule } from './senderRules';
import type { Recipient } from '../address/recipients';

export type ClientAuth =
	| { kind: 'clientSecret'; clientSecret: string }
	| { kind: 'certificate'; certificate: CertificateMaterial };

/** A validated, normalised credential. Built once per run from n8n's decrypted credential data. */
export interface GraphSettings {
	cloud: CloudName;
	cloudLabel: string;
	/** https origin of the identity platform, no trailing slash. */
	authorityHost: string;
	/** https origin of Microsoft Graph, no trailing slash. */
	graphEndpoint: string;
	tenantId: string;
	clientId: string;
	auth: ClientAuth;
	senderMailbox?: string;
	allowedSenders: SenderRule[];
	testRecipient?: string;
	/**
	 * A mailbox the app must NOT be able to send from; the credential test probes it to prove the
	 * Exchange scoping.
	 */
	scopeCheckMailbox?: string;
	/** Display name for From when the node's From Name is empty (node values win). */
	senderName?: string;
	/**
	 * Reply-To addresses when the node's Reply To is empty (node values win); empty list when not
	 * set.
	 */
	replyTo: Recipient[];
	/** Hash of every field that affects the token: a changed secret never reuses a cached token. */
	cacheKey: string;
}

type Raw = Record<string, unknown>;

function text(raw: Raw, field: string): string {
	const value = raw[field];
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string')
		throw new CredentialConfigError(field, `The credential field "${field}" must be text.`);
	return value.trim();
}

/** A field left empty: its feature (Allowed Senders) is then not in use and its parser need not run. */
function given(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/** Accepts an https origin ("https://host[:port]", optional trailing slash) and nothing else. */
function httpsOrigin(raw: Raw, field: string, label: string): string {
	const value = text(raw, field);
	if (!value)
		throw new CredentialConfigError(field, `${label} is required when Cloud is "Custom".`);
	const parsed = outcomeOfSync(() => new URL(value));
	if (!parsed.ok)
		throw new CredentialConfigError(
			field,
			`${label} must be a URL such as https://login.microsoftonline.com.`,
		);
	const url = parsed.value;
	if (url.protocol !== 'https:')
		throw new CredentialConfigError(
			field,
			`${label} must use https:// (Microsoft identity and Graph only accept TLS).`,
		);
	if (
		url.username ||
		url.password ||
		url.search ||
		url.hash ||
		(url.pathname !== '/' && url.pathname !== '')
	) {
		throw new CredentialConfigError(
			field,
			`${label} must be just the scheme and host (e.g. https://graph.microsoft.com), without a path, query or user info.`,
		);
	}
	return url.origin;
}

function tenant(raw: Raw): string {
	const value = text(raw, 'tenantId');
	if (!value)
		throw new CredentialConfigError(
			'tenantId',
			"Directory (Tenant) ID is required: copy it from the app registration's Overview page.",
		);
	if (/^(common|organizations|consumers)$/i.test(value)) {
		throw new CredentialConfigError(
			'tenantId',
			`"${value}" is not a tenant: app-only (client credentials) access needs your own Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com.`,
		);
	}
	if (!isGuid(value) && !isDomain(value)) {
		throw new CredentialConfigError(
			'tenantId',
			'Directory (Tenant) ID must be a GUID (Entra admin center › Overview › Tenant ID) or a verified domain such as contoso.onmicrosoft.com.',
		);
	}
	return value.toLowerCase();
}

function clientAuth(raw: Raw): ClientAuth {
	const kind = text(raw, 'authentication') || 'clientSecret';
	if (kind === 'clientSecret') {
		const clientSecret = text(raw, 'clientSecret');
		if (!clientSecret) {
			throw new CredentialConfigError(
				'clientSecret',
				'Client Secret is required: create one under Certificates & secrets and paste its Value.',
			);
		}
		return { kind, clientSecret };
	}
	if (kind === 'certificate') {
		const certificate = text(raw, 'certificate');
		const privateKey = text(raw, 'privateKey');
		if (!certificate)
			throw new CredentialConfigError(
				'certificate',
				'Certificate is required for certificate authentication.',
			);
		if (!privateKey)
			throw new CredentialConfigError(
				'privateKey',
				'Private Key is required for certificate authentication.',
			);
		// Passphrases are taken as typed: spaces can be part of them.
		const passphrase = typeof raw.privateKeyPassphrase === 'string' ? raw.privateKeyPassphrase : '';
		return { kind, certificate: loadCertificate(certificate, privateKey, passphrase) };
	}
	throw new CredentialConfigError(
		'authentication',
		'Authentication must be "Client Secret" or "Certificate".',
	);
}

function cacheKeyOf(
	raw: Raw,
	parts: Omit<
		GraphSettings,
		| 'cacheKey'
		| 'senderMailbox'
		| 'allowedSenders'
		| 'testRecipient'
		| 'cloudLabel'
		| 'scopeCheckMailbox'
		| 'senderName'
		| 'replyTo'
	>,
): string {
	const secretParts =
		parts.auth.kind === 'clientSecret'
			? [parts.auth.clientSecret]
			: [
					String(raw.certificate ?? ''),
					String(raw.privateKey ?? ''),
					String(raw.privateKeyPassphrase ?? ''),
				];
	return createHash('sha256')
		.update(
			JSON.stringify([
				parts.cloud,
				parts.authorityHost,
				parts.graphEndpoint,
				parts.tenantId,
				parts.clientId,
				parts.auth.kind,
				...secretParts,
			]),
		)
		.digest('hex');
}

export function readGraphSettings(raw: Raw): GraphSettings {
	const cloudValue = text(raw, 'cloud') || 'global';
	if (!isCloudName(cloudValue)) {
		throw new CredentialConfigError(
			'cloud',
			`Cloud "${cloudValue}" is unknown. Choose Global, US Government (GCC High or DoD), China or Custom.`,
		);
	}
	const hosts =
		cloudValue === 'custom'
			? {
					label: 'Custom',
					authorityHost: httpsOrigin(raw, 'authorityHost', 'Authority Host'),
					graphEndpoint: httpsOrigin(raw, 'graphEndpoint', 'Graph Endpoint'),
				}
			: CLOUDS[cloudValue];
	const tenantId = tenant(raw);
	const clientId = text(raw, 'clientId');
	if (!isGuid(clientId)) {
		throw new CredentialConfigError(
			'clientId',
			"Application (Client) ID must be the GUID shown on the app registration's Overview page (not the object ID, not the secret).",
		);
	}
	const auth = clientAuth(raw);

	const senderMailbox = text(raw, 'senderMailbox');
	if (senderMailbox && !isMailboxId(senderMailbox)) {
		throw new CredentialConfigError(
			'senderMailbox',
			`Default Sender Mailbox is not a valid mailbox. ${MAILBOX_HINT}`,
		);
	}
	// Checked by the credential test only: a bad Test Recipient must not stop the node, which never
	// uses it.
	const testRecipient = text(raw, 'testRecipient').replace(/^.*<(.+)>$/, '$1');
	const core = {
		cloud: cloudValue,
		authorityHost: hosts.authorityHost,
		graphEndpoint: hosts.graphEndpoint,
		tenantId,
		clientId: clientId.toLowerCase(),
		auth,
	};
	return {
		...core,
		cloudLabel: hosts.label,
		senderMailbox: senderMailbox || undefined,
		allowedSenders: given(raw.allowedSenders) ? parseSenderRules(raw.allowedSenders) : [],
		testRecipient: testRecipient || undefined,
		scopeCheckMailbox: readScopeCheckMailbox(raw, senderMailbox || undefined),
		...readSenderDefaults(raw),
		cacheKey: cacheKeyOf(raw, core),
	};
}
