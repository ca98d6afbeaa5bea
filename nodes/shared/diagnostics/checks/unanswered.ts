import { failed, type Finding } from '../../setupChecks/finding';
import { DeliveryUnknownError, NetworkError } from '../../transport/graphErrors';
import { sayNetworkCodes } from '../../transport/networkWords';

/**
 * A check that got no answer (network, timeout, an unexpected failure): the question stays open,
 * which is not a finding about the setup. Our own errors never carry secrets; the text is cut short
 * all the same.
 */
export function unanswered(error: unknown): string {
	if (error instanceof NetworkError || error instanceof DeliveryUnknownError)
		return `Unknown: no answer from Microsoft (${sayNetworkCodes(error.message).slice(0, 300)}). This is not a finding about the setup.`;
	const message = error instanceof Error ? error.message : String(error);
	return `Unknown: the check could not run (${message.slice(0, 300)}).`;
}

/**
 * Graph did not answer a probe (network, timeout): the credential test cannot pass, Check Setup
 * cannot tell.
 */
export function graphUnreachable(check: string, graphEndpoint: string, error: unknown): Finding {
	if (!(error instanceof NetworkError || error instanceof DeliveryUnknownError))
		return {
			...failed(check, 'error', unanswered(error), 'Try again later.'),
			reason: 'unchecked',
		};
	return {
		...failed(
			check,
			'error',
			`Cannot get an answer from Microsoft Graph at ${graphEndpoint}: ${sayNetworkCodes(error.message)}.`,
			'Check the network, proxy (HTTPS_PROXY) and Cloud.',
		),
		reason: 'graphUnreachable',
	};
}
