import { Readable } from 'node:stream';

import { fixedChunks, readNextExpected } from '../../nodes/shared/transport/uploadSession';

async function collect(stream: Readable, size: number): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for await (const chunk of fixedChunks(stream, size)) out.push(chunk);
	return out;
}

test('re-chunks uneven stream pieces into exact sizes, last one shorter, bytes unchanged', async () => {
	const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
	const pieces = [
		data.subarray(0, 7),
		data.subarray(7, 300),
		data.subarray(300, 301),
		data.subarray(301),
	];
	const chunks = await collect(Readable.from(pieces), 128);
	expect(chunks.map((c) => c.length)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
	expect(Buffer.concat(chunks).equals(data)).toBe(true);
});

test('an exact multiple yields no empty tail', async () => {
	const chunks = await collect(Readable.from([Buffer.alloc(256, 1)]), 128);
	expect(chunks.map((c) => c.length)).toEqual([128, 128]);
});

test.each([
	['camelCase', '{"expirationDateTime":"x","nextExpectedRanges":["327680-"]}', 327680],
	['PascalCase', '{"ExpirationDateTime":"x","NextExpectedRanges":["327680-655359"]}', 327680],
	['no ranges', '{"expirationDateTime":"x"}', undefined],
	['not a list', '{"nextExpectedRanges":"5-"}', undefined],
	['not JSON', '<html>', undefined],
])('the next expected byte is read from a %s answer', (_case, body, expected) => {
	expect(readNextExpected(Buffer.from(body))).toBe(expected);
});
