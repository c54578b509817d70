// The warnings and infos of /api/v1/query and /api/v1/query_range, worded and placed as Prometheus 3 does: each
// points at the expression it is about (the positional argument named at each call site of promql/functions.go
// and engine.go), rendered by AsStrings as " (line:column)" with the column in bytes, at most 10 of each kind.
// Prometheus 2.42, the peer on this machine, predates annotations, so these expectations come from 3.x's code.

import { describe, expect, it } from 'vitest';
import { queryRoutes } from '../../aggregator/api/query.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';

const T = 1_700_000_000_000;
const S = T / 1000;
const NOT_COUNTER = 'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket:';
const BAD_QUANTILE = 'PromQL warning: quantile value should be between 0 and 1, got';
const SORT = 'PromQL warning: sort is ineffective for range queries since results are always ordered by labels';
const BAD_LE = 'PromQL warning: bucket label "le" is missing or has a malformed value of';

function storage() {
  const q = memoryStorage();
  const series = (labels: Record<string, string>, value: (i: number) => number) => {
    for (let i = 0; i <= 40; i++) q.append(labels, T - 600_000 + i * 15_000, value(i));
  };
  series({ __name__: 'node_load1', job: 'a' }, (i) => (i % 7) / 2);
  for (const [le, n] of [['0.1', 1], ['1', 4], ['+Inf', 9]] as const) series({ __name__: 'req_bucket', job: 'a', le }, (i) => n * i);
  series({ __name__: 'no_le', job: 'a' }, (i) => i);
  series({ __name__: 'bad_le', job: 'a', le: 'x' }, (i) => i);
  for (let k = 1; k <= 12; k++) series({ __name__: `gauge${k}`, job: 'a' }, (i) => i * k);
  return q;
}

async function annotations(path: string, query: string, extra: Record<string, string> = {}) {
  const app = queryRoutes(storage(), () => T, DEFAULT_ENGINE);
  const res = await app.request(`${path}?${new URLSearchParams({ query, ...extra })}`);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return { warnings: body.warnings ?? [], infos: body.infos ?? [] };
}

const instant = (query: string) => annotations('/api/v1/query', query, { time: String(S) });
const range = (query: string, start = S - 120) => annotations('/api/v1/query_range', query, { start: String(start), end: String(S), step: '60' });

describe('annotation positions in /api/v1/query', () => {
  it.each([
    // rate() and increase() point at their range argument (engine.go: e.Args[0].PositionRange()).
    ['rate(node_load1[5m])', [], [`${NOT_COUNTER} "node_load1" (1:6)`]],
    ['increase( node_load1[5m] offset 1m)', [], [`${NOT_COUNTER} "node_load1" (1:11)`]],
    ['sum(\n  rate(node_load1[5m])\n)', [], [`${NOT_COUNTER} "node_load1" (2:8)`]],
    // One annotation per message, at the place evaluated last; columns count UTF-8 bytes (é is two).
    ['rate(node_load1{job!="é"}[5m]) + rate(node_load1[5m])', [], [`${NOT_COUNTER} "node_load1" (1:40)`]],
    // A subquery argument is replaced by a selector without a position: the query's start.
    ['sum(rate(node_load1[5m:1m]))', [], [`${NOT_COUNTER} "node_load1" (1:1)`]],
    // histogram_quantile: the quantile at args[0], bucket problems at args[1] (functions.go, resetHistograms).
    ['histogram_quantile(1.5, req_bucket)', [`${BAD_QUANTILE} 1.5 (1:20)`], []],
    ['histogram_quantile(0.5, sum by (job) (no_le))', [`${BAD_LE} "" (1:25)`], []],
    ['histogram_quantile(0.5,\n\tsum by (job, le) (bad_le))', [`${BAD_LE} "x" (2:2)`], []],
    ['histogram_fraction(0, 1, sum by (job) (no_le))', [`${BAD_LE} "" (1:26)`], []],
    // quantile_over_time points at its quantile; parentheses around an argument are dropped first.
    ['quantile_over_time(2, node_load1[5m])', [`${BAD_QUANTILE} 2 (1:20)`], []],
    ['quantile_over_time(((-0.5)), node_load1[5m])', [`${BAD_QUANTILE} -0.5 (1:22)`], []],
    // Aggregations point at their parameter (aggExpr.Param.PositionRange()), also without its parentheses.
    ['quantile(1.5, node_load1)', [`${BAD_QUANTILE} 1.5 (1:10)`], []],
    ['quantile by (job) ((NaN), node_load1)', [`${BAD_QUANTILE} NaN (1:21)`], []],
    ['limit_ratio(1.5, node_load1)', ['PromQL warning: ratio value should be between -1 and 1, got 1.5, capping to 1 (1:13)'], []],
    // An instant query has one step: sort works there and gets no warning.
    ['sort(node_load1)', [], []],
  ])('%s', async (query, warnings, infos) => {
    expect(await instant(query)).toEqual({ warnings, infos });
  });
});

describe('annotation positions in /api/v1/query_range', () => {
  it.each([
    // engine.go: NewSortInRangeQueryWarning(e.PositionRange()), the call itself.
    ['sort(node_load1)', [`${SORT} (1:1)`], []],
    ['sum(sort_desc(node_load1))', [`${SORT} (1:5)`], []],
    ['sort(node_load1) + sort_by_label(node_load1, "job")', [`${SORT} (1:20)`], []],
    ['sort(sort(node_load1))', [`${SORT} (1:1)`], []],
    ['rate(node_load1[5m])', [], [`${NOT_COUNTER} "node_load1" (1:6)`]],
  ])('%s', async (query, warnings, infos) => {
    expect(await range(query)).toEqual({ warnings, infos });
  });

  it('warns about sort only over more than one step (ev.startTimestamp != ev.endTimestamp)', async () => {
    expect(await range('sort(node_load1)', S)).toEqual({ warnings: [], infos: [] });
  });
});

describe('annotation caps', () => {
  const sumOf = (terms: string[]) => terms.join(' + ');

  it('renders 10 warnings and 10 infos, then how many more there were', async () => {
    const quantiles = Array.from({ length: 12 }, (_, k) => k + 2);
    const warned = await instant(sumOf(quantiles.map((q) => `quantile_over_time(${q}, node_load1[5m])`)));
    expect(warned.infos).toEqual([]);
    expect(warned.warnings).toHaveLength(11);
    expect(warned.warnings[10]).toBe('2 more warning annotations omitted');
    for (const w of warned.warnings.slice(0, 10)) expect(w).toMatch(new RegExp(`^${BAD_QUANTILE} (\\d+) \\(1:\\d+\\)$`));
    expect(new Set(warned.warnings).size).toBe(11);

    const rates = Array.from({ length: 12 }, (_, k) => `rate(gauge${k + 1}[5m])`);
    const query = sumOf(rates);
    const informed = await instant(query);
    expect(informed.infos).toHaveLength(11);
    expect(informed.infos[10]).toBe('2 more info annotations omitted');
    for (const info of informed.infos.slice(0, 10)) {
      const [, name, column] = /^.+: "(gauge\d+)" \(1:(\d+)\)$/.exec(info) ?? [];
      expect(info.startsWith(NOT_COUNTER)).toBe(true);
      expect(Number(column)).toBe(query.indexOf(`${name}[`) + 1);
    }
  });

  it('renders exactly 10 without a summary line', async () => {
    const rates = Array.from({ length: 10 }, (_, k) => `rate(gauge${k + 1}[5m])`);
    const { infos } = await instant(sumOf(rates));
    expect(infos).toHaveLength(10);
    expect(infos.every((i: string) => i.startsWith(NOT_COUNTER))).toBe(true);
  });
});
