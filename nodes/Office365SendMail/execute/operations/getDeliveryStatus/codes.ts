/**
 * Plain words for what Exchange Online reports per recipient. The codes and their causes are
 * Microsoft's: "Email non-delivery reports and SMTP errors in Exchange Online",
 * https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online
 * (one page per code under it), and the sending limits,
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
export interface Explanation {
	meaning: string;
	fix: string;
}

const CODES: Record<string, Explanation> = {
	'5.1.10': {
		meaning:
			'The recipient address does not exist: the receiving mail system found no such mailbox.',
		fix: 'Check the address for typos, or ask the recipient for the right one; do not send to it again as is.',
	},
	'5.1.1': {
		meaning: 'The recipient mailbox does not exist at the receiving end (bad destination mailbox).',
		fix: 'Check the address; if it is in your own tenant, the mailbox may have been deleted or renamed.',
	},
	'5.1.90': {
		meaning:
			'The sender mailbox reached its daily recipient limit (10,000 recipients in 24 hours in Exchange Online).',
		fix: 'Spread the sending over more than 24 hours or over several sender mailboxes; the limit lifts as older messages age out.',
	},
	'5.2.2': {
		meaning: "The recipient's mailbox is full.",
		fix: 'Try again later or reach the recipient another way; they have to make room first.',
	},
	'5.4.1': {
		meaning:
			'The receiving server refused the address: relay access denied, or the recipient domain is not accepted there.',
		fix: 'Check the domain of the address; if it is your own domain, check its accepted domains and MX records.',
	},
	'5.7.1': {
		meaning:
			'Delivery not authorized: the recipient or its organization does not accept mail from this sender (for example a group that takes internal mail only).',
		fix: "Ask the recipient's admin to allow the sender, or send from a mailbox they accept.",
	},
	'5.7.23': {
		meaning:
			"The receiving server rejected the message because it failed the sender domain's SPF check.",
		fix: "Add Microsoft 365 to the sender domain's SPF record (include:spf.protection.outlook.com); run Check Setup to see the SPF finding.",
	},
	'5.7.232': {
		meaning:
			'The tenant is a trial and has reached the limit of external recipients a trial may send to.',
		fix: 'Buy licences (end the trial) or send to fewer external recipients per day.',
	},
	'5.7.233': {
		meaning:
			'The tenant reached its external recipient rate limit (TERRL): Microsoft 365 caps how many external recipients the whole tenant may send to in 24 hours, depending on its licences.',
		fix: 'Send fewer external messages per day, spread them over time, or add licences; the limit frees up as older messages age out of the 24 hours.',
	},
	'5.7.509': {
		meaning:
			"The receiving server rejected the message because it failed the sender domain's DMARC policy (p=reject).",
		fix: 'Align SPF and DKIM with the From domain (enable DKIM signing for it); run Check Setup to see the DKIM and DMARC findings.',
	},
	'5.7.708': {
		meaning:
			"Microsoft did not relay the message because of the tenant's poor sending reputation (traffic not accepted from this IP range).",
		fix: 'Check the tenant for compromised accounts or spam runs, then contact Microsoft support to be released.',
	},
	'5.7.750': {
		meaning:
			'The tenant has sent from domains it has not added and verified, so Microsoft blocks its mail to external recipients (unregistered domain).',
		fix: 'Add and verify every sending domain in Microsoft 365 admin center › Settings › Domains, then contact Microsoft support to be unblocked.',
	},
};

const STATUSES: Record<string, Explanation> = {
	delivered: { meaning: "Delivered to the recipient's mail system.", fix: '' },
	expanded: {
		meaning:
			'The address is a distribution group; Exchange expanded it into its members (each has its own row in the trace).',
		fix: '',
	},
	pending: {
		meaning: 'Delivery is being attempted or retried; the result is not final yet.',
		fix: 'Ask again later (Wait Seconds, or a Wait node before this one).',
	},
	gettingStatus: {
		meaning: 'Exchange is still collecting the status of this recipient.',
		fix: 'Ask again later (Wait Seconds, or a Wait node before this one).',
	},
	quarantined: {
		meaning:
			'Exchange Online Protection held the message in quarantine (spam, phishing, malware or a transport rule): the recipient did not get it.',
		fix: 'An admin reviews it in Microsoft Defender portal › Email & collaboration › Review › Quarantine and releases it if it is safe; check what in the message looked suspicious.',
	},
	filteredAsSpam: {
		meaning:
			'The message was marked as spam and delivered to Junk Email (or handled as the spam policy says).',
		fix: 'Check SPF, DKIM and DMARC with Check Setup and avoid spam-like content; the recipient can mark it as not junk.',
	},
	failed: {
		meaning: 'Exchange could not deliver the message to this recipient.',
		fix: 'Read the code; the non-delivery report in the sender mailbox has the details.',
	},
};

/**
 * Meaning and fix for a recipient: the NDR code wins when Exchange gave one, otherwise the status.
 */
export function explain(status: string, code: string | null): Explanation {
	if (code && CODES[code]) return CODES[code];
	if (code && status === 'failed')
		return {
			meaning: `Exchange could not deliver the message (code ${code}).`,
			fix: `Look up ${code} in Microsoft's "Email non-delivery reports in Exchange Online"; the non-delivery report in the sender mailbox has the details.`,
		};
	return STATUSES[status] ?? { meaning: `Exchange reports "${status}".`, fix: '' };
}

/** The codes with their own words (tests check that each one is explained). */
export const EXPLAINED_CODES = Object.keys(CODES);
