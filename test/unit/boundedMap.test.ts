import { BoundedMap } from '../../nodes/shared/boundedMap';

describe('BoundedMap (explicit clock)', () => {
	test('the least recently used entry goes first when the cap is reached', () => {
		const map = new BoundedMap<string, number>(2);
		map.set('a', 1);
		map.set('b', 2);
		expect(map.get('a')).toBe(1); // a is now the most recent
		map.set('c', 3);
		expect(map.size).toBe(2);
		expect(map.get('b')).toBeUndefined();
		expect([map.get('a'), map.get('c')]).toEqual([1, 3]);
	});

	test('entries expire after their time to live; a per-entry one overrides the default', () => {
		let now = 1_000;
		const map = new BoundedMap<string, string>(10, 100, () => now);
		map.set('short', 'x');
		map.set('long', 'y', Infinity);
		now += 99;
		expect(map.get('short')).toBe('x');
		now += 1;
		expect(map.get('short')).toBeUndefined();
		expect(map.size).toBe(1);
		now += 1e9;
		expect(map.get('long')).toBe('y');
	});

	test('setting a key again replaces its value and keeps one entry', () => {
		const map = new BoundedMap<string, number>(3);
		map.set('a', 1);
		map.set('a', 2);
		expect(map.size).toBe(1);
		expect(map.get('a')).toBe(2);
		map.delete('a');
		expect(map.get('a')).toBeUndefined();
		map.set('b', 1);
		map.clear();
		expect(map.size).toBe(0);
	});

	test('entries in use stay beyond the cap; the least recently used free one goes, and is told', () => {
		const dropped: string[] = [];
		const busy = new Set(['a']);
		const map = new BoundedMap<string, string>(2, Infinity, Date.now, {
			evictable: (v) => !busy.has(v),
			onEvict: (v) => dropped.push(v),
		});
		map.set('a', 'a');
		map.set('b', 'b');
		map.set('c', 'c');
		expect([...map.keys()]).toEqual(['a', 'c']);
		expect(dropped).toEqual(['b']);
		busy.add('c');
		map.set('d', 'd');
		expect(map.size).toBe(3); // nothing may go but the newest
		map.delete('d');
		expect(dropped).toEqual(['b']); // delete() is not an eviction
	});

	test('an expired entry may always go, in use or not; keys() and live() skip it', () => {
		let now = 0;
		const map = new BoundedMap<string, number>(1, Infinity, () => now, { evictable: () => false });
		map.set('old', 1, 10);
		now = 10;
		expect([...map.keys()]).toEqual([]);
		map.set('new', 2);
		expect([...map.live()]).toEqual([['new', 2]]);
	});

	test('a large map goes a tenth below its cap at once, least recently used first', () => {
		const map = new BoundedMap<number, number>(100);
		for (let i = 0; i < 100; i++) map.set(i, i);
		expect(map.peek(0)).toBe(0); // peek() does not make 0 the most recent
		map.set(100, 100);
		expect(map.size).toBe(90);
		expect([...map.keys()][0]).toBe(11);
		expect(map.get(100)).toBe(100);
	});
});
