// One dashboard from /api/dashboards/<id>: its variables as selects, its panels as charts in a 24-column grid.
// URL state (#/d/host?var-instance=x&range=6h&refresh=30s) uses Grafana's var- names, so links carry over.
import { api } from './api.js';
import { drawChart } from './chart.js';
import { refreshMs, rangeSelect, refreshSelect } from './controls.js';
import { h, message, select } from './dom.js';
import { formatDuration, legendFor, parseDuration } from './format.js';
import { rangeParams, rateInterval } from './series.js';
import { resolveVariables, substitute } from './variables.js';

/** Pixels per grid row, as Grafana's gridPos.h counts them (less the panel's title). */
const ROW_PX = 30;

function panelView(panel, index) {
  const chart = h('div', { className: 'chart' });
  const note = h('p', { className: 'note muted', hidden: true });
  const el = h(
    'section',
    { className: 'panel', dataset: { panel: String(index) }, style: `grid-column: span ${panel.width}` },
    h('h3', { title: panel.description || '' }, panel.title),
    chart,
    note,
  );
  return { panel, el, chart, note, view: undefined };
}

async function drawPanel(p, values, time, signal) {
  const perTarget = await Promise.all(
    p.panel.targets.map((t) =>
      api.queryRange(substitute(t.expr, values), time, signal).then((d) => d.result.map((s) => ({ label: legendFor(t.legend, s.metric), values: s.values }))),
    ),
  );
  const series = perTarget.flat();
  p.view?.();
  p.view = undefined;
  p.note.hidden = series.length > 0;
  p.note.className = 'note muted';
  p.note.textContent = 'No data in this time range.';
  p.el.dataset.series = String(series.length);
  if (!series.length) return;
  const { unit, min, max, height } = p.panel;
  p.view = drawChart(p.chart, { series, unit, min, max, start: time.start, end: time.end, height: Math.max(120, height * ROW_PX - 70) });
}

export async function render(root, ctx) {
  const { signal, params } = ctx;
  const d = await api.dashboard(ctx.arg, signal);
  const rangeText = params.get('range') || d.range;
  const range = parseDuration(rangeText) ?? 3600;
  const refresh = params.get('refresh') || d.refresh;
  const state = Object.fromEntries(params);
  const go = (change) => ctx.navigate({ ...state, ...change });

  const time = rangeParams(range, Date.now() / 1000, 0);
  const builtins = { __interval: formatDuration(time.step), __rate_interval: formatDuration(rateInterval(time.step)), __range: rangeText };
  const chosen = Object.fromEntries(d.variables.map((v) => [v.name, params.get(`var-${v.name}`)]));
  const lookups = {
    labelValues: (label, start, end) => api.labelValues(label, start, end, signal),
    series: (match, start, end) => api.series(match, start, end, signal),
  };
  const { variables, values } = await resolveVariables(d.variables, chosen, lookups, { start: time.start, end: time.end, builtins });

  const controls = h(
    'form',
    { className: 'controls', onsubmit: (ev) => ev.preventDefault() },
    variables.map((v) => select(`var-${v.name}`, v.label, v.options.map((o) => [o, o]), v.value, (value) => go({ [`var-${v.name}`]: value }))),
    rangeSelect(rangeText, (value) => go({ range: value })),
    refreshSelect(refresh, (value) => go({ refresh: value })),
  );
  const panels = d.panels.map(panelView);
  root.append(
    h('div', { className: 'page-head' }, h('h2', null, d.title), d.description ? h('p', { className: 'muted' }, d.description) : null),
    controls,
    ...variables.filter((v) => !v.options.length).map((v) => message(`No values for $${v.name}: nothing matches ${d.variables.find((x) => x.name === v.name).query}.`)),
    h('div', { className: 'grid', id: 'panels' }, panels.map((p) => p.el)),
  );
  ctx.onCleanup(() => panels.forEach((p) => p.view?.()));

  const draw = async () => {
    // The window slides with the clock; the step, and with it $__interval, stays as the range set it.
    const now = rangeParams(range, Date.now() / 1000, time.step);
    await Promise.all(
      panels.map((p) =>
        drawPanel(p, values, now, signal).catch((err) => {
          if (signal.aborted) return;
          p.note.hidden = false;
          p.note.className = 'note error';
          p.note.textContent = err.message;
        }),
      ),
    );
    ctx.updated();
  };
  await draw();
  ctx.every(refreshMs(refresh), draw);
}
