import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDashboard } from '../../../aggregator/http/dashboard-definition.ts';
import { grafanaExports, toGrafana } from '../../../aggregator/http/grafana-export.ts';

const DIR = fileURLToPath(new URL('../../../dashboards', import.meta.url));

interface GrafanaPanel {
  id: number;
  type: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource: { type: string; uid: string };
  fieldConfig: { defaults: { unit: string; min?: number; max?: number } };
  targets: Array<{ refId: string; expr: string; legendFormat?: string; datasource: { uid: string } }>;
}

describe('the Grafana exports', () => {
  it('are exactly what the generator makes from the Outpost dashboards (npm run dashboards:grafana)', () => {
    const exports = grafanaExports(DIR);
    expect(exports.map((e) => e.file.slice(DIR.length + 1))).toEqual(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => `grafana/${f}`));
    for (const { file, text } of exports) expect(readFileSync(file, 'utf8'), file).toBe(text);
    // Nothing stale either: a removed dashboard takes its export with it.
    expect(readdirSync(`${DIR}/grafana`).map((f) => `${DIR}/grafana/${f}`).sort()).toEqual(exports.map((e) => e.file).sort());
  });

  it('ask for a Prometheus data source on import and use it in every panel, query and variable', () => {
    const g = JSON.parse(readFileSync(`${DIR}/grafana/host.json`, 'utf8'));
    expect(g.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(g.uid).toBe('outpost-host');
    expect(g.id).toBeNull();
    expect(g.templating.list).toEqual([
      expect.objectContaining({ name: 'instance', type: 'query', query: 'label_values(node_uname_info, instance)', datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' } }),
    ]);
    for (const p of g.panels as GrafanaPanel[]) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      for (const t of p.targets) expect(t.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('carry each panel over: title, unit, limits, queries with legends and distinct refIds', () => {
    const outpost = parseDashboard(readFileSync(`${DIR}/host.json`, 'utf8'), 'host.json');
    const g = toGrafana('host', outpost) as { panels: GrafanaPanel[]; time: unknown; refresh: string };
    expect(g.time).toEqual({ from: `now-${outpost.range}`, to: 'now' });
    expect(g.refresh).toBe(outpost.refresh);
    expect(g.panels).toHaveLength(outpost.panels.length);
    g.panels.forEach((gp, i) => {
      const op = outpost.panels[i]!;
      expect(gp).toMatchObject({ id: i + 1, type: 'timeseries', title: op.title });
      expect(gp.fieldConfig.defaults.unit).toBe(op.unit);
      expect(gp.fieldConfig.defaults.min).toBe(op.min);
      expect(gp.fieldConfig.defaults.max).toBe(op.max);
      expect(gp.targets.map((t) => [t.expr, t.legendFormat])).toEqual(op.targets.map((t) => [t.expr, t.legend]));
      expect(new Set(gp.targets.map((t) => t.refId)).size).toBe(gp.targets.length);
    });
  });

  it('lay panels out on the 24-column grid without overlaps', () => {
    const outpost = parseDashboard(readFileSync(`${DIR}/host.json`, 'utf8'), 'host.json');
    const { panels } = toGrafana('host', outpost) as { panels: GrafanaPanel[] };
    const cells = new Set<string>();
    for (const { gridPos: g } of panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    expect(panels.map((p) => [p.gridPos.x, p.gridPos.y])).toEqual([[0, 0], [12, 0], [0, 8], [12, 8], [0, 16], [12, 16], [0, 24]]);
  });
});
