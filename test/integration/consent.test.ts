import { prepareN8nEnvironment } from '../harness/env';
prepareN8nEnvironment();

import { clearTokenCache } from '../../nodes/shared/token/tokenProvider';
import { runSendMail } from '../harness/engine';
import { useTenant } from '../harness/world';

const t = useTenant();

test('admin consent granted after a failed run takes effect on the next run, without restarting n8n', async () => {
	clearTokenCache();
	t.sim.updateApp(t.clientId, { adminConsent: false });
	const params = { toRecipients: 'bob@example.com', subject: 'after consent', bodyContent: 'x' };
	const before = await runSendMail({
		credentials: t.credentials(),
		items: [{}],
		parameters: params,
	});
	expect(before.errorMessage).toMatch(/admin consent is missing.*NoPermissionsInAccessToken/);
	const tokensAfterFirstRun = t.sim.counters.tokenRequests;

	t.sim.updateApp(t.clientId, { adminConsent: true });
	// The cached token still has no roles; a refused token is replaced at most once every 10 s per
	// credential.
	await new Promise((resolve) => setTimeout(resolve, 10_500));
	const after = await runSendMail({
		credentials: t.credentials(),
		items: [{}],
		parameters: params,
	});
	expect(after.errorMessage).toBeUndefined();
	expect(after.items[0].json.status).toBe('sent');
	expect(t.sim.outbox).toHaveLength(1);
	expect(t.sim.counters.tokenRequests).toBe(tokensAfterFirstRun + 1);
});
