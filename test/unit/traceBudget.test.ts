import { TraceBudget, TraceBudgetError } from '../../nodes/shared/transport/traceBudget';

/**
 * The per-tenant message trace budget with a clock of its own: no wall-clock timing in these tests.
 */
function budget(requests = 3, windowMs = 1_000) {
	let now = 0;
	const slept: number[] = [];
	const b = new TraceBudget(
		requests,
		windowMs,
		() => now,
		async (ms) => {
			slept.push(ms);
			now += ms;
		},
	);
	return { b, slept, advance: (ms: number) => (now += ms), now: () => now };
}

test('admits up to the budget in the window, then waits for the oldest request to leave it', async () => {
	const { b, slept, now } = budget();
	for (let i = 0; i < 3; i++) await b.acquire('t', 10_000);
	expect(slept).toEqual([]);
	await b.acquire('t', 10_000);
	expect(slept).toEqual([1_000]);
	expect(now()).toBe(1_000);
});

test('fails at once, saying when, if the slot comes after the deadline', async () => {
	const { b, slept } = budget();
	for (let i = 0; i < 3; i++) await b.acquire('t', 10_000);
	const refused = b.acquire('t', 500);
	await expect(refused).rejects.toBeInstanceOf(TraceBudgetError);
	await expect(refused).rejects.toMatchObject({ nextAt: 1_000, byMicrosoft: false });
	expect(slept).toEqual([]);
});

test('tenants have lanes of their own', async () => {
	const { b, slept } = budget(1);
	await b.acquire('a', 0);
	await b.acquire('b', 0);
	expect(slept).toEqual([]);
	await expect(b.acquire('a', 0)).rejects.toBeInstanceOf(TraceBudgetError);
});

test("a 429's pause holds every request of the tenant and is named as Microsoft's", async () => {
	const { b, slept, advance } = budget(100);
	b.pause('t', 2_000);
	await expect(b.acquire('t', 1_000)).rejects.toMatchObject({ nextAt: 2_000, byMicrosoft: true });
	await b.acquire('t', 5_000);
	expect(slept).toEqual([2_000]);
	advance(10);
	b.pause('t', 1_000); // an earlier end does not shorten a pause
	expect(b.nextFreeAt('t')).toBe(2_010);
});

test('requests are admitted in order of arrival', async () => {
	const { b } = budget(1, 1_000);
	const order: number[] = [];
	await Promise.all([1, 2, 3].map((n) => b.acquire('t', 10_000).then(() => order.push(n))));
	expect(order).toEqual([1, 2, 3]);
});

test('clear() forgets counts and pauses', async () => {
	const { b } = budget(1);
	await b.acquire('t', 0);
	b.pause('t', 50_000);
	b.clear();
	await expect(b.acquire('t', 0)).resolves.toBeUndefined();
});
