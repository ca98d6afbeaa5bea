/**
 * What Exchange does with one recipient of a sent message, as message trace shows it: the row's
 * status and the detail events. Statuses:
 * https://learn.microsoft.com/graph/api/resources/exchangemessagetrace; events and their fields
 * (event, action, description, dateTime):
 * https://learn.microsoft.com/graph/api/resources/exchangemessagetracedetail. NDR texts: "Email
 * non-delivery reports and SMTP errors in Exchange Online",
 * https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online
 * Event names (Receive, Submit, Deliver, Fail, Quarantine, Spam Diagnostics) follow
 * Get-MessageTraceDetailV2's output; the exact wording of each description is the simulator's own
 * (README, assumptions).
 */
export type FateName =
	| 'delivered'
	| 'bounced'
	| 'badMailbox'
	| 'dailyLimit'
	| 'mailboxFull'
	| 'terrl'
	| 'dmarcReject'
	| 'quarantined'
	| 'spam'
	| 'pending'
	| 'expanded';

export interface Fate {
	status: 'delivered' | 'failed' | 'quarantined' | 'filteredAsSpam' | 'pending' | 'expanded';
	/** The last event: what happened to this recipient. */
	event: string;
	action: string;
	description: string;
}

const ndr = (text: string): Fate => ({
	status: 'failed',
	event: 'Fail',
	action: '',
	description: `The message couldn't be delivered. Reason: [{LED=${text}};{MSG=};{FQDN=};{IP=};{LRT=}]`,
});

export const FATES: Record<FateName, Fate> = {
	delivered: {
		status: 'delivered',
		event: 'Deliver',
		action: '',
		description: 'The message was delivered to the recipient.',
	},
	expanded: {
		status: 'expanded',
		event: 'Expand',
		action: '',
		description: 'The distribution group was expanded into its members.',
	},
	// "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup" (NDR
	// 5.1.10 page).
	bounced: ndr(
		'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
	),
	// "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" (NDR 5.1.1 page).
	badMailbox: ndr('550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'),
	// 5.1.90: the sender mailbox reached its recipient rate limit (NDR 5.1.90 page; wording here is
	// ours).
	dailyLimit: ndr(
		"550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients",
	),
	// 5.2.2: "mailbox full" (NDR 5.2.2 page).
	mailboxFull: ndr('554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException'),
	// 5.7.233: the tenant external recipient rate limit, TERRL (NDR 5.7.233 page; wording here is
	// ours).
	terrl: ndr(
		'550 5.7.233 Your message cannot be sent because your organization has exceeded its external recipient rate limit',
	),
	// 5.7.509: "Access denied, sending domain [...] does not pass DMARC verification" (NDR 5.7.509
	// page).
	dmarcReject: ndr(
		'550 5.7.509 Access denied, sending domain does not pass DMARC verification and has a DMARC policy of reject',
	),
	quarantined: {
		status: 'quarantined',
		event: 'Quarantine',
		action: '',
		description: 'The message was quarantined by the anti-spam policy (high confidence spam).',
	},
	spam: {
		status: 'filteredAsSpam',
		event: 'Spam Diagnostics',
		action: 'MoveToJmf',
		description: 'The message was marked as spam and moved to the Junk Email folder.',
	},
	pending: {
		status: 'pending',
		event: 'Defer',
		action: '',
		description: 'The message was deferred and will be retried. Reason: 451 4.4.7 Message delayed',
	},
};

export function isFateName(value: unknown): value is FateName {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FATES, value);
}
