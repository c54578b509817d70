// Every dashboard the aggregator loaded from its dashboards directory.
import { api } from './api.js';
import { h, message } from './dom.js';

export async function render(root, ctx) {
  const list = await api.dashboards(ctx.signal);
  root.append(h('h2', null, 'Dashboards'));
  if (!list.length) {
    root.append(message('No dashboards are loaded: put *.json files in the aggregator\'s --dashboards-dir.'));
    return;
  }
  root.append(
    h(
      'ul',
      { className: 'dashboard-list', id: 'dashboard-list' },
      list.map((d) =>
        h(
          'li',
          null,
          h('a', { href: `#/d/${encodeURIComponent(d.id)}` }, d.title),
          h('span', { className: 'muted' }, ` · ${d.panels} panels${d.variables.length ? ` · $${d.variables.join(', $')}` : ''}`),
          d.description ? h('p', { className: 'muted' }, d.description) : null,
        ),
      ),
    ),
  );
  ctx.updated();
}
