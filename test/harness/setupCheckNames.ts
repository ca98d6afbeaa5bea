/**
 * The findings Check Setup outputs, in order: what the engine tests and the end-to-end section
 * expect. Kept here, not imported from the product, so a change in the product's list fails both.
 */
export const SETUP_CHECK_NAMES = [
	'signIn',
	'permissions',
	'senderProbe',
	'scopeProbe',
	'mailRead',
	'credentialExpiry',
	'spf',
	'dkim',
	'dmarc',
	'messageTrace',
];
