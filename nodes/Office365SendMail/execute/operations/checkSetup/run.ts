import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { isCloudName, type CloudName } from '../../../../shared/credential/clouds';
import { readGraphSettings } from '../../../../shared/credential/settings';
import { credentialCheckRun, unanswered } from '../../../../shared/diagnostics/checks';
import { outcomeOf, outcomeOfSync } from '../../../../shared/outcome';
import {
	checkMailAuthentication,
	failed,
	notChecked,
	type Finding,
} from '../../../../shared/setupChecks';
import { nodeHttpClient } from '../../../../shared/transport/httpClient';
import { CREDENTIAL_TYPE } from '../../../description/constants';
import { dnsSetting } from './dnsServers';
import { traceFinding } from './traceCheck';
import { chooseSender, type SenderChoice } from './senderChoice';

const text = (raw: ICredentialDataDecryptedObject, field: string): string =>
	typeof raw[field] === 'string' ? (raw[field] as string) : '';

/**
 * Every check of the setup, in a fixed order: the credential's checks (diagnostics/checks: signIn,
 * permissions, senderProbe, scopeProbe, mailRead, credentialExpiry; the credential test runs the
 * same ones with the same words), then spf, dkim, dmarc and messageTrace (optional: Get Delivery
 * Status). Nothing here throws: a credential that cannot be read becomes the signIn finding, and
 * the checks that need it say they were not run.
 */
export async function runSetupChecks(ctx: IExecuteFunctions): Promise<Finding[]> {
	const got = await outcomeOf(() => ctx.getCredentials(CREDENTIAL_TYPE));
	const raw: ICredentialDataDecryptedObject = got.ok ? got.value : {};
	const read = got.ok ? outcomeOfSync(() => readGraphSettings(raw)) : got;
	const settings = read.ok ? read.value : undefined;
	const sender = chooseSender(ctx, settings, text(raw, 'senderMailbox'));
	const cloudName = text(raw, 'cloud') || 'global';
	const cloud: CloudName = settings?.cloud ?? (isCloudName(cloudName) ? cloudName : 'global');
	const run = credentialCheckRun({ read, raw, sender, http: nodeHttpClient });
	const [credential, domain] = await Promise.all([run.all(), domainChecks(sender, cloud)]);
	const trace = settings
		? await traceFinding(settings, nodeHttpClient)
		: notChecked(
				'messageTrace',
				'Not checked: the credential cannot be used.',
				'Fix the signIn finding first.',
			);
	return [...credential, ...domain, trace];
}

async function domainChecks(sender: SenderChoice, cloud: CloudName): Promise<Finding[]> {
	const dns = dnsSetting();
	if (!dns.ok) {
		const detail = `Unknown: DNS was not asked because ${dns.reason}. This is not a finding about the domain.`;
		const fix = 'Correct or remove the environment variable and restart n8n.';
		return ['spf', 'dkim', 'dmarc'].map((check) => failed(check, 'warning', detail, fix));
	}
	const checked = await outcomeOf(() =>
		checkMailAuthentication({ sender: sender.mailbox, cloud, dns: dns.dns }),
	);
	if (checked.ok) return checked.value;
	const detail = unanswered(checked.error);
	return ['spf', 'dkim', 'dmarc'].map((check) =>
		failed(check, 'warning', detail, 'Run Check Setup again later.'),
	);
}
