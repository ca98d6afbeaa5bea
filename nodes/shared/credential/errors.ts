/**
 * A problem with the credential's own values, found before any network call.
 * Messages never contain the value of a secret, key or passphrase.
 */
export class CredentialConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialConfigError';
	}
}
