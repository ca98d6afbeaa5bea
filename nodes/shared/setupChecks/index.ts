/**
 * Check Setup findings that need no Graph call: sender-domain mail authentication (DNS) and
 * credential expiry.
 */
export { checkCredentialExpiry, type CredentialExpiryInput } from './credentialExpiry';
export { createDnsLookup, type DnsAnswer, type DnsLookup, type DnsOptions } from './dnsLookup';
export {
	failed,
	findingMessage,
	isFailing,
	notChecked,
	passed,
	type Finding,
	type FindingSeverity,
} from './finding';
export { checkMailAuthentication, type MailAuthenticationInput } from './mailAuthentication';
export { senderDomainOf } from './senderDomain';
