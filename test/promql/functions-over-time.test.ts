import { describe, expect, it } from 'vitest';
import type { Value, Vector } from '../../promql/value.ts';
import { call, load, m, sel, type Series } from './function-harness.ts';
const scalar = (v: number): Value => ({ type: 'scalar', t: 0, v });


const at = (fn: string, s: Series[], t: number, name: string, range: number, extra?: { before?: Value[]; after?: Value[] }) =>
  call(fn, s, t, sel(name, range), extra);
/** The single value of a one-series result, else all values (typed loosely for brevity). */
const only = (r: { vector: Vector }): any => (r.vector.length === 1 ? (r.vector[0] as Vector[number]).point.v : r.vector.map((x) => x.point.v));

describe('avg_over_time and sum_over_time', () => {
  const s = load(10_000, {
    metric: '1 2 3 4 5',
    metric2: '1 2 3 4 Inf',
    metric4: '1 2 3 Inf -Inf',
    metric5: 'Inf 0 Inf',
    metric5c: 'Inf Inf Inf -Inf',
    metric6: '1 2 3 -Inf -Inf',
    metric8: '9.988465674311579e+307 9.988465674311579e+307',
    metric9: '-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307',
    metric10: '-9.988465674311579e+307 9.988465674311579e+307',
    metric11: '1 2 3 NaN NaN',
  });
  it('window edges, infinities and NaN', () => {
    expect(at('avg_over_time', s, 55_000, 'metric', 10_000).vector).toEqual([]);
    expect(only(at('avg_over_time', s, 55_000, 'metric', 20_000))).toBe(5);
    expect(only(at('avg_over_time', s, 55_000, 'metric', m))).toBe(3);
    expect(only(at('avg_over_time', s, 55_000, 'metric2', m))).toBe(Infinity);
    expect(only(at('avg_over_time', s, 55_000, 'metric4', m))).toBeNaN();
    expect(only(at('avg_over_time', s, 55_000, 'metric5', m))).toBe(Infinity);
    expect(only(at('avg_over_time', s, 55_000, 'metric5c', m))).toBeNaN();
    expect(only(at('avg_over_time', s, 55_000, 'metric6', m))).toBe(-Infinity);
    expect(only(at('avg_over_time', s, 20_000, 'metric11', m))).toBe(2);
    expect(only(at('avg_over_time', s, 30_000, 'metric11', m))).toBeNaN();
  });
  it('switches to an incremental mean when the sum overflows', () => {
    expect(only(at('avg_over_time', s, 55_000, 'metric8', m))).toBe(9.988465674311579e307);
    expect(only(at('sum_over_time', s, 55_000, 'metric8', m))).toBe(Infinity);
    expect(only(at('avg_over_time', s, 55_000, 'metric9', m))).toBe(-9.988465674311579e307);
    expect(only(at('avg_over_time', s, 55_000, 'metric10', m))).toBe(0);
  });
  it('Kahan summation keeps small values next to huge ones', () => {
    const big = load(10_000, { metric: '1 1e100 1 -1e100' });
    expect(only(at('sum_over_time', big, m, 'metric', 2 * m))).toBe(2);
    expect(only(at('avg_over_time', big, m, 'metric', 2 * m))).toBe(0.5);
    const mixed = load(5000, {
      metric1: '1e10 1e-6 1e-6 1e-6 1e-6 1e-6',
      metric5: '1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 458.90154',
      metric9: '-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 1.78264E+215 -458.90154',
      metric11: '-2.258E+220 -1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154',
    });
    expect(only(at('avg_over_time', mixed, 55_000, 'metric1', m))).toBe(1.6666666666666675e9);
    expect(only(at('avg_over_time', mixed, 55_000, 'metric5', m))).toBeCloseTo(3.76333333333333e219, -205);
    expect(only(at('avg_over_time', mixed, 55_000, 'metric9', m))).toBe(3.225714285714286e219);
    expect(only(at('avg_over_time', mixed, 55_000, 'metric11', m))).toBe(0);
    const foo = load(10_000, { foo: '52+0x100' });
    for (const r of [100_000, 110_000, 120_000, 130_000]) expect(only(at('avg_over_time', foo, 10 * m, 'foo', r))).toBe(52);
    const dense = load(1, { metric: '1+0x4000' });
    expect(only(at('sum_over_time', dense, 4000, 'metric', 1003))).toBe(1003);
    expect(only(at('count_over_time', dense, 4000, 'metric', 3000))).toBe(3000);
  });
});

describe('stddev, stdvar, mad, quantile over time', () => {
  it('stdvar_over_time and stddev_over_time', () => {
    const s = load(10_000, { metric: '0 8 8 2 3', flat: '1.5990505637277868 1.5990505637277868 1.5990505637277868' });
    expect(only(at('stdvar_over_time', s, m, 'metric', 2 * m))).toBeCloseTo(10.56, 12);
    expect(only(at('stddev_over_time', s, m, 'metric', 2 * m))).toBeCloseTo(3.249615, 6);
    expect(only(at('stdvar_over_time', s, 55_000, 'flat', m))).toBe(0);
  });
  it('mad_over_time', () => {
    const s = load(10_000, { metric: '4 6 2 1 999 1 2', metric_odd: '1 2 3 4 5', metric_single: '5', metric_nan: '1 2 NaN 4' });
    expect(only(at('mad_over_time', s, 70_000, 'metric', 70_000))).toBe(1);
    expect(only(at('mad_over_time', s, 40_000, 'metric_odd', 50_000))).toBe(1);
    expect(only(at('mad_over_time', s, 0, 'metric_single', 10_000))).toBe(0);
    expect(only(at('mad_over_time', s, 30_000, 'metric_nan', 40_000))).toBeNaN();
  });
  it('quantile_over_time interpolates, and warns outside [0, 1]', () => {
    const s = load(10_000, { 'data{test="two samples"}': '0 1', 'data{test="three samples"}': '0 1 2', 'data{test="uneven samples"}': '0 1 4' });
    const q = (x: number) => at('quantile_over_time', s, m, 'data', 2 * m, { before: [scalar(x)] });
    expect(only(q(0.5))).toEqual([0.5, 1, 1]);
    expect(only(q(0.75))).toEqual([0.75, 1.5, 2.5]);
    expect(only(q(0.8)).map((v: number) => +v.toFixed(12))).toEqual([0.8, 1.6, 2.8]);
    expect(q(0.8).annotations.warnings.size).toBe(0);
    const low = q(-1);
    expect(only(low)).toEqual([-Infinity, -Infinity, -Infinity]);
    expect([...low.annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -1']);
    expect([...q(NaN).annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got NaN']);
  });
});

describe('min, max, last, first, count, present, ts_of_*', () => {
  const s = load(10_000, {
    'data{type="numbers"}': '2 0 3',
    'data{type="some_nan"}': '2 0 NaN',
    'data{type="some_nan2"}': '2 NaN 1',
    'data{type="some_nan3"}': 'NaN 0 1',
    'data{type="only_nan"}': 'NaN NaN NaN',
  });
  it('NaN only wins when nothing else is there', () => {
    expect(only(at('min_over_time', s, m, 'data', 2 * m))).toEqual([0, 0, 1, 0, NaN]);
    expect(only(at('max_over_time', s, m, 'data', 2 * m))).toEqual([3, 2, 2, 1, NaN]);
  });
  it('last_over_time and first_over_time keep the name, the others drop it', () => {
    const last = at('last_over_time', s, m, 'data', 2 * m);
    expect(last.vector.map((x) => [x.metric['__name__'], x.point.v])).toEqual([['data', 3], ['data', NaN], ['data', 1], ['data', 1], ['data', NaN]]);
    expect(only(at('first_over_time', s, m, 'data', 2 * m))).toEqual([2, 2, 2, NaN, NaN]);
    const count = at('count_over_time', s, m, 'data', 2 * m);
    expect(count.vector.map((x) => [x.metric['__name__'], x.point.v])).toEqual(Array(5).fill([undefined, 3]));
    expect(only(at('present_over_time', s, m, 'data', 2 * m))).toEqual([1, 1, 1, 1, 1]);
  });
  it('ts_of_* return seconds, the latest extreme winning ties', () => {
    const odd = load(10_053, { metric: '1 2 3 0 5 6 2 1 4', later: '_ _ 1 2 3' });
    expect(only(at('ts_of_min_over_time', odd, 90_000, 'metric', 90_000))).toBe(30.159);
    expect(only(at('ts_of_max_over_time', odd, 90_000, 'metric', 90_000))).toBe(50.265);
    expect(only(at('ts_of_last_over_time', odd, 95_000, 'later', 90_000))).toBe(40.212);
    expect(only(at('ts_of_first_over_time', odd, 95_000, 'later', 90_000))).toBe(20.106);
  });
});

describe('double_exponential_smoothing', () => {
  it('follows linear trends exactly', () => {
    const s = load(10_000, {
      'http_requests{instance="0"}': '0+10x1000 100+30x1000',
      'http_requests{instance="1"}': '0+20x1000 200+30x1000',
      'http_requests{instance="3"}': '0+40x2000',
    });
    const r = at('double_exponential_smoothing', s, 8000_000, 'http_requests', m, { after: [scalar(0.01), scalar(0.1)] });
    expect(only(r).map((v: number) => +v.toFixed(6))).toEqual([8000, 16000, 32000]);
  });
  it('rejects factors outside (0, 1) with Prometheus’ message', () => {
    const s = load(10_000, { x: '1 2 3' });
    expect(() => at('double_exponential_smoothing', s, 20_000, 'x', m, { after: [scalar(1), scalar(0.1)] })).toThrow(
      'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
    );
    expect(() => at('double_exponential_smoothing', s, 20_000, 'x', m, { after: [scalar(0.5), scalar(0)] })).toThrow(
      'invalid trend factor. Expected: 0 < tf < 1, got: 0.000000',
    );
  });
});
