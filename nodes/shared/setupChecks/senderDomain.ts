import type { CloudName } from '../credential/clouds';
import { isQueryableName } from './dnsLookup';

/**
 * Where the sender's domain comes from and what Microsoft publishes for it, per cloud.
 *
 * SPF include of Exchange Online, per cloud:
 * - Global (incl. GCC): spf.protection.outlook.com —
 *   https://learn.microsoft.com/defender-office-365/email-authentication-spf-configure
 * - GCC High and DoD: spf.protection.office365.us —
 *   https://learn.microsoft.com/microsoft-365/enterprise/dns-records-for-office-365-gcc-high and
 *   https://learn.microsoft.com/microsoft-365/enterprise/dns-records-for-office-365-dod
 * - 21Vianet: spf.protection.partner.outlook.cn — the DNS-host guides for Office 365 operated by
 *   21Vianet, https://learn.microsoft.com/microsoft-365/admin/services-in-china/
 */
export const MICROSOFT_SPF_INCLUDE: Record<Exclude<CloudName, 'custom'>, string> = {
	global: 'spf.protection.outlook.com',
	usGovHigh: 'spf.protection.office365.us',
	usGovDod: 'spf.protection.office365.us',
	china: 'spf.protection.partner.outlook.cn',
};

/** Initial (MOERA) domains: Microsoft publishes their SPF and signs their mail with DKIM itself. */
const INITIAL_DOMAIN = /\.(onmicrosoft\.com|onmicrosoft\.us|partner\.onmschina\.cn)$/;

export function isInitialDomain(domain: string): boolean {
	return INITIAL_DOMAIN.test(domain);
}

export type SenderDomain = { ok: true; domain: string } | { ok: false; reason: string };

/** The domain of a sender given as UPN/SMTP address; an object ID (GUID) carries none. */
export function senderDomainOf(sender: string): SenderDomain {
	const value = sender.trim();
	if (!value)
		return { ok: false, reason: 'No sender mailbox is set, so there is no domain to check.' };
	const at = value.lastIndexOf('@');
	if (at < 0) {
		return {
			ok: false,
			reason: `The sender "${value.slice(0, 80)}" is an object ID, not an address, so its mail domain cannot be told without reading the directory (which this app's permissions do not allow).`,
		};
	}
	const domain = value
		.slice(at + 1)
		.toLowerCase()
		.replace(/\.$/, '');
	if (!isQueryableName(domain) || !domain.includes('.')) {
		return { ok: false, reason: `The sender "${value.slice(0, 80)}" has no valid domain.` };
	}
	return { ok: true, domain };
}
