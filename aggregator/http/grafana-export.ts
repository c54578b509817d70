// Outpost dashboards as Grafana dashboard JSON, for Grafana → Dashboards → Import against an Outpost aggregator
// added as a Prometheus data source. Generated (dashboards/export-grafana.ts), never edited, so the two never drift.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDashboard, type Dashboard, type DashboardPanel } from './dashboard-definition.ts';

/** The import asks which Prometheus data source to use and writes its uid wherever this placeholder stands. */
export const DATASOURCE_INPUT = 'DS_PROMETHEUS';
const DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_INPUT}}` } as const;

/** Oldest Grafana whose dashboard schema (39) and time series panel this output was written against. */
const GRAFANA_VERSION = '10.0.0';

const GRID_COLUMNS = 24;

interface GridPos {
  readonly h: number;
  readonly w: number;
  readonly x: number;
  readonly y: number;
}

/** Panels flow left to right and wrap, as the dashboard page lays them out in its 24-column grid. */
function layout(panels: readonly DashboardPanel[]): GridPos[] {
  const out: GridPos[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const p of panels) {
    if (x + p.width > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    out.push({ h: p.height, w: p.width, x, y });
    x += p.width;
    rowHeight = Math.max(rowHeight, p.height);
  }
  return out;
}

const refIds = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));

function panel(p: DashboardPanel, id: number, gridPos: GridPos): Record<string, unknown> {
  const ids = refIds(p.targets.length);
  return {
    datasource: DATASOURCE,
    ...(p.description !== undefined ? { description: p.description } : {}),
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false },
      },
      overrides: [],
    },
    gridPos,
    id,
    options: {
      legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'none' },
    },
    targets: p.targets.map((t, i) => ({
      datasource: DATASOURCE,
      editorMode: 'code',
      expr: t.expr,
      ...(t.legend !== undefined ? { legendFormat: t.legend } : {}),
      range: true,
      refId: ids[i],
    })),
    title: p.title,
    type: 'timeseries',
  };
}

/** The Grafana dashboard for an Outpost dashboard; `id` becomes its uid (outpost-<id>). */
export function toGrafana(id: string, d: Dashboard): Record<string, unknown> {
  const grid = layout(d.panels);
  return {
    __inputs: [
      {
        name: DATASOURCE_INPUT,
        label: 'Prometheus',
        description: 'The Outpost aggregator, added as a Prometheus data source',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    __elements: {},
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
    ],
    annotations: { list: [] },
    ...(d.description !== undefined ? { description: d.description } : {}),
    editable: true,
    fiscalYearStartMonth: 0,
    // Shared crosshair: hovering one panel marks the same moment in all of them, as the Outpost page does.
    graphTooltip: 1,
    id: null,
    links: [],
    panels: d.panels.map((p, i) => panel(p, i + 1, grid[i] as GridPos)),
    refresh: d.refresh === 'off' ? '' : d.refresh,
    schemaVersion: 39,
    tags: ['outpost', ...d.tags.filter((t) => t !== 'outpost')],
    templating: {
      list: d.variables.map((v) => ({
        current: {},
        datasource: DATASOURCE,
        definition: v.query,
        hide: 0,
        includeAll: false,
        ...(v.label !== undefined ? { label: v.label } : {}),
        multi: false,
        name: v.name,
        options: [],
        query: v.query,
        // 2: refresh the values whenever the time range changes, so a newly enrolled host shows up.
        refresh: 2,
        regex: '',
        skipUrlSync: false,
        sort: 1,
        type: 'query',
      })),
    },
    time: { from: `now-${d.range}`, to: 'now' },
    timepicker: {},
    timezone: '',
    title: d.title,
    uid: `outpost-${id}`,
    version: 1,
    weekStart: '',
  };
}

/** The file text: stable key order and a final newline, so regenerating an unchanged dashboard changes nothing. */
export function grafanaJson(id: string, d: Dashboard): string {
  return `${JSON.stringify(toGrafana(id, d), null, 2)}\n`;
}

/** The Grafana file for each dashboard in `dir` (grafana/<id>.json beside them); an invalid dashboard throws. */
export function grafanaExports(dir: string): Array<{ readonly file: string; readonly text: string }> {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const id = name.slice(0, -'.json'.length);
      const dashboard = parseDashboard(readFileSync(join(dir, name), 'utf8'), join(dir, name));
      return { file: join(dir, 'grafana', name), text: grafanaJson(id, dashboard) };
    });
}
