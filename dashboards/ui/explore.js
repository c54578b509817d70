// Explore: any PromQL as a graph (query_range) or a table (an instant query), over a chosen range, end and step,
// optionally refreshed. A syntax error is shown where it is: the API's line:column mark the spot in the query.
import { api } from './api.js';
import { drawChart } from './chart.js';
import { refreshMs, rangeSelect, refreshSelect } from './controls.js';
import { h, message, table } from './dom.js';
import { formatValue, metricLabel, parseDuration } from './format.js';
import { locate, parseErrorPosition } from './promql-error.js';
import { rangeParams } from './series.js';

/** A graph with more lines than this is unreadable and slow to draw; the rest are counted, not drawn. */
const MAX_SERIES = 100;
const CHECK_DELAY_MS = 400;

function errorView() {
  const text = h('p', { className: 'error-text' });
  const mark = h('pre', { className: 'error-mark', hidden: true });
  const box = h('div', { className: 'query-error', id: 'explore-error', role: 'alert', hidden: true }, text, mark);
  return {
    box,
    clear(input) {
      box.hidden = true;
      delete box.dataset.line;
      delete box.dataset.column;
      input.classList.remove('invalid');
    },
    /** The message, and for a syntax error its line with the spot marked and a caret under it. */
    show(err, query, input) {
      box.hidden = false;
      text.textContent = err.message;
      const pos = parseErrorPosition(err.message);
      mark.hidden = !pos;
      if (!pos) return;
      const at = locate(query, pos.line, pos.column);
      const prefix = `${at.lineNumber} | `;
      const line = at.lineText;
      mark.replaceChildren(
        prefix,
        line.slice(0, at.char),
        h('mark', null, line.slice(at.char, at.char + 1) || ' '),
        line.slice(at.char + 1),
        `\n${' '.repeat(prefix.length + at.char)}^ ${pos.message}`,
      );
      box.dataset.line = String(pos.line);
      box.dataset.column = String(pos.column);
      input.classList.add('invalid');
      input.setSelectionRange(at.offset, Math.min(at.offset + 1, query.length));
    },
  };
}

function instantTable(data) {
  const { resultType, result } = data;
  if (resultType === 'scalar' || resultType === 'string') return table('explore-table', [['Value']], [[String(result[1])]], '');
  const rows = result.slice(0, MAX_SERIES * 10).map((s) =>
    resultType === 'matrix'
      ? [metricLabel(s.metric), s.values.map(([t, v]) => `${v} @${t}`).join('\n')]
      : [metricLabel(s.metric), [formatValue(Number(s.value[1]), 'none'), 'num']],
  );
  return table('explore-table', [['Series'], ['Value', 'num']], rows, 'No data: the query matched no series.');
}

export async function render(root, ctx) {
  const { signal, params } = ctx;
  const state = {
    q: params.get('q') || '',
    range: params.get('range') || '1h',
    end: params.get('end') || '',
    step: params.get('step') || '',
    refresh: params.get('refresh') || 'off',
    view: params.get('view') === 'table' ? 'table' : 'graph',
  };
  const input = h('textarea', { id: 'expr', rows: 2, spellcheck: false, placeholder: 'PromQL, e.g. rate(node_network_receive_bytes_total[5m])', value: state.q });
  const endInput = h('input', { id: 'end', type: 'datetime-local', step: 1, value: state.end, title: 'End of the range; empty for now' });
  const stepInput = h('input', { id: 'step', type: 'text', size: 6, placeholder: 'auto', value: state.step, title: 'Resolution: a duration (15s) or seconds' });
  const submit = (change = {}) => ctx.navigate({ ...state, q: input.value, end: endInput.value, step: stepInput.value.trim(), ...change });
  const view = (name, text) => h('label', { className: 'control' }, h('input', { type: 'radio', name: 'view', value: name, checked: state.view === name, onchange: () => submit({ view: name }) }), text);
  const form = h(
    'form',
    { id: 'explore-form', className: 'explore-form', onsubmit: (ev) => (ev.preventDefault(), submit()) },
    h('label', { className: 'sr-only', htmlFor: 'expr' }, 'PromQL query'),
    input,
    h('button', { type: 'submit' }, 'Run'),
    h(
      'div',
      { className: 'controls' },
      rangeSelect(state.range, (range) => submit({ range })),
      h('label', { className: 'control' }, h('span', null, 'End'), endInput),
      h('label', { className: 'control' }, h('span', null, 'Step'), stepInput),
      refreshSelect(state.refresh, (refresh) => submit({ refresh })),
      view('graph', 'Graph'),
      view('table', 'Table'),
    ),
  );
  const error = errorView();
  const note = h('p', { className: 'muted', id: 'explore-note' });
  const result = h('div', { id: 'explore-result' });
  root.append(h('h2', null, 'Explore'), form, error.box, note, result);

  // Enter runs the query, Shift+Enter adds a line (PromQL may span lines; errors then name the line).
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      submit();
    }
  });
  // Syntax is checked while typing (parse_query), so a mistake is marked before anything runs.
  let checkTimer;
  let checking;
  input.addEventListener('input', () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      checking?.abort();
      const ctl = (checking = new AbortController());
      const query = input.value;
      if (!query.trim()) return error.clear(input);
      try {
        await api.parseQuery(query, AbortSignal.any([signal, ctl.signal]));
        error.clear(input);
      } catch (err) {
        if (!ctl.signal.aborted && !signal.aborted) error.show(err, query, input);
      }
    }, CHECK_DELAY_MS);
  });
  ctx.onCleanup(() => clearTimeout(checkTimer));

  let chart;
  ctx.onCleanup(() => chart?.());
  const run = async () => {
    const query = state.q;
    const endSeconds = state.end ? Date.parse(state.end) / 1000 : Date.now() / 1000;
    const stepSeconds = parseDuration(state.step) ?? (Number(state.step) || 0);
    const started = performance.now();
    try {
      let content;
      let summary;
      if (state.view === 'graph') {
        const time = rangeParams(parseDuration(state.range) ?? 3600, endSeconds, stepSeconds);
        const data = await api.queryRange(query, time, signal);
        const series = data.result.slice(0, MAX_SERIES).map((s) => ({ label: metricLabel(s.metric), values: s.values }));
        chart?.();
        chart = undefined;
        content = h('div', { className: 'chart', id: 'explore-chart' });
        summary = `${data.result.length} series, step ${time.step} s`;
        if (data.result.length > MAX_SERIES) summary += ` (the first ${MAX_SERIES} drawn)`;
        result.replaceChildren(content);
        if (series.length) chart = drawChart(content, { series, start: time.start, end: time.end, height: 320 });
        else result.replaceChildren(message('No data: the query matched no series in this range.'));
      } else {
        const data = await api.query(query, endSeconds, signal);
        result.replaceChildren(instantTable(data));
        summary = `${data.resultType}${Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string' ? `, ${data.result.length} series` : ''}`;
      }
      error.clear(input);
      note.textContent = `${summary} · ${Math.round(performance.now() - started)} ms`;
      ctx.updated();
    } catch (err) {
      if (signal.aborted) return;
      chart?.();
      chart = undefined;
      result.replaceChildren();
      note.textContent = '';
      error.show(err, query, input);
    }
  };
  if (state.q.trim()) {
    await run();
    ctx.every(refreshMs(state.refresh), run);
  } else {
    note.textContent = 'Enter a PromQL expression and press Enter.';
  }
}
