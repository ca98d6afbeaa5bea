'use strict';
// Samples this process's resident set size (process.memoryUsage.rss(), no heap walk) on a timer.

/** Starts sampling every `intervalMs`; `stop()` returns {samples: [{t, rss}], peak, baseline}. */
function sampleRss(intervalMs = 10) {
	const samples = [];
	const take = () => samples.push({ t: performance.now(), rss: process.memoryUsage.rss() });
	take();
	const baseline = samples[0].rss;
	const timer = setInterval(take, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			take();
			return { samples, baseline, peak: Math.max(...samples.map((s) => s.rss)) };
		},
	};
}

/** Peak RSS among samples taken in [from, to] (performance.now() times). */
function peakBetween(samples, from, to) {
	let peak = 0;
	for (const s of samples) if (s.t >= from && s.t <= to && s.rss > peak) peak = s.rss;
	return peak;
}

/**
 * Largest gap between samples: shows whether the event loop was blocked long enough to miss a peak.
 */
function maxGapMs(samples) {
	let gap = 0;
	for (let i = 1; i < samples.length; i++) gap = Math.max(gap, samples[i].t - samples[i - 1].t);
	return gap;
}

function settleGc() {
	if (typeof global.gc === 'function') {
		global.gc();
		global.gc();
	}
}

const MB = 1024 * 1024;

module.exports = { sampleRss, peakBetween, maxGapMs, settleGc, MB };
