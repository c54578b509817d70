// The page's DOM-free modules, imported as the browser imports them (plain ES modules, no build).
import { describe, expect, it } from 'vitest';

/* eslint-disable @typescript-eslint/no-explicit-any -- the modules are untyped JavaScript */
const load = (name: string): Promise<any> => import(new URL(`../../dashboards/ui/${name}`, import.meta.url).href);
const format = await load('format.js');
const series = await load('series.js');
const variables = await load('variables.js');
const promqlError = await load('promql-error.js');
const alertsData = await load('alerts-data.js');
const fleetData = await load('fleet-data.js');

/** What Prometheus' /api/v1/alerts answers while rules fire (web/api/v1 Alert: labels, annotations, state, activeAt, value). */
const CANNED_ALERTS = [
  { labels: { alertname: 'DiskFull', instance: 'host-b', severity: 'page' }, annotations: { summary: 'Disk / on host-b is 97% full' }, state: 'pending', activeAt: '2024-05-01T10:00:00Z', value: '9.7e+01' },
  { labels: { alertname: 'HighLoad', instance: 'host-a', severity: 'warn' }, annotations: { description: 'load > 4', summary: 'Host busy' }, state: 'firing', activeAt: '2024-05-01T09:00:00.5Z', value: '5.25e+00' },
  { labels: { alertname: 'AgentQueueGrowing', agent: 'host-a', instance: 'ignored' }, annotations: {}, state: 'firing', activeAt: '2024-05-01T09:30:00Z', value: '120' },
  { labels: { alertname: 'Watchdog' }, annotations: {}, state: 'firing', activeAt: '2024-05-01T08:00:00Z', value: '1' },
  { labels: { alertname: 'Old', instance: 'host-a' }, annotations: {}, state: 'inactive', value: '0' },
];

describe('format.js', () => {
  it('names series as Prometheus prints them and fills legend templates', () => {
    expect(format.metricLabel({ __name__: 'node_load1', b: 'y', agent: 'x' })).toBe('node_load1{agent="x", b="y"}');
    expect(format.metricLabel({ job: 'a"b' })).toBe('{job="a\\"b"}');
    expect(format.legendFor('{{device}} received on {{ instance }}{{nope}}', { device: 'eth0', instance: 'h1' })).toBe('eth0 received on h1');
    expect(format.legendFor(undefined, { __name__: 'up', job: 'j' })).toBe('up{job="j"}');
  });

  it.each([
    [1536, 'bytes', '1.5 KiB'],
    [20 * 1024 ** 3, 'bytes', '20 GiB'],
    [1500, 'Bps', '1.5 kB/s'],
    [42.123, 'percent', '42.1 %'],
    [0.5, 'percentunit', '50 %'],
    [45, 'celsius', '45 °C'],
    [0.25, 's', '250 ms'],
    [5400, 's', '1.5 h'],
    [2_500_000, 'short', '2.5 M'],
    [12, 'short', '12'],
    [1.8e9, 'hertz', '1.8 GHz'],
    [null, 'bytes', '–'],
    [Infinity, 'short', '+Inf'],
  ])('formats %s in %s as %s', (v, unit, text) => {
    expect(format.formatValue(v, unit)).toBe(text);
  });

  it('reads and writes Prometheus durations and says how long ago', () => {
    expect(format.parseDuration('5m')).toBe(300);
    expect(format.parseDuration('1h30m')).toBeUndefined();
    expect(format.formatDuration(60)).toBe('1m');
    expect(format.formatDuration(90)).toBe('90s');
    expect(format.fmtAgo(null, 0)).toBe('never');
    expect(format.fmtAgo(1_000, 43_000)).toBe('42 s ago');
    expect(format.fmtAgo(50_000, 43_000)).toBe('0 s ago');
  });
});

describe('series.js', () => {
  it('aligns series on the union of timestamps, with null for gaps and non-finite values', () => {
    const data = series.align([
      [[10, '1'], [20, 'NaN'], [30, '3']],
      [[15, '+Inf'], [20, '2'], [30, '-Inf']],
    ]);
    expect(data).toEqual([[10, 15, 20, 30], [1, null, null, 3], [null, null, 2, null]]);
  });

  it('picks steps of whole seconds, at most 240 points, and $__rate_interval as Grafana does', () => {
    expect(series.stepFor(300)).toBe(2);
    expect(series.stepFor(60)).toBe(1);
    expect(series.stepFor(86400)).toBe(360);
    expect(series.rateInterval(2)).toBe(60);
    expect(series.rateInterval(360)).toBe(375);
    expect(series.rangeParams(3600, 10_000.7, 0)).toEqual({ start: 6400, end: 10_000, step: 15 });
    expect(series.rangeParams(3600, 10_000, 60)).toEqual({ start: 6400, end: 10_000, step: 60 });
  });
});

describe('variables.js', () => {
  it('fills each variable in order, later queries using earlier values, keeping a chosen value only if offered', async () => {
    const calls: string[] = [];
    const api = {
      labelValues: async (label: string) => (calls.push(`values ${label}`), ['host-b', 'host-10', 'host-2']),
      series: async (match: string) => (calls.push(`series ${match}`), [{ mountpoint: '/' }, { mountpoint: '/boot' }, { mountpoint: '/' }, {}]),
    };
    const defs = [
      { name: 'instance', label: 'Host', query: 'label_values(instance)' },
      { name: 'mount', query: 'label_values(node_filesystem_size_bytes{instance="$instance"}, mountpoint)' },
    ];
    const a = await variables.resolveVariables(defs, { instance: 'host-b', mount: '/gone' }, api, { start: 1, end: 2 });
    expect(a.variables).toEqual([
      { name: 'instance', label: 'Host', options: ['host-2', 'host-10', 'host-b'], value: 'host-b' },
      { name: 'mount', label: 'mount', options: ['/', '/boot'], value: '/' },
    ]);
    expect(calls).toEqual(['values instance', 'series node_filesystem_size_bytes{instance="host-b"}']);
    const b = await variables.resolveVariables(defs.slice(0, 1), { instance: 'unknown' }, api, { start: 1, end: 2, builtins: { __rate_interval: '1m' } });
    expect(b.values).toEqual({ __rate_interval: '1m', instance: 'host-2' });
    expect(variables.substitute('rate(x{i="$instance"}[${__rate_interval}])', b.values)).toBe('rate(x{i="host-2"}[1m])');
  });
});

describe('promql-error.js', () => {
  it('reads the position from the API message', () => {
    expect(promqlError.parseErrorPosition('invalid parameter "query": 1:16: parse error: unclosed left parenthesis')).toEqual({ line: 1, column: 16, message: 'unclosed left parenthesis' });
    expect(promqlError.parseErrorPosition('invalid parameter "query": unknown position: parse error: no expression found in input')).toBeUndefined();
    expect(promqlError.parseErrorPosition('query timed out in expression evaluation')).toBeUndefined();
  });

  it('locates a byte column in the query, on any line, counting a multi-byte character once', () => {
    expect(promqlError.locate('foo bar', 1, 5)).toEqual({ lineText: 'foo bar', lineNumber: 1, char: 4, offset: 4 });
    expect(promqlError.locate('up +\n  on(', 2, 6)).toEqual({ lineText: '  on(', lineNumber: 2, char: 5, offset: 10 });
    // "ä" is two bytes: byte column 11 is the tenth character, the "y".
    expect(promqlError.locate('x{a="ä"} y', 1, 11)).toMatchObject({ char: 9 });
    expect(promqlError.locate('sum(rate(x[5m])', 1, 16)).toMatchObject({ char: 15, offset: 15 });
  });
});

describe('alerts-data.js with a Prometheus-shaped /api/v1/alerts answer', () => {
  it('lists firing before pending, without inactive ones, labels and annotations sorted', () => {
    const rows = alertsData.alertRows(CANNED_ALERTS);
    expect(rows.map((r: any) => [r.state, r.name])).toEqual([
      ['firing', 'AgentQueueGrowing'],
      ['firing', 'HighLoad'],
      ['firing', 'Watchdog'],
      ['pending', 'DiskFull'],
    ]);
    expect(rows[1]).toMatchObject({
      labels: [['instance', 'host-a'], ['severity', 'warn']],
      annotations: [['description', 'load > 4'], ['summary', 'Host busy']],
      activeAt: Date.parse('2024-05-01T09:00:00.5Z'),
      value: '5.25e+00',
    });
  });

  it('counts firing alerts per agent (agent label first, else instance) and alerting rules', () => {
    expect([...alertsData.firingByAgent(CANNED_ALERTS)]).toEqual([['host-a', 2]]);
    expect(alertsData.alertRows([])).toEqual([]);
    const groups = [{ rules: [{ type: 'alerting' }, { type: 'recording' }] }, { rules: [{ type: 'alerting' }] }];
    expect(alertsData.alertingRuleCount(groups)).toBe(2);
    expect(alertsData.alertingRuleCount([])).toBe(0);
  });
});

describe('fleet-data.js', () => {
  it('joins the registry with the agents\' own metrics and the firing alerts', () => {
    const vec = (pairs: Array<[string, string]>) => pairs.map(([instance, v]) => ({ metric: { instance }, value: [1, v] }));
    const rows = fleetData.fleetRows(
      [
        { agent: 'host-b', online: false, lastSeen: 5, batches: 3, samples: 30 },
        { agent: 'host-a', online: true, lastSeen: 9, batches: 7, samples: 70 },
      ],
      { queueBatches: vec([['host-a', '4'], ['host-b', '0']]), queueBytes: vec([['host-a', '2048']]), cpu: vec([['host-a', 'NaN']]) },
      alertsData.firingByAgent(CANNED_ALERTS),
    );
    expect(rows).toEqual([
      { agent: 'host-a', online: true, lastSeen: 9, batches: 7, samples: 70, firing: 2, queueBatches: 4, queueBytes: 2048, oldestQueued: null, cpu: null, memory: null },
      { agent: 'host-b', online: false, lastSeen: 5, batches: 3, samples: 30, firing: 0, queueBatches: 0, queueBytes: null, oldestQueued: null, cpu: null, memory: null },
    ]);
    expect(fleetData.fleetTotals(rows, CANNED_ALERTS)).toEqual({ agents: 2, online: 1, firing: 3, queuedBatches: 4 });
  });
});
