// Time series charts with uPlot (served from the aggregator, never a CDN; index.html loads its minified build, which
// defines the global uPlot). Each chart element keeps its uPlot instance as `el.uplot`: the resize observer needs it,
// and the browser tests read the drawn data from it.
const { uPlot } = globalThis;
import { formatValue } from './format.js';
import { align } from './series.js';

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function latest(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
  return null;
}

/**
 * Draws `series` ([{ label, values: [[t, "v"], …] }]) over [start, end] (seconds) into `el`; returns the function
 * that removes it. `min`/`max` pin the y axis (a percentage panel from 0 to 100); otherwise it fits the data.
 */
export function drawChart(el, { series, unit = 'short', min, max, start, end, height = 220, sync = 'outpost' }) {
  const yRange = (_u, lo, hi) => {
    let [a, b] = lo == null || hi == null ? [0, 1] : uPlot.rangeNum(lo, hi, 0.1, true);
    if (min != null) a = min;
    if (max != null) b = max;
    return b > a ? [a, b] : [a, a + 1];
  };
  const opts = {
    width: Math.max(200, el.clientWidth),
    height,
    // Hovering one chart marks the same moment on every chart of the page.
    cursor: { sync: { key: sync } },
    scales: { x: { time: true, range: () => [start, end] }, y: { range: yRange } },
    series: [
      { value: (_u, t) => (t == null ? '' : new Date(t * 1000).toLocaleString()) },
      // Away from the cursor the legend shows each series' latest value, as a glance at the panel should.
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 1.5,
        value: (u, v, sidx, idx) => formatValue(idx == null ? latest(u.data[sidx]) : v, unit),
      })),
    ],
    axes: [{}, { size: 80, values: (_u, splits) => splits.map((v) => formatValue(v, unit)) }],
  };
  const u = new uPlot(opts, align(series.map((s) => s.values)), el);
  el.uplot = u;
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, el.clientWidth);
    if (width !== u.width) u.setSize({ width, height });
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    u.destroy();
    delete el.uplot;
  };
}
