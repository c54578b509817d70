// Query results shaped for uPlot, and the time parameters of range queries. No DOM: tested in Node.
import { toNumber } from './format.js';

/** Most points a graph asks for: more than a panel has pixels is wasted work on a small edge box. */
export const MAX_POINTS = 240;
/** What Grafana assumes a Prometheus data source scrapes at, for $__rate_interval. */
export const DEFAULT_SCRAPE_SECONDS = 15;

/**
 * uPlot wants one shared x array: the union of every series' timestamps, each series null where it has no sample
 * (so it shows a gap, not a made-up line).
 */
export function align(seriesValues) {
  const stamps = new Set();
  for (const values of seriesValues) for (const [t] of values) stamps.add(Number(t));
  const xs = [...stamps].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = seriesValues.map((values) => {
    const col = new Array(xs.length).fill(null);
    for (const [t, v] of values) col[index.get(Number(t))] = toNumber(v);
    return col;
  });
  return [xs, ...ys];
}

/** Whole seconds, so any parser accepts the step, and at most MAX_POINTS points. */
export function stepFor(rangeSeconds, maxPoints = MAX_POINTS) {
  return Math.max(1, Math.ceil(rangeSeconds / maxPoints));
}

/**
 * Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval), so a rate() window always
 * holds at least four samples whatever the zoom.
 */
export function rateInterval(stepSeconds, scrapeSeconds = DEFAULT_SCRAPE_SECONDS) {
  return Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds);
}

/** Start, end and step of a range query ending at `endSeconds` (now, unless the user picked an end). */
export function rangeParams(rangeSeconds, endSeconds, stepSeconds) {
  const end = Math.floor(endSeconds);
  const step = stepSeconds > 0 ? stepSeconds : stepFor(rangeSeconds);
  return { start: end - rangeSeconds, end, step };
}
