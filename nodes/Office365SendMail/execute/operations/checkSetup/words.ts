import { DeliveryUnknownError, NetworkError } from '../../../../shared/transport/graphErrors';
import { sayNetworkCodes } from '../../../../shared/transport/networkWords';

/**
 * A check that got no answer (network, timeout, an unexpected failure): the question stays open, which is not a
 * finding about the setup. Our own errors never carry secrets; the text is cut short all the same.
 */
export function unanswered(error: unknown): string {
	if (error instanceof NetworkError || error instanceof DeliveryUnknownError)
		return `Unknown: no answer from Microsoft (${sayNetworkCodes(error.message).slice(0, 300)}). This is not a finding about the setup.`;
	const message = error instanceof Error ? error.message : String(error);
	return `Unknown: the check could not run (${message.slice(0, 300)}).`;
}
