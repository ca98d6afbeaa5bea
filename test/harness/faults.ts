import type { FaultSpec, M365Simulator } from '../simulator';

/**
 * Graph answers the first request that matches (after `after` matching ones went through) with 400
 * ErrorInvalidRecipients, the error a bad recipient gets, once; a retry of the same request
 * succeeds.
 */
export function refuseRecipientsOnce(
	sim: M365Simulator,
	match: FaultSpec['match'],
	after = 0,
): void {
	sim.injectFault({
		match,
		times: 1,
		after,
		action: 'respond',
		status: 400,
		body: {
			error: { code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid.' },
		},
	});
}
