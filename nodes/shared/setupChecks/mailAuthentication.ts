import type { CloudName } from '../credential/clouds';
import { checkDkim } from './dkim';
import { checkDmarc } from './dmarc';
import { createDnsLookup, type DnsOptions } from './dnsLookup';
import { failed, passed, type Finding } from './finding';
import { isInitialDomain, MICROSOFT_SPF_INCLUDE, senderDomainOf } from './senderDomain';
import { checkSpf } from './spf';

export interface MailAuthenticationInput {
	/** The sender mailbox: UPN/address (its domain is checked) or object ID (cannot be checked). */
	sender: string;
	/** The credential's cloud; Custom accepts any Microsoft cloud's SPF include. */
	cloud: CloudName;
	dns?: DnsOptions;
}

function spfTargets(cloud: CloudName): { accepted: string[]; otherClouds: string[] } {
	const all = [...new Set(Object.values(MICROSOFT_SPF_INCLUDE))];
	const accepted = cloud === 'custom' ? all : [MICROSOFT_SPF_INCLUDE[cloud]];
	return { accepted, otherClouds: all.filter((d) => !accepted.includes(d)) };
}

/**
 * SPF, DKIM and DMARC of the sender's domain, read from DNS: three findings, never a throw. At most
 * 11 (SPF) + 2 (DKIM) + 5 (DMARC) queries, each bounded by the DNS timeout.
 */
export async function checkMailAuthentication(input: MailAuthenticationInput): Promise<Finding[]> {
	const sender = senderDomainOf(input.sender);
	if (!sender.ok) {
		const fix =
			"Set the sender (or the credential's Default Sender Mailbox) to the mailbox's address, e.g. sender@contoso.com, to check its domain.";
		return ['spf', 'dkim', 'dmarc'].map((check) => failed(check, 'info', sender.reason, fix));
	}
	const { domain } = sender;
	const lookup = createDnsLookup(input.dns);
	const dmarc = checkDmarc({ domain, lookup });
	if (isInitialDomain(domain)) {
		const managed = `${domain} is a Microsoft initial domain: Microsoft publishes its SPF record and signs its mail with DKIM.`;
		return [passed('spf', managed), passed('dkim', managed), await dmarc];
	}
	const [spf, dkim] = await Promise.all([
		checkSpf({ domain, ...spfTargets(input.cloud), lookup }),
		checkDkim({ domain, lookup }),
	]);
	return [spf, dkim, await dmarc];
}
