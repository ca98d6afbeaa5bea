import type { Zone } from './server';

/**
 * Sender domains for the setup-check tests, as an admin might have published them. Record shapes
 * follow Microsoft's documentation: SPF include
 * (learn.microsoft.com/defender-office-365/email-authentication-spf-configure), DKIM CNAMEs old and
 * new format (…/email-authentication-dkim-configure), DMARC
 * (…/email-authentication-dmarc-configure).
 */
const MS = 'include:spf.protection.outlook.com';

function spfChain(prefix: string, length: number): Zone {
	const zone: Zone = {};
	for (let i = 0; i < length; i++)
		zone[`${prefix}${i}.chain.test`] = {
			txt: [`v=spf1 include:${prefix}${i + 1}.chain.test -all`],
		};
	zone[`${prefix}${length}.chain.test`] = { txt: [`v=spf1 ${MS} -all`] };
	return zone;
}

export const ZONE: Zone = {
	// Everything right, older DKIM format.
	'good.test': { txt: ['MS=ms12345678', `v=spf1 ${MS} -all`] },
	'selector1._domainkey.good.test': {
		cname: 'selector1-good-test._domainkey.goodtenant.onmicrosoft.com',
	},
	'selector2._domainkey.good.test': {
		cname: 'selector2-good-test._domainkey.goodtenant.onmicrosoft.com.',
	},
	'_dmarc.good.test': { txt: ['v=DMARC1; p=reject; rua=mailto:dmarc@good.test'] },

	// Everything right, Microsoft reached through a nested include, newer (2025) DKIM format, split
	// TXT strings.
	'new.test': { txt: ['v=spf1 ip4:192.0.2.0/24 include:_spf.new.test ~all'] },
	'_spf.new.test': { txt: [['v=spf1 include:spf.protection.', 'outlook.com -all']] },
	'selector1._domainkey.new.test': {
		cname: 'selector1-new-test01i._domainkey.newtenant.n-v1.dkim.mail.microsoft',
	},
	'selector2._domainkey.new.test': {
		cname: 'selector2-new-test01i._domainkey.newtenant.n-v1.dkim.mail.microsoft',
	},
	'_dmarc.new.test': { txt: [['v=DMARC1; p=quar', 'antine; pct=100']] },

	// The domain exists but has none of the three.
	'missing.test': { txt: ['google-site-verification=abc'] },

	// Records that exist but are wrong.
	'wrong.test': { txt: ['v=spf1 include:_spf.google.test ~all'] },
	'_spf.google.test': { txt: ['v=spf1 ip4:203.0.113.0/24 ~all'] },
	'selector1._domainkey.wrong.test': { cname: 'selector1._domainkey.othermailer.test' },
	'selector2._domainkey.wrong.test': {
		cname: 'selector2-wrong-test._domainkey.wrongtenant.onmicrosoft.com',
	},
	'_dmarc.wrong.test': { txt: ['v=DMARC1; p=none; rua=mailto:d@wrong.test'] },

	'twospf.test': { txt: [`v=spf1 ${MS} -all`, 'v=spf1 include:_spf.google.test ~all'] },
	'selector1._domainkey.twospf.test': {
		cname: 'selector1-twospf-test._domainkey.t.onmicrosoft.com',
	},
	'_dmarc.twospf.test': { txt: ['v=DMARC1; p=reject', 'v=DMARC1; p=none'] },

	'plusall.test': { txt: [`v=spf1 ${MS} +all`] },
	// A domain-spec that is no domain name: a syntax error, permerror for receivers (RFC 7208 §4.6,
	// §7.1).
	'badsyntax.test': { txt: [`v=spf1 include:..evil ${MS} -all`] },
	'badsyntax-nested.test': { txt: ['v=spf1 include:nested-bad.test -all'] },
	'nested-bad.test': { txt: [`v=spf1 ${MS} redirect=-x-.test`] },
	'broken.test': { txt: [`v=spf1 ${MS} include:gone.test -all`] },
	'_dmarc.broken.test': { txt: ['v=DMARC1; rua=mailto:x@broken.test'] },

	// SPF needing 11 lookups (a chain of includes), and one that includes itself.
	'long.test': { txt: ['v=spf1 include:l0.chain.test -all'] },
	...spfChain('l', 10),
	'loop.test': { txt: ['v=spf1 include:loop.test -all'] },

	// GCC High: Microsoft's SPF domain of that cloud.
	'gov.test': { txt: ['v=spf1 include:spf.protection.office365.us -all'] },

	// A subdomain without its own DMARC record: the parent's applies with its sp= policy.
	'mail.parent.test': { txt: [`v=spf1 ${MS} -all`] },
	'_dmarc.parent.test': { txt: ['v=DMARC1; p=none; sp=reject'] },

	// DNS failures: not findings about the domain.
	'servfail.test': { behaviour: 'servfail' },
	'*.servfail.test': { behaviour: 'servfail' },
	'silent.test': { behaviour: 'drop' },
	'*.silent.test': { behaviour: 'drop' },
	'refused.test': { behaviour: 'refused' },
	'*.refused.test': { behaviour: 'refused' },
	'goodspf-badinclude.test': { txt: ['v=spf1 include:x.servfail.test -all'] },

	// DMARC for the tenant's initial domain.
	'_dmarc.contoso.onmicrosoft.com': { txt: ['v=DMARC1; p=reject'] },
	'_dmarc.watching.onmicrosoft.com': { txt: ['v=DMARC1; p=none'] },
};
