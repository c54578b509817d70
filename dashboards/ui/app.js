// Outpost dashboard. Plain script (no modules, no build) so the aggregator can serve it as-is offline.
'use strict';

const AGENTS_REFRESH_MS = 5000;
const MAX_POINTS = 240;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd',
  '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

// ---- pure helpers (kept DOM-free so tests can evaluate them in a VM) ----

// Prometheus' own text form: name{a="x", b="y"} with labels sorted and values quoted/escaped.
function metricLabel(metric) {
  const { __name__: name = '', ...labels } = metric || {};
  const pairs = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(String(labels[k]))}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

// uPlot cannot place NaN or +/-Inf on a scale; a gap is the honest rendering.
function toNumber(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// uPlot wants one shared x array; series missing a timestamp get null so they show a gap, not a fake line.
function align(result) {
  const stamps = new Set();
  for (const s of result) for (const [t] of s.values) stamps.add(Number(t));
  const xs = [...stamps].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = result.map((s) => {
    const col = new Array(xs.length).fill(null);
    for (const [t, v] of s.values) col[index.get(Number(t))] = toNumber(v);
    return col;
  });
  return [xs, ...ys];
}

// Integer steps keep the request simple for any parser and cap the graph at MAX_POINTS points.
function stepFor(rangeSeconds) {
  return Math.max(1, Math.ceil(rangeSeconds / MAX_POINTS));
}

function fmtAgo(ms, now) {
  if (ms == null) return 'never';
  // Browser and aggregator clocks differ slightly; never show "in the future".
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

// ---- network ----

async function getJSON(url, signal) {
  const res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  // Prometheus puts the useful message in the body, whatever the HTTP status.
  if (body && body.status === 'error') throw new Error(body.error || body.errorType || `HTTP ${res.status}`);
  if (!res.ok || !body || body.status !== 'success') throw new Error(`HTTP ${res.status}: unexpected response`);
  return body.data;
}

// ---- DOM ----

const $ = (id) => document.getElementById(id);

function show(id, text) {
  const el = $(id);
  el.textContent = text;
  el.hidden = !text;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderAgents(agents) {
  const now = Date.now();
  const rows = [...agents].sort((a, b) => String(a.agent).localeCompare(String(b.agent))).map((a) => {
    const tr = document.createElement('tr');
    const badge = document.createElement('span');
    badge.className = a.online ? 'badge online' : 'badge';
    badge.textContent = a.online ? 'online' : 'offline';
    const status = cell('');
    status.append(badge);
    const seen = cell(fmtAgo(a.lastSeen, now));
    if (a.lastSeen != null) seen.title = new Date(a.lastSeen).toLocaleString();
    if (a.lastSeq != null) tr.title = `last batch seq ${a.lastSeq}`;
    tr.append(cell(String(a.agent)), status, seen,
      cell(Number(a.batches).toLocaleString(), 'num'), cell(Number(a.samples).toLocaleString(), 'num'));
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement('tr');
    const td = cell('No agent has reported yet.', 'muted');
    td.colSpan = 5;
    tr.append(td);
    rows.push(tr);
  }
  $('agents').tBodies[0].replaceChildren(...rows);
}

async function refreshAgents() {
  // Polling a hidden tab only burns the edge box's CPU and the laptop's battery.
  if (!document.hidden) {
    try {
      renderAgents(await getJSON('/api/agents', AbortSignal.timeout(AGENTS_REFRESH_MS)));
      $('agents-status').className = 'muted';
      show('agents-status', `updated ${new Date().toLocaleTimeString()}`);
    } catch (err) {
      $('agents-status').className = 'error';
      show('agents-status', `agents unavailable: ${err.message}`);
    }
  }
  // Chained rather than setInterval so a slow aggregator never gets overlapping requests.
  setTimeout(refreshAgents, AGENTS_REFRESH_MS);
}

let chart = null;
let inflight = null;

function chartSize() {
  const width = $('chart').clientWidth;
  return { width, height: Math.max(200, Math.min(400, Math.round(width * 0.45))) };
}

function clearChart() {
  if (chart) chart.destroy();
  chart = null;
}

function draw(result) {
  clearChart();
  const opts = {
    ...chartSize(),
    scales: { x: { time: true } },
    series: [{}, ...result.map((s, i) => ({
      label: metricLabel(s.metric),
      stroke: COLORS[i % COLORS.length],
      width: 1.5,
    }))],
    axes: [{}, { size: 60 }],
  };
  chart = new uPlot(opts, align(result), $('chart'));
}

async function runQuery(ev) {
  if (ev) ev.preventDefault();
  const query = $('query').value.trim();
  const range = Number($('range').value);
  show('query-error', '');
  if (!query) return show('query-error', 'Enter a series selector, e.g. node_load1');

  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({
    query, start: String(end - range), end: String(end), step: String(stepFor(range)),
  });
  // A newer click supersedes an older, possibly slow, query so results never arrive out of order.
  if (inflight) inflight.abort();
  const ctl = (inflight = new AbortController());
  show('graph-note', 'Loading...');
  try {
    const data = await getJSON(`/api/v1/query_range?${params}`, ctl.signal);
    if (data.resultType !== 'matrix') throw new Error(`expected a matrix result, got ${data.resultType}`);
    show('graph-note', data.result.length ? '' : 'No data for this selector in the chosen range.');
    if (data.result.length) draw(data.result);
    else clearChart();
    // Keeps the current graph across reloads and makes it shareable.
    history.replaceState(null, '', `?${new URLSearchParams({ q: query, range: String(range) })}`);
  } catch (err) {
    if (ctl.signal.aborted) return;
    clearChart();
    show('graph-note', '');
    show('query-error', err.message);
  }
}

function init() {
  const params = new URLSearchParams(location.search);
  if (params.get('q')) $('query').value = params.get('q');
  const range = params.get('range');
  if (range && [...$('range').options].some((o) => o.value === range)) $('range').value = range;

  $('query-form').addEventListener('submit', runQuery);
  $('range').addEventListener('change', runQuery);
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => chart && chart.setSize(chartSize()), 100);
  });

  refreshAgents();
  runQuery();
}

if (typeof document !== 'undefined') init();
