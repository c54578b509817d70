import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DashboardError, parseDashboard, parseLabelValues, substituteVariables } from '../../../aggregator/http/dashboard-definition.ts';

const MINIMAL = { title: 'T', panels: [{ title: 'P', targets: [{ expr: 'up' }] }] };
const parse = (value: unknown) => parseDashboard(JSON.stringify(value, null, 2), 'd.json');
const problem = (value: unknown) => {
  try {
    parse(value);
  } catch (err) {
    expect(err).toBeInstanceOf(DashboardError);
    return (err as Error).message;
  }
  throw new Error('expected a DashboardError');
};
const withPanel = (panel: Record<string, unknown>) => ({ ...MINIMAL, panels: [{ ...MINIMAL.panels[0], ...panel }] });

describe('dashboard definitions', () => {
  it('fill in defaults', () => {
    expect(parse(MINIMAL)).toEqual({
      title: 'T',
      tags: [],
      range: '1h',
      refresh: '30s',
      variables: [],
      panels: [{ title: 'P', unit: 'short', width: 12, height: 8, targets: [{ expr: 'up' }] }],
    });
  });

  it('ship a host dashboard with a $instance variable and CPU, memory, disk, network and temperature panels', () => {
    const text = readFileSync(new URL('../../../dashboards/host.json', import.meta.url), 'utf8');
    const host = parseDashboard(text, 'host.json');
    expect(host.variables).toEqual([{ name: 'instance', label: 'Host', query: 'label_values(node_uname_info, instance)' }]);
    const exprs = host.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'node_cpu_seconds_total',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
      'node_filesystem_avail_bytes',
      'node_filesystem_size_bytes',
      'node_network_receive_bytes_total',
      'node_network_transmit_bytes_total',
      'node_hwmon_temp_celsius',
      'node_thermal_zone_temp',
    ]) {
      expect(exprs).toContain(metric);
    }
    for (const p of host.panels) for (const t of p.targets) expect(t.expr, p.title).toContain('instance="$instance"');
  });

  it('report bad JSON with its line and column', () => {
    expect(() => parseDashboard('{\n  "title": "T",\n  "panels": []\n  "tags": []\n}', 'host.json')).toThrow(
      "host.json: 4:3: invalid JSON: Expected ',' or '}' after property value",
    );
    // Where V8 names no position, its message still says what is wrong.
    expect(() => parseDashboard('{\n  "panels": [,]\n}', 'host.json')).toThrow(/^host\.json: invalid JSON: Unexpected token ','/);
  });

  it.each([
    [{ ...MINIMAL, titel: 'x' }, 'd.json: titel: unknown field (expected one of title, description, tags, range, refresh, variables, panels)'],
    [{ ...MINIMAL, title: '' }, 'd.json: title: expected a non-empty string'],
    [{ ...MINIMAL, range: 'an hour' }, 'd.json: range: expected a duration such as 30s or 1h'],
    [{ ...MINIMAL, refresh: 'never' }, 'd.json: refresh: expected a duration such as 30s or 1h, or "off"'],
    [withPanel({ unit: 'kelvin' }), 'd.json: panels[0].unit: expected one of short, none, percent'],
    [withPanel({ width: 25 }), 'd.json: panels[0].width: expected a number from 1 to 24'],
    [withPanel({ targets: [] }), 'd.json: panels[0].targets: a panel needs at least one query'],
    [withPanel({ targets: [{ expr: 'up', legnd: 'x' }] }), 'd.json: panels[0].targets[0].legnd: unknown field'],
    [withPanel({ targets: [{ expr: 'sum(rate(x[5m])' }] }), 'd.json: panels[0].targets[0].expr: 1:16: parse error: unclosed left parenthesis'],
    [withPanel({ targets: [{ expr: 'rate(x{i="$nope"}[$__rate_interval]) +' }] }), 'd.json: panels[0].targets[0].expr: 1:39: parse error: unexpected end of input'],
    [{ ...MINIMAL, variables: [{ name: 'i', query: 'up' }] }, 'd.json: variables[0].query: expected label_values(label) or label_values(selector, label)'],
    [{ ...MINIMAL, variables: [{ name: '__x', query: 'label_values(job)' }] }, 'd.json: variables[0].name: expected a name'],
    [{ ...MINIMAL, variables: [{ name: 'i', query: 'label_values(up{, job)' }] }, 'd.json: variables[0].query selector: 1:4: parse error'],
    [{ ...MINIMAL, variables: [{ name: 'i', query: 'label_values(job)' }, { name: 'i', query: 'label_values(job)' }] }, 'd.json: variables[1].name: variable i is declared twice'],
    [{ ...MINIMAL, panels: Array(51).fill(MINIMAL.panels[0]) }, 'd.json: panels: at most 50 entries'],
  ])('refuse %j', (value, message) => {
    expect(problem(value)).toContain(message);
  });

  it('take variables in queries, also in the queries of later variables', () => {
    const d = parse({
      ...MINIMAL,
      variables: [
        { name: 'instance', query: 'label_values(node_uname_info, instance)' },
        { name: 'mount', query: 'label_values(node_filesystem_size_bytes{instance="$instance"}, mountpoint)' },
      ],
      panels: [{ title: 'P', unit: 'bytes', targets: [{ expr: 'rate(x{instance="${instance}", m="$mount"}[$__rate_interval])', legend: '{{m}}' }] }],
    });
    expect(d.variables.map((v) => v.name)).toEqual(['instance', 'mount']);
  });

  it('substitute $name and ${name}, leaving unknown names', () => {
    expect(substituteVariables('a{i="$instance",j="${instance}x"}[$__rate_interval] $other', { instance: 'h1', __rate_interval: '1m' })).toBe(
      'a{i="h1",j="h1x"}[1m] $other',
    );
  });

  it('read both label_values forms', () => {
    expect(parseLabelValues('label_values(instance)')).toEqual({ label: 'instance' });
    expect(parseLabelValues(' label_values( up{job="a,b"} , instance ) ')).toEqual({ selector: 'up{job="a,b"}', label: 'instance' });
    expect(parseLabelValues('label_names()')).toBeUndefined();
  });
});
