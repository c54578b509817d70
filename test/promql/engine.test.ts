import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import { DEFAULT_ENGINE, instantQuery, rangeQuery } from '../../promql/engine.ts';
import { matchesAll, type Matcher } from '../../promql/matcher.ts';
import type { Queryable, SelectedSeries } from '../../promql/queryable.ts';
import type { Matrix, StoredSample, Vector } from '../../promql/value.ts';
import { columnsOf } from '../../promql/columns.ts';
import { pointsOf, type RangeSeries } from '../../promql/value.ts';

const MIN = 60_000;
const T = 1_700_000_000_000;

type Raw = [t: number, v: number | 'stale'];

/** Storage in a few lines, honouring the Queryable contract: (mint, maxt], ascending, at most one per t. */
function memory(data: Array<[Labels, Raw[]]>): Queryable & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  return {
    calls,
    *select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries> {
      calls.push([mint, maxt]);
      for (const [labels, raw] of data) {
        if (!matchesAll(labels, matchers)) continue;
        const samples: StoredSample[] = raw
          .filter(([t]) => t > mint && t <= maxt)
          .sort((a, b) => a[0] - b[0])
          .map(([t, v]) => (v === 'stale' ? { t, v: NaN, stale: true } : { t, v, stale: false }));
        if (samples.length > 0) yield { labels, ...columnsOf(samples) };
      }
    },
  };
}

const up = (instance: string): Labels => ({ __name__: 'up', instance });
const evalInstant = (q: Queryable, query: string, t: number, opts = {}): Vector => {
  const { value } = instantQuery(q, query, t, opts);
  if (value.type !== 'vector') throw new Error(`expected a vector, got ${value.type}`);
  return value.vector;
};
const evalRange = (q: Queryable, query: string, start: number, end: number, step: number, opts = {}): Matrix => {
  const { value } = rangeQuery(q, query, start, end, step, opts);
  if (value.type !== 'matrix') throw new Error(`expected a matrix, got ${value.type}`);
  return value.matrix;
};
const instant = (q: Queryable, query: string, t: number) => evalInstant(q, query, t).map((s) => [s.metric.instance, s.point.t, s.point.v]);
const range = (q: Queryable, query: string, start: number, end: number, step: number) =>
  evalRange(q, query, start, end, step).map((s) => [s.metric.instance, pointsOf(s).map((p) => [p.t - start, p.v])]);

describe('evalInstant', () => {
  it('returns the newest sample at or before t, stamped with t, for matching series only', () => {
    const q = memory([
      [up('a'), [[T - 30_000, 1], [T - 15_000, 2], [T, 3], [T + 1, 99]]],
      [up('b'), [[T - 60_000, 0]]],
      [{ __name__: 'down', instance: 'a' }, [[T, 5]]],
    ]);
    expect(instant(q, 'up', T)).toEqual([
      ['a', T, 3],
      ['b', T, 0],
    ]);
    expect(instant(q, 'up{instance="a"}', T - 1)).toEqual([['a', T - 1, 2]]);
    expect(instant(q, '{instance=~"a|b"}', T)).toHaveLength(3);
  });

  it('keeps the metric labels, __name__ included', () => {
    const q = memory([[up('a'), [[T, 1]]]]);
    expect(evalInstant(q, 'up', T)[0]?.metric).toEqual({ __name__: 'up', instance: 'a' });
  });

  it('looks back 5 minutes, left-open: exactly 5m old is gone, 4m59.999s old is still there', () => {
    const q = memory([
      [up('exact'), [[T - 5 * MIN, 1]]],
      [up('inside'), [[T - 5 * MIN + 1, 2]]],
    ]);
    expect(instant(q, 'up', T)).toEqual([['inside', T, 2]]);
    expect(instant(q, 'up', T + 1)).toEqual([]);
    // Even a storage that hands over older samples must not leak them past the window.
    const leaky: Queryable = { select: (m) => memory([[up('old'), [[T - 10 * MIN, 1]]]]).select(m, -Infinity, Infinity) };
    expect(instant(leaky, 'up', T)).toEqual([]);
  });

  it('honours a custom lookback', () => {
    const q = memory([[up('a'), [[T - 30_000, 1]]]]);
    expect(evalInstant(q, 'up', T, { lookbackMs: 30_000 })).toEqual([]);
    expect(evalInstant(q, 'up', T, { lookbackMs: 30_001 })).toHaveLength(1);
    expect(DEFAULT_ENGINE.lookbackMs).toBe(5 * MIN);
  });

  it('hides a series at once after a stale marker, and shows it again after a fresh sample', () => {
    const q = memory([[up('a'), [[T - 20_000, 1], [T - 10_000, 'stale'], [T, 4]]]]);
    expect(instant(q, 'up', T - 15_000)).toEqual([['a', T - 15_000, 1]]);
    expect(instant(q, 'up', T - 10_000)).toEqual([]);
    expect(instant(q, 'up', T - 1)).toEqual([]);
    expect(instant(q, 'up', T)).toEqual([['a', T, 4]]);
  });

  it('returns a real NaN sample (not a stale marker) as NaN', () => {
    const q = memory([[up('a'), [[T, NaN]]]]);
    const [sample] = evalInstant(q, 'up', T);
    expect(Number.isNaN(sample?.point.v)).toBe(true);
  });
});

describe('evalRange', () => {
  it('picks the latest sample at or before each step', () => {
    const q = memory([[up('a'), [[T + 5_000, 1], [T + 10_000, 2], [T + 12_000, 3], [T + 29_999, 4], [T + 30_000, 5]]]]);
    expect(range(q, 'up', T, T + 40_000, 10_000)).toEqual([
      ['a', [[10_000, 2], [20_000, 3], [30_000, 5], [40_000, 5]]],
    ]);
  });

  it('includes the end when it falls on a step, and asks storage for (start - lookback, end]', () => {
    const q = memory([[up('a'), [[T - MIN, 7]]]]);
    expect(range(q, 'up', T, T + 2 * MIN, MIN)).toEqual([['a', [[0, 7], [MIN, 7], [2 * MIN, 7]]]]);
    expect(q.calls).toEqual([[T - 5 * MIN, T + 2 * MIN]]);
  });

  it('drops steps outside the lookback and after stale markers, and series with no points', () => {
    const q = memory([
      [up('a'), [[T, 1], [T + 2 * MIN, 'stale'], [T + 4 * MIN, 2]]],
      [up('b'), [[T - 6 * MIN, 9]]],
      [up('c'), [[T, 1]]],
    ]);
    const result = range(q, 'up', T, T + 11 * MIN, MIN);
    expect(result).toEqual([
      ['a', [[0, 1], [MIN, 1], [4 * MIN, 2], [5 * MIN, 2], [6 * MIN, 2], [7 * MIN, 2], [8 * MIN, 2]]],
      ['c', [[0, 1], [MIN, 1], [2 * MIN, 1], [3 * MIN, 1], [4 * MIN, 1]]],
    ]);
  });

  it('agrees with evalInstant at every step', () => {
    const samples: Raw[] = [];
    for (let i = 0; i < 60; i++) samples.push([T + i * 7_000 + (i % 3) * 1_000, i % 11 === 5 ? 'stale' : i]);
    const q = memory([[up('a'), samples]]);
    const step = 13_000;
    const got = new Map(pointsOf(evalRange(q, 'up', T, T + 10 * MIN, step)[0] as RangeSeries).map((p) => [p.t, p.v]));
    for (let t = T; t <= T + 10 * MIN; t += step) {
      expect(got.get(t)).toBe(evalInstant(q, 'up', t)[0]?.point.v);
    }
  });
});
