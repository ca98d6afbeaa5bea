import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { isCloudName, type CloudName } from '../../../../shared/credential/clouds';
import { CredentialConfigError } from '../../../../shared/credential/errors';
import { readGraphSettings } from '../../../../shared/credential/settings';
import { outcomeOf, outcomeOfSync } from '../../../../shared/outcome';
import {
	checkCredentialExpiry,
	checkMailAuthentication,
	failed,
	notChecked,
	type Finding,
} from '../../../../shared/setupChecks';
import { nodeHttpClient } from '../../../../shared/transport/httpClient';
import { CREDENTIAL_TYPE } from '../../../description/constants';
import { dnsSetting } from './dnsServers';
import { graphChecks } from './graphChecks';
import { traceFinding } from './traceCheck';
import { chooseSender, type SenderChoice } from './senderChoice';
import { unanswered } from './words';

const text = (raw: ICredentialDataDecryptedObject, field: string): string =>
	typeof raw[field] === 'string' ? (raw[field] as string) : '';

/**
 * Every check of the setup, in a fixed order: signIn, permissions, senderProbe, scopeProbe, mailRead,
 * credentialExpiry,
 * spf, dkim, dmarc, messageTrace (optional: Get Delivery Status). Nothing here throws: a credential that cannot
 * be read becomes the signIn finding, and the checks that need it say they were not run.
 */
export async function runSetupChecks(ctx: IExecuteFunctions): Promise<Finding[]> {
	const got = await outcomeOf(() => ctx.getCredentials(CREDENTIAL_TYPE));
	const raw: ICredentialDataDecryptedObject = got.ok ? got.value : {};
	const read = got.ok ? outcomeOfSync(() => readGraphSettings(raw)) : got;
	const settings = read.ok ? read.value : undefined;
	const sender = chooseSender(ctx, settings, text(raw, 'senderMailbox'));
	const cloudName = text(raw, 'cloud') || 'global';
	const cloud: CloudName = settings?.cloud ?? (isCloudName(cloudName) ? cloudName : 'global');
	const [graph, domain] = await Promise.all([
		settings
			? graphChecks({ settings, sender, http: nodeHttpClient })
			: unreadable(read.ok ? undefined : read.error, sender),
		domainChecks(sender, cloud),
	]);
	const authentication =
		text(raw, 'authentication') === 'certificate' ? 'certificate' : 'clientSecret';
	const expiry = checkCredentialExpiry({ authentication, certificate: text(raw, 'certificate') });
	const trace = settings
		? await traceFinding(settings, nodeHttpClient)
		: notChecked(
				'messageTrace',
				'Not checked: the credential cannot be used.',
				'Fix the signIn finding first.',
			);
	return [...graph, expiry, ...domain, trace];
}

async function unreadable(error: unknown, sender: SenderChoice): Promise<Finding[]> {
	const detail =
		error instanceof CredentialConfigError || error instanceof Error
			? `The credential cannot be used: ${error.message.slice(0, 500)}`
			: 'The credential cannot be used.';
	const fix =
		error instanceof CredentialConfigError
			? `Correct "${error.field}" in the credential and save it (saving runs the credential test), then run Check Setup again.`
			: 'Select a Microsoft Graph Client Credentials credential in the node.';
	const skipped = (check: string) =>
		notChecked(
			check,
			'Not checked: the credential cannot be used.',
			'Fix the signIn finding first.',
		);
	return [
		failed('signIn', 'error', detail, fix),
		skipped('permissions'),
		sender.problem ?? skipped('senderProbe'),
		skipped('scopeProbe'),
		skipped('mailRead'),
	];
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
