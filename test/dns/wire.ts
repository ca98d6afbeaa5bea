/**
 * Just enough of the DNS wire format (RFC 1035 §4) for a test server: read the question of a query
 * and write an answer with TXT or CNAME records.
 */
export const TYPE = { CNAME: 5, TXT: 16 } as const;
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export interface Question {
	id: number;
	flags: number;
	name: string;
	type: number;
	/** The question section as sent, echoed in the answer. */
	raw: Buffer;
}

export function readQuestion(msg: Buffer): Question | undefined {
	if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
	const labels: string[] = [];
	let at = 12;
	while (at < msg.length && msg[at] !== 0) {
		const len = msg[at];
		if (len > 63 || at + 1 + len > msg.length) return undefined;
		labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
		at += 1 + len;
	}
	if (at + 5 > msg.length) return undefined;
	const end = at + 5;
	return {
		id: msg.readUInt16BE(0),
		flags: msg.readUInt16BE(2),
		name: labels.join('.').toLowerCase(),
		type: msg.readUInt16BE(at + 1),
		raw: msg.subarray(12, end),
	};
}

export function encodeName(name: string): Buffer {
	const parts = name
		.replace(/\.$/, '')
		.split('.')
		.filter(Boolean)
		.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
	return Buffer.concat([...parts, Buffer.from([0])]);
}

export interface Answer {
	type: number;
	/** TXT: the record's character-strings (each ≤ 255 bytes); CNAME: the target name. */
	data: string[] | string;
}

function rdata(answer: Answer): Buffer {
	if (answer.type === TYPE.CNAME) return encodeName(answer.data as string);
	return Buffer.concat(
		(answer.data as string[]).map((s) => {
			const bytes = Buffer.from(s, 'utf8');
			if (bytes.length > 255) throw new Error('TXT character-string longer than 255 bytes');
			return Buffer.concat([Buffer.from([bytes.length]), bytes]);
		}),
	);
}

export function writeAnswer(q: Question, rcode: number, answers: Answer[]): Buffer {
	const header = Buffer.alloc(12);
	header.writeUInt16BE(q.id, 0);
	// QR=1, opcode copied, AA=1, RD copied, RA=1, rcode.
	header.writeUInt16BE(
		0x8000 | (q.flags & 0x7800) | 0x0400 | (q.flags & 0x0100) | 0x0080 | rcode,
		2,
	);
	header.writeUInt16BE(1, 4);
	header.writeUInt16BE(answers.length, 6);
	const records = answers.map((a) => {
		const body = rdata(a);
		const fixed = Buffer.alloc(12);
		fixed.writeUInt16BE(0xc00c, 0); // name: pointer to the question's name at offset 12
		fixed.writeUInt16BE(a.type, 2);
		fixed.writeUInt16BE(1, 4); // class IN
		fixed.writeUInt32BE(300, 6);
		fixed.writeUInt16BE(body.length, 10);
		return Buffer.concat([fixed, body]);
	});
	return Buffer.concat([header, q.raw, ...records]);
}
