import {
	GateTimeoutError,
	mailboxKeyOf,
	MailboxGate,
	processLimit,
} from '../../nodes/shared/transport/mailboxGate';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const FAR = Date.now() + 60_000;

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
	const gate = new MailboxGate(4);
	gate.pause('a', {
		until: Date.now() + 150,
		status: 429,
		code: 'ApplicationThrottled',
		message: 'm',
	});
	const before = Date.now();
	const release = await gate.acquire('a', FAR);
	expect(Date.now() - before).toBeGreaterThanOrEqual(140);
	release();
	expect(gate.size).toBe(0);
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

test('the per-process limit: O365_SEND_MAIL_MAILBOX_CONCURRENCY from 1 to 4, otherwise 4', () => {
	expect(processLimit(undefined)).toBe(4);
	expect(processLimit('2')).toBe(2);
	expect(processLimit('1')).toBe(1);
	for (const bad of ['0', '5', '2.5', 'two', '']) expect(processLimit(bad)).toBe(4);
});
