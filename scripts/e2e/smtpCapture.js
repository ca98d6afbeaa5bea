'use strict';
/**
 * A local SMTP server on 127.0.0.1 (npm smtp-server) that keeps every message n8n's Send Email node
 * submits: the SMTP envelope (MAIL FROM / RCPT TO, where Bcc recipients only appear) and the raw
 * RFC 5322 text, parsed with mailparser. Plain SMTP without STARTTLS, with AUTH PLAIN/LOGIN
 * accepted for one user, like a relay.
 */
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');
const rt = require('../lib/n8n-runtime');

/** Bounds what one test message may be; the e2e messages are a few hundred KB at most. */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

async function startSmtpCapture({ user, password }) {
	const messages = [];
	const server = new SMTPServer({
		secure: false,
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		authMethods: ['PLAIN', 'LOGIN'],
		size: MAX_MESSAGE_BYTES,
		logger: false,
		onAuth(auth, _session, cb) {
			if (auth.username === user && auth.password === password) return cb(null, { user });
			return cb(
				Object.assign(new Error('535 5.7.8 Authentication credentials invalid'), {
					responseCode: 535,
				}),
			);
		},
		onData(stream, session, cb) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', async () => {
				const raw = Buffer.concat(chunks);
				try {
					// keepCidLinks: compare the HTML as sent, not with cid: links turned into data: URIs.
					const parsed = await simpleParser(raw, { keepCidLinks: true });
					messages.push({
						raw,
						parsed,
						envelope: {
							from: session.envelope.mailFrom && session.envelope.mailFrom.address,
							to: session.envelope.rcptTo.map((r) => r.address),
						},
						authUser: session.user,
					});
					cb();
				} catch (e) {
					cb(e);
				}
			});
		},
	});
	const port = await rt.freePort();
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	rt.log(`SMTP capture server on 127.0.0.1:${port}`);
	return {
		port,
		messages,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startSmtpCapture };
