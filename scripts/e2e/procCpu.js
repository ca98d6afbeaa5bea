'use strict';
/**
 * CPU time (user + system, ms) of whole process groups from /proc: an n8n process with its task
 * runners.
 */
const fs = require('node:fs');

const TICK_MS = 10; // USER_HZ is 100 on Linux

function groupCpuMs(groupIds) {
	const wanted = new Set(groupIds);
	let ticks = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // ended meanwhile
		}
		// Fields after the command name (which may hold spaces): state ppid pgrp … utime(14) stime(15).
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (wanted.has(Number(f[2]))) ticks += Number(f[11]) + Number(f[12]);
	}
	return ticks * TICK_MS;
}

module.exports = { groupCpuMs };
