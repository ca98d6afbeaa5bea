import type { GraphSettings } from '../../../../shared/credential/settings';
import { traceFromToken } from '../../../../shared/diagnostics/traceAvailability';
import { outcomeOf } from '../../../../shared/outcome';
import { failed, notChecked, passed, type Finding } from '../../../../shared/setupChecks';
import { acquireToken } from '../../../../shared/token/tokenProvider';
import { GraphClient } from '../../../../shared/transport/graphClient';
import type { HttpClient } from '../../../../shared/transport/httpClient';
import { traceBudgetKey } from '../../../../shared/transport/traceBudget';
import { TraceApi, traceClientRetry } from '../getDeliveryStatus/traceApi';
import { TraceUnavailableError } from '../getDeliveryStatus/words';
import { unanswered } from '../../../../shared/diagnostics/checks/unanswered';

const CHECK = 'messageTrace';
const TIMEOUT_MS = 20_000;
const RETRY = traceClientRetry(TIMEOUT_MS);

/**
 * Whether Get Delivery Status can work: an optional feature, so every outcome is `info`, never a
 * warning or an error. When the token does not rule it out, one list request of the last hour asks
 * Microsoft (it counts against the tenant's 100 trace requests per 5 minutes).
 */
export async function traceFinding(settings: GraphSettings, http: HttpClient): Promise<Finding> {
	const signedIn = await outcomeOf(() => acquireToken(settings, { timeoutMs: TIMEOUT_MS, http }));
	if (!signedIn.ok) return notChecked(CHECK, 'Not checked: sign-in failed.');
	const { claims, token } = signedIn.value;
	const ruledOut = traceFromToken(settings, claims);
	if (ruledOut) return failed(CHECK, 'info', ruledOut.detail, '');
	const graph = new GraphClient(settings.graphEndpoint, { getToken: async () => token }, http, {
		timeoutMs: TIMEOUT_MS,
		retry: RETRY,
	});
	const key = traceBudgetKey(settings.graphEndpoint, claims.tid ?? settings.tenantId);
	const api = new TraceApi(graph, settings.clientId, key);
	const now = Date.now();
	const filter = `receivedDateTime ge ${new Date(now - 3_600_000).toISOString()} and receivedDateTime le ${new Date(now).toISOString()}`;
	const probed = await outcomeOf(() => api.list(filter, now + TIMEOUT_MS, 1));
	if (probed.ok)
		return passed(
			CHECK,
			'Message trace answers: Get Delivery Status can be used (one trace request of the last hour, from the tenant budget of 100 per 5 minutes).',
		);
	if (probed.error instanceof TraceUnavailableError)
		return failed(
			CHECK,
			'info',
			`Get Delivery Status is not available. ${probed.error.message}`,
			probed.error.fix,
		);
	return failed(
		CHECK,
		'info',
		`Whether message trace works is unknown: ${unanswered(probed.error)}`,
		'Run Check Setup again later.',
	);
}
