'use strict';
/**
 * `npm start` helpers for a first hour that can try every operation: received mail in the demo
 * mailbox (so Reply has something to answer) and n8n's time zone (so a Send At without an offset
 * means the machine's local time).
 */

/**
 * Received messages seeded into the demo sender's mailbox through the simulator's control API
 * (seedMessage).
 */
const RECEIVED = [
	{
		from: { address: 'jane.customer@fabrikam.com', name: 'Jane Customer' },
		subject: 'Question about invoice 1042',
	},
	{
		from: { address: 'ops@fabrikam.com', name: 'Fabrikam Operations' },
		cc: [{ address: 'lead@fabrikam.com', name: 'Team Lead' }],
		subject: 'Delivery window next week',
	},
	{
		from: { address: 'noreply@tickets.fabrikam.com', name: 'Fabrikam Tickets' },
		replyTo: [{ address: 'support@fabrikam.com', name: 'Fabrikam Support' }],
		subject: 'Ticket 7781 updated (answers go to Reply-To)',
	},
];

/** Seeds the messages; returns their Graph ids with what the banner prints. */
async function seedReceivedMail(sim, mailbox) {
	const seeded = [];
	for (const message of RECEIVED) {
		const id = await sim.rpc('seedMessage', {
			mailbox,
			to: [{ address: mailbox }],
			...message,
		});
		seeded.push({ id, from: message.from.address, subject: message.subject });
	}
	return seeded;
}

/** Banner lines: how to answer the seeded messages with Reply. */
function receivedMailLines(seeded) {
	if (!seeded.length) return [];
	return [
		'Received mail to try Reply on (operation Reply › Message ID):',
		...seeded.map((m) => `  ${m.id}   from ${m.from}: ${m.subject}`),
	];
}

/**
 * The time zone n8n uses for dates without an offset (GENERIC_TIMEZONE; n8n's default is
 * America/New_York): the one the user set, else this machine's, else UTC.
 */
function n8nTimeZone(env = process.env) {
	if (env.GENERIC_TIMEZONE) return { zone: env.GENERIC_TIMEZONE, source: 'GENERIC_TIMEZONE' };
	const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
	return machine ? { zone: machine, source: "this machine's" } : { zone: 'UTC', source: 'default' };
}

module.exports = { seedReceivedMail, receivedMailLines, n8nTimeZone, RECEIVED };
