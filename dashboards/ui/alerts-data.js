// Alerts from /api/v1/alerts and rules from /api/v1/rules (Prometheus' shapes), arranged for the pages.
// No DOM: tested in Node.
import { metricLabel } from './format.js';

const STATE_ORDER = { firing: 0, pending: 1 };

/** Firing before pending, then by name and labels; each row's labels without alertname, sorted. */
export function alertRows(alerts) {
  return (alerts || [])
    .filter((a) => a.state === 'firing' || a.state === 'pending')
    .map((a) => {
      const { alertname = '', ...labels } = a.labels || {};
      return {
        name: alertname,
        state: a.state,
        labels: Object.keys(labels).sort().map((k) => [k, String(labels[k])]),
        annotations: Object.keys(a.annotations || {}).sort().map((k) => [k, String(a.annotations[k])]),
        activeAt: a.activeAt ? Date.parse(a.activeAt) : null,
        value: a.value,
        key: metricLabel(a.labels || {}),
      };
    })
    .sort((x, y) => STATE_ORDER[x.state] - STATE_ORDER[y.state] || x.name.localeCompare(y.name) || x.key.localeCompare(y.key));
}

/** The agent an alert is about: its `agent` label, else its `instance` (what the agents' own series carry). */
export function alertAgent(alert) {
  const labels = alert.labels || {};
  return labels.agent ?? labels.instance;
}

/** Firing alerts per agent id. */
export function firingByAgent(alerts) {
  const counts = new Map();
  for (const a of alerts || []) {
    if (a.state !== 'firing') continue;
    const agent = alertAgent(a);
    if (agent !== undefined) counts.set(agent, (counts.get(agent) ?? 0) + 1);
  }
  return counts;
}

/** How many alerting rules the aggregator evaluates, from /api/v1/rules' groups. */
export function alertingRuleCount(groups) {
  return (groups || []).reduce((n, g) => n + (g.rules || []).filter((r) => r.type === 'alerting').length, 0);
}
