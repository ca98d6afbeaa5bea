import { DEMO } from './scenarios';
import { getToken, graph, simpleMessage, useSimulator } from './testkit';

const SENDER = DEMO.sender.userPrincipalName;
const SEND_PATH = `/users/${encodeURIComponent(SENDER)}/sendMail`;
const SENDMAIL = /\/sendMail$/;

describe('gather: requests held in flight until a number of them have arrived', () => {
	let token: string;
	const sim = useSimulator({}, async (s) => {
		token = await getToken(s);
	});
	const send = () => graph(sim, token, 'POST', SEND_PATH, { message: simpleMessage() });

	it('holds the first N until all N are in flight, then answers them; later ones pass', async () => {
		sim.gatherRequests({ path: SENDMAIL, count: 3 });
		let answered = 0;
		const first = [send(), send()].map((p) =>
			p.then((r) => {
				answered += 1;
				return r;
			}),
		);
		// Two of three arrived: both stay in flight, unanswered, for as long as the third does not come.
		while (sim.counters.inFlightByMailbox[SENDER] !== 2 && answered === 0)
			await new Promise((resolve) => setImmediate(resolve));
		for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
		expect(answered).toBe(0);
		expect(sim.counters.inFlightByMailbox[SENDER]).toBe(2);
		const third = await send();
		expect(third.status).toBe(202);
		expect((await Promise.all(first)).map((r) => r.status)).toEqual([202, 202]);
		expect(sim.counters.maxInFlightByMailbox[SENDER]).toBe(3);
		// Spent: the next request is answered alone.
		expect((await send()).status).toBe(202);
		expect(sim.outbox).toHaveLength(4);
	});

	it('a client that never sends N at once gets its answer after maxWaitMs, and the counts show it', async () => {
		sim.gatherRequests({ path: SENDMAIL, count: 4, maxWaitMs: 50 });
		for (let i = 0; i < 3; i++) expect((await send()).status).toBe(202);
		expect(sim.counters.maxInFlightByMailbox[SENDER]).toBe(1);
	});

	it('reset() answers what is held and disarms the barrier', async () => {
		sim.gatherRequests({ path: SENDMAIL, count: 2 });
		const held = send();
		while (!sim.requests.some((r) => SENDMAIL.test(r.path)))
			await new Promise((resolve) => setImmediate(resolve));
		sim.reset();
		expect((await held).status).toBe(202);
		expect((await send()).status).toBe(202);
	});

	it('refuses a count that is not a positive integer', () => {
		expect(() => sim.gatherRequests({ path: SENDMAIL, count: 0 })).toThrow(/positive integer/);
	});
});
