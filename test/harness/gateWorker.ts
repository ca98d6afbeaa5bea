import { readGraphSettings } from '../../nodes/shared/credential/settings';
import { acquireToken } from '../../nodes/shared/token/tokenProvider';
import { GraphClient } from '../../nodes/shared/transport/graphClient';
import { nodeHttpClient } from '../../nodes/shared/transport/httpClient';
import type { RequestGate } from '../../nodes/shared/transport/requestGate';
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/transport/retry';
import { credentialsOf } from './credentialsOf';
import type { TestTenant } from './fixtures';

/**
 * One "worker process": a Graph client of the tenant's credential that takes its slots from `gate`.
 */
export function gateWorker(t: TestTenant, gate: RequestGate): GraphClient {
	const settings = readGraphSettings(credentialsOf(t));
	const tokens = {
		getToken: async (forceRefresh?: boolean) =>
			(await acquireToken(settings, { forceRefresh, timeoutMs: 10_000 })).token,
	};
	return new GraphClient(settings.graphEndpoint, tokens, nodeHttpClient, {
		timeoutMs: 10_000,
		retry: DEFAULT_RETRY_POLICY,
		gate,
	});
}

/** One sendMail from the tenant's sender through `graph`, declared as a delivering request. */
export function gateSendMail(t: TestTenant, graph: GraphClient, subject: string) {
	return graph.request({
		operation: 'sendMail',
		method: 'POST',
		url: graph.userUrl(t.sender, 'sendMail'),
		json: {
			message: {
				subject,
				body: { contentType: 'Text', content: 'x' },
				toRecipients: [{ emailAddress: { address: 'ada@example.com' } }],
			},
		},
		authenticated: true,
		replay: 'notIfSent',
		delivers: true,
	});
}
