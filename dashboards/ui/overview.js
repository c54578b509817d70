// Fleet overview: every agent the aggregator knows, online or not, with its queue backlog (the agent's own
// outpost_agent_queue_* metrics), load, and the alerts firing about it.
import { api } from './api.js';
import { firingByAgent } from './alerts-data.js';
import { badge, h, table } from './dom.js';
import { fmtAgo, formatValue } from './format.js';
import { FLEET_QUERIES, fleetRows, fleetTotals } from './fleet-data.js';

const REFRESH_MS = 10_000;

function card(id, label, value, href) {
  const body = [h('span', { className: 'card-value' }, value), h('span', { className: 'card-label' }, label)];
  return href ? h('a', { className: 'card', id, href }, body) : h('div', { className: 'card', id }, body);
}

/** A percentage as a number and a bar, so a hot host stands out in a long list. */
function gauge(v) {
  if (v == null) return ['–', 'num muted'];
  const bar = h('span', { className: 'bar' }, h('span', { style: `width:${Math.min(100, Math.max(0, v)).toFixed(0)}%` }));
  return [h('span', { className: 'gauge' }, bar, formatValue(v, 'percent')), 'num'];
}

function rowCells(r, now) {
  const seen = h('span', { title: r.lastSeen != null ? new Date(r.lastSeen).toLocaleString() : '' }, fmtAgo(r.lastSeen, now));
  const host = `#/d/host?${new URLSearchParams({ 'var-instance': r.agent })}`;
  return [
    h('a', { href: host }, r.agent),
    badge(r.online ? 'online' : 'offline', r.online ? 'online' : 'offline'),
    seen,
    [formatValue(r.queueBatches, 'none'), 'num'],
    [r.queueBytes == null ? '–' : formatValue(r.queueBytes, 'bytes'), 'num'],
    [r.oldestQueued == null ? '–' : formatValue(r.oldestQueued, 's'), 'num'],
    gauge(r.cpu),
    gauge(r.memory),
    [r.firing > 0 ? h('a', { href: '#/alerts', className: 'firing' }, String(r.firing)) : '0', 'num'],
    [Number(r.samples).toLocaleString(), 'num'],
  ];
}

const HEADERS = [
  ['Agent'],
  ['Status'],
  ['Last seen'],
  ['Queued batches', 'num'],
  ['Queued bytes', 'num'],
  ['Oldest queued', 'num'],
  ['CPU', 'num'],
  ['Memory', 'num'],
  ['Firing alerts', 'num'],
  ['Samples', 'num'],
];

export async function render(root, ctx) {
  const cards = h('div', { className: 'cards', id: 'fleet-summary' });
  const holder = h('div');
  root.append(h('h2', null, 'Fleet'), cards, holder);
  const { signal } = ctx;

  const load = async () => {
    const keys = Object.keys(FLEET_QUERIES);
    // The registry is the list of agents; metrics and alerts only add columns, so their failure blanks a column.
    const [agents, alerts, ...results] = await Promise.all([
      api.agents(signal),
      api.alerts(signal).then((d) => d.alerts, () => []),
      ...keys.map((k) => api.query(FLEET_QUERIES[k], undefined, signal).then((d) => d.result, () => [])),
    ]);
    const vectors = Object.fromEntries(keys.map((k, i) => [k, results[i]]));
    const rows = fleetRows(agents, vectors, firingByAgent(alerts));
    const totals = fleetTotals(rows, alerts);
    const now = Date.now();
    cards.replaceChildren(
      card('card-online', 'agents online', `${totals.online} / ${totals.agents}`),
      card('card-firing', 'alerts firing', String(totals.firing), '#/alerts'),
      card('card-queued', 'batches queued on agents', formatValue(totals.queuedBatches, 'none')),
    );
    const t = table('fleet', HEADERS, rows.map((r) => rowCells(r, now)), 'No agent has reported yet: start one with outpost agent --broker mqtt://<this host>:1883');
    rows.forEach((r, i) => {
      const tr = t.querySelectorAll('tbody tr')[i];
      tr.dataset.agent = r.agent;
      tr.classList.toggle('offline', !r.online);
    });
    holder.replaceChildren(t);
    ctx.updated();
  };
  await load();
  ctx.every(REFRESH_MS, load);
}
