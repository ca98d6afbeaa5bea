import { X509Certificate } from 'node:crypto';

import { normalizePem } from '../credential/certificate';
import { outcomeOfSync } from '../outcome';
import { failed, passed, type Finding } from './finding';

/**
 * How long the credential's sign-in material stays valid. A certificate's end date is in its PEM; a
 * client secret's is not readable with app-only Mail.Send (it sits on the application object, which
 * needs Application.Read.All), so for secrets the finding only reminds the admin to note the date.
 */
export const WARN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const RENEW =
	'Create a new certificate, upload its public part in Entra admin center › App registrations › <your app> › Certificates & secrets › Certificates › Upload certificate, put the new certificate and key into this credential, then delete the old certificate there.';

/**
 * Whole days until `notAfter`, rounded down (the credential test and Check Setup count the same
 * way).
 */
export function daysLeft(notAfter: Date, now: Date): number {
	return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

export interface CredentialExpiryInput {
	authentication: 'clientSecret' | 'certificate';
	/** The credential's Certificate field (PEM), for certificate sign-in. */
	certificate?: string;
	now?: Date;
}

export function checkCredentialExpiry(input: CredentialExpiryInput): Finding {
	if (input.authentication !== 'certificate') {
		return passed(
			'credentialExpiry',
			"This credential signs in with a client secret. A secret's expiry date cannot be read with app-only Mail.Send access, so it is not checked; when the secret expires, sign-in fails with AADSTS7000222.",
			'Note the secret\'s "Expires" date from Entra admin center › App registrations › <your app> › Certificates & secrets › Client secrets, and create a new secret before then (or switch to a certificate).',
		);
	}
	const block = normalizePem(input.certificate ?? '').find((b) => b.label === 'CERTIFICATE');
	const parsed = block ? outcomeOfSync(() => new X509Certificate(block.pem)) : undefined;
	if (!parsed?.ok) {
		return failed(
			'credentialExpiry',
			'error',
			"The credential's Certificate field holds no readable PEM certificate, so its expiry cannot be told.",
			'Paste the public certificate uploaded to the app registration, from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----".',
		);
	}
	return verdict(parsed.value, input.now ?? new Date());
}

function verdict(cert: X509Certificate, now: Date): Finding {
	const notAfter = new Date(cert.validTo);
	const notBefore = new Date(cert.validFrom);
	const left = daysLeft(notAfter, now);
	const ends = notAfter.toISOString().slice(0, 10);
	if (notAfter.getTime() <= now.getTime()) {
		return failed(
			'credentialExpiry',
			'error',
			`The certificate expired on ${ends}; sign-in with it fails.`,
			RENEW,
		);
	}
	if (notBefore.getTime() > now.getTime()) {
		return failed(
			'credentialExpiry',
			'error',
			`The certificate is valid only from ${notBefore.toISOString().slice(0, 10)}; sign-in with it fails until then.`,
			'Check the clock of the machine that made the certificate, or use a certificate that is valid now.',
		);
	}
	if (left < WARN_DAYS) {
		return failed(
			'credentialExpiry',
			'warning',
			`The certificate expires on ${ends}, in ${left} day${left === 1 ? '' : 's'}.`,
			RENEW,
		);
	}
	return passed('credentialExpiry', `The certificate is valid until ${ends} (${left} days left).`);
}
