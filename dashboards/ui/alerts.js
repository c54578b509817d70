// Alerts firing and pending, from /api/v1/alerts, with their labels and annotations (Prometheus' shapes, so the
// page fills in as soon as the aggregator evaluates rules).
import { api } from './api.js';
import { alertingRuleCount, alertRows } from './alerts-data.js';
import { badge, h, message, table } from './dom.js';
import { fmtAgo, formatValue } from './format.js';

const REFRESH_MS = 15_000;

const chips = (pairs) => h('span', { className: 'chips' }, pairs.map(([k, v]) => h('span', { className: 'chip' }, `${k}=${v}`)));

const notes = (pairs) =>
  h(
    'dl',
    { className: 'annotations' },
    pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );

export async function render(root, ctx) {
  const summary = h('p', { className: 'muted', id: 'alerts-summary' });
  const holder = h('div');
  root.append(h('h2', null, 'Alerts'), summary, holder);

  const load = async () => {
    const [data, rules] = await Promise.all([api.alerts(ctx.signal), api.rules(ctx.signal).catch(() => null)]);
    const rows = alertRows(data.alerts);
    const now = Date.now();
    const firing = rows.filter((r) => r.state === 'firing').length;
    const ruleText = rules == null ? '' : ` · ${alertingRuleCount(rules.groups)} alerting rules loaded`;
    summary.textContent = `${firing} firing, ${rows.length - firing} pending${ruleText}`;
    const t = table(
      'alerts',
      [['State'], ['Alert'], ['Labels'], ['Annotations'], ['Active since'], ['Value', 'num']],
      rows.map((r) => [
        badge(r.state, r.state),
        h('strong', null, r.name),
        chips(r.labels),
        notes(r.annotations),
        h('span', { title: r.activeAt != null ? new Date(r.activeAt).toLocaleString() : '' }, fmtAgo(r.activeAt, now)),
        [r.value == null ? '' : formatValue(Number(r.value), 'none'), 'num'],
      ]),
      'No alerts are firing or pending.',
    );
    t.querySelectorAll('tbody tr').forEach((tr, i) => rows[i] && (tr.dataset.state = rows[i].state));
    holder.replaceChildren(t);
    if (rules != null && alertingRuleCount(rules.groups) === 0) holder.append(message('The aggregator evaluates no alerting rules yet.'));
    ctx.updated();
  };
  await load();
  ctx.every(REFRESH_MS, load);
}
