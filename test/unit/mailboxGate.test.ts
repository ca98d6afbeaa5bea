import {
	GateTimeoutError,
	mailboxKeyOf,
	MailboxGate,
	MAX_MAILBOX_LANES,
	processWideMailboxCap,
} from '../../nodes/shared/transport/mailboxGate';
import {
	forgettable,
	isConcurrencyThrottle,
	lowerOnThrottle,
	newLaneLimit,
	raiseOnDemand,
	type LaneTuning,
} from '../../nodes/shared/transport/laneLimit';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const FAR = Date.now() + 60_000;
/** Fake clock and timers; setImmediate stays real so `tick` still lets promises settle. */
const FAKE_TIMERS: Parameters<typeof jest.useFakeTimers>[0] = {
	doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'],
};

test('at most 4 at a time per key, started in arrival order; other keys are not held back', async () => {
	const gate = new MailboxGate(4);
	const started: number[] = [];
	const releases: (() => void)[] = [];
	const all = Array.from({ length: 7 }, (_, i) =>
		gate.acquire('a', FAR).then((release) => {
			started.push(i);
			releases[i] = release;
		}),
	);
	await tick();
	expect(started).toEqual([0, 1, 2, 3]);
	const other = await gate.acquire('b', FAR);
	releases[1]();
	releases[1](); // a second call frees nothing more
	await tick();
	expect(started).toEqual([0, 1, 2, 3, 4]);
	for (const i of [0, 2, 3, 4]) releases[i]();
	await Promise.all(all);
	expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
	releases[5]();
	releases[6]();
	other();
	expect(gate.size).toBe(0);
});

test('a pause holds every waiting request until it ends', async () => {
	// The gate's clock is jest's: the verdict is the pause's own end, whatever the machine's load.
	jest.useFakeTimers(FAKE_TIMERS);
	try {
		const gate = new MailboxGate(4);
		gate.pause('a', {
			until: Date.now() + 150,
			status: 429,
			code: 'ApplicationThrottled',
			message: 'm',
		});
		let admitted = false;
		const acquired = gate.acquire('a', Date.now() + 60_000).then((release) => {
			admitted = true;
			return release;
		});
		await jest.advanceTimersByTimeAsync(149);
		expect(admitted).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(admitted).toBe(true);
		(await acquired)();
		expect(gate.size).toBe(0);
	} finally {
		jest.useRealTimers();
	}
});

test('a pause longer than a request may wait fails it at once, with what Microsoft asked for', async () => {
	const gate = new MailboxGate(4);
	const waiting = gate.acquire('a', Date.now() + 1000);
	gate.pause('a', { until: Date.now() + 3_600_000, status: 429, code: 'C', message: 'm' });
	await expect(waiting).resolves.toBeInstanceOf(Function); // it was admitted before the pause
	const late = gate.acquire('a', Date.now() + 1000);
	await expect(late).rejects.toBeInstanceOf(GateTimeoutError);
	await expect(late).rejects.toMatchObject({ pause: { code: 'C', status: 429 } });
	gate.clearPauses();
});

test('a cancelled waiter leaves the queue without taking a slot', async () => {
	const gate = new MailboxGate(1);
	const first = await gate.acquire('a', FAR);
	const controller = new AbortController();
	const cancelled = gate.acquire('a', FAR, controller.signal);
	const next = gate.acquire('a', FAR);
	controller.abort();
	await expect(cancelled).rejects.toThrow('cancelled');
	first();
	const release = await next;
	release();
	expect(gate.size).toBe(0);
});

test('throttled mailboxes without requests are capped like idle ones; those with requests keep their pause', async () => {
	const gate = new MailboxGate(4);
	const pause = (until: number) => ({
		until,
		status: 429,
		code: 'ApplicationThrottled',
		message: 'x',
	});
	gate.pause('busy', pause(Date.now() + 60_000));
	const waiting = gate.acquire('busy', Date.now() + 120_000);
	for (let i = 0; i < MAX_MAILBOX_LANES * 2; i++) gate.pause(`m${i}`, pause(FAR + i));
	expect(gate.size).toBeLessThanOrEqual(MAX_MAILBOX_LANES);
	expect(gate.size).toBeGreaterThan(MAX_MAILBOX_LANES / 2);
	let started = false;
	void waiting.then(() => (started = true));
	await tick();
	expect(started).toBe(false);
	gate.clearPauses();
	(await waiting)();
	expect(gate.size).toBe(0);
});

test('gate keys: Graph host, scope and mailbox (case-insensitive); URLs without a mailbox are not gated', () => {
	const a = mailboxKeyOf(
		'https://graph.microsoft.com/v1.0/users/Ada%40contoso.com/sendMail',
		't/app',
	);
	const b = mailboxKeyOf(
		'https://graph.microsoft.com/v1.0/users/ada%40contoso.com/messages/x/send',
		't/app',
	);
	expect(a).toBe('graph.microsoft.com|t/app|ada@contoso.com');
	expect(b).toBe(a);
	expect(
		mailboxKeyOf('https://graph.microsoft.us/v1.0/users/ada%40contoso.com/sendMail', 't/app'),
	).not.toBe(a);
	expect(
		mailboxKeyOf('https://graph.microsoft.com/v1.0/users/ada%40contoso.com/sendMail', 't/other'),
	).not.toBe(a);
	expect(
		mailboxKeyOf(
			"https://outlook.office.com/api/v2.0/Users('x')/Messages('y')/AttachmentSessions('z')",
			's',
		),
	).toBeUndefined();
});

test('the process-wide cap per mailbox: O365_SEND_MAIL_MAILBOX_CONCURRENCY from 1 to 4, otherwise 4', () => {
	expect(processWideMailboxCap(undefined)).toBe(4);
	expect(processWideMailboxCap('2')).toBe(2);
	expect(processWideMailboxCap('1')).toBe(1);
	for (const bad of ['0', '5', '2.5', 'two', '']) expect(processWideMailboxCap(bad)).toBe(4);
});

const CONCURRENCY = {
	status: 429,
	code: 'ApplicationThrottled',
	message: 'Application is over its MailboxConcurrency limit.',
};
const TUNING: LaneTuning = { minHoldMs: 1_000, maxHoldMs: 4_000, learnedTtlMs: 60_000 };

describe('adaptive lane limit (state machine, explicit clock)', () => {
	test('only a 429 naming MailboxConcurrency is a concurrency signal', () => {
		expect(isConcurrencyThrottle(CONCURRENCY)).toBe(true);
		expect(isConcurrencyThrottle({ ...CONCURRENCY, status: 503 })).toBe(false);
		expect(
			isConcurrencyThrottle({
				status: 429,
				code: 'ApplicationThrottled',
				message: 'Application is over its IncomingBytes limit.',
			}),
		).toBe(false);
		expect(
			isConcurrencyThrottle({
				status: 429,
				code: 'TooManyRequests',
				message: 'Please retry again later.',
			}),
		).toBe(false);
	});

	test('each concurrency 429 takes one slot (never below 1); raises need demand and a quiet hold', () => {
		const s = newLaneLimit(4, 0, TUNING);
		lowerOnThrottle(s, 10);
		lowerOnThrottle(s, 10);
		expect(s.limit).toBe(2);
		expect(raiseOnDemand(s, 500, true)).toBe(false); // within the hold
		expect(raiseOnDemand(s, 1_010, false)).toBe(false); // no demand: nothing learned by raising
		expect(raiseOnDemand(s, 1_010, true)).toBe(true);
		expect(s.limit).toBe(3);
		for (let i = 0; i < 5; i++) lowerOnThrottle(s, 1_020);
		expect(s.limit).toBe(1);
	});

	test('a raise answered by a 429 within the hold doubles the next hold (up to the max); one that held resets it', () => {
		const s = newLaneLimit(4, 0, TUNING);
		lowerOnThrottle(s, 0); // 3
		lowerOnThrottle(s, 0); // 2
		let now = 0;
		const holds: number[] = [];
		for (let probe = 0; probe < 4; probe++) {
			now += s.holdMs;
			expect(raiseOnDemand(s, now, true)).toBe(true); // 2 → 3
			now += 10;
			lowerOnThrottle(s, now); // the other process still uses 2: the raise failed, back to 2
			lowerOnThrottle(s, now); // a second 429 of the burst lowers again but does not double again
			expect(s.limit).toBe(1);
			holds.push(s.holdMs);
			s.limit = 2; // keep the scenario at 2 + 2
		}
		expect(holds).toEqual([2_000, 4_000, 4_000, 4_000]);
		now += s.holdMs;
		expect(raiseOnDemand(s, now, true)).toBe(true); // 2 → 3, and it holds:
		now += s.holdMs;
		expect(raiseOnDemand(s, now, true)).toBe(true); // 3 → 4
		expect(s.holdMs).toBe(1_000);
		expect(raiseOnDemand(s, now + 10_000, true)).toBe(false); // at the cap
		expect(s.limit).toBe(4);
	});

	test('an idle lane keeps what it learned for a while, then forgets it', () => {
		const s = newLaneLimit(4, 0, TUNING);
		expect(forgettable(s, 0)).toBe(true);
		lowerOnThrottle(s, 0);
		expect(forgettable(s, 59_999)).toBe(false);
		expect(forgettable(s, 60_000)).toBe(true);
	});
});

describe('gate with the adaptive limit', () => {
	// Holds and pauses run on jest's clock: a stalled machine cannot let a hold pass between two
	// lines.
	beforeEach(() => jest.useFakeTimers(FAKE_TIMERS));
	afterEach(() => jest.useRealTimers());

	test('a concurrency 429 pauses and lowers the lane; other 429s pause without lowering', async () => {
		const gate = new MailboxGate(4, TUNING);
		gate.pause('a', { ...CONCURRENCY, until: Date.now() + 20 });
		// b's pause ends first, so its timer has fired (and the idle lane gone) before a's waiters
		// start.
		gate.pause('b', { status: 429, code: 'TooManyRequests', message: 'x', until: Date.now() + 10 });
		expect(gate.limitOf('a')).toBe(3);
		expect(gate.limitOf('b')).toBe(4);
		const started: number[] = [];
		const admitted = Promise.all(
			Array.from({ length: 3 }, (_, i) =>
				gate.acquire('a', FAR).then((release) => {
					started.push(i);
					return release;
				}),
			),
		);
		await jest.advanceTimersByTimeAsync(19);
		expect(started).toEqual([]); // a's pause holds them
		await jest.advanceTimersByTimeAsync(1);
		const releases = await admitted;
		const fourth = gate.acquire('a', FAR).then((release) => {
			started.push(3);
			return release;
		});
		await tick();
		expect(started).toEqual([0, 1, 2]); // three slots now
		releases[0]();
		(await fourth)();
		for (const release of releases.slice(1)) release();
		await tick();
		// The lowered lane is remembered while idle; the other one is forgotten.
		expect(gate.size).toBe(1);
		expect(gate.limitOf('a')).toBe(3);
		gate.clearPauses();
		expect(gate.limitOf('a')).toBe(4);
	});

	test('the env cap is a hard cap: a busy lane never rises above it', async () => {
		const gate = new MailboxGate(2, { ...TUNING, minHoldMs: 0 });
		const held = await Promise.all([gate.acquire('a', FAR), gate.acquire('a', FAR)]);
		const started: number[] = [];
		const queued = [0, 1, 2].map((i) =>
			gate.acquire('a', FAR).then((release) => {
				started.push(i);
				return release;
			}),
		);
		held[0](); // completion with demand and no hold: would raise, but 2 is the cap
		await tick();
		await tick();
		expect(started).toEqual([0]);
		expect(gate.limitOf('a')).toBe(2);
		held[1]();
		const [r0, r1] = await Promise.all(queued.slice(0, 2));
		r0();
		r1();
		(await queued[2])();
	});

	test('a busy lane with no concurrency 429 for the hold gets its slot back', async () => {
		const gate = new MailboxGate(4, { ...TUNING, minHoldMs: 30 });
		gate.pause('a', { ...CONCURRENCY, until: Date.now() + 1 });
		gate.pause('a', { ...CONCURRENCY, until: Date.now() + 1 });
		expect(gate.limitOf('a')).toBe(2);
		const heldP = Promise.all([gate.acquire('a', FAR), gate.acquire('a', FAR)]);
		await jest.advanceTimersByTimeAsync(1); // the pause ends
		const held = await heldP;
		const queued = [gate.acquire('a', FAR), gate.acquire('a', FAR)];
		await jest.advanceTimersByTimeAsync(40); // past the 30 ms hold
		held[0](); // a completion with requests waiting, past the hold: one slot more
		await tick();
		expect(gate.limitOf('a')).toBe(3);
		const admitted = await Promise.all(queued); // both start: 3 slots, 1 + 2 in use
		held[1]();
		for (const release of admitted) release();
	});
});
