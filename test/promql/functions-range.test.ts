import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import type { MatrixSelector } from '../../promql/ast.ts';
import type { Value } from '../../promql/value.ts';
import { call, load, m, sel } from './function-harness.ts';
const key = (l: Labels) => JSON.stringify(l);
const scalar = (v: number): Value => ({ type: 'scalar', t: 0, v });

describe('rate, increase, delta (extrapolatedRate)', () => {
  const total = load(5 * m, {
    'http_requests_total{path="/foo"}': '0+10x10',
    'http_requests_total{path="/bar"}': '0+18x5 0+18x5',
    'http_requests_total{path="/dings"}': '10+10x10',
    'http_requests_total{path="/bumms"}': '1+10x10',
  });

  it('increase over the whole data and with zero-point capped extrapolation', () => {
    expect(call('increase', total, 50 * m, sel('http_requests_total', 50 * m)).byKey).toEqual({
      [key({ path: '/foo' })]: 100,
      [key({ path: '/bar' })]: 160,
      [key({ path: '/dings' })]: 100,
      [key({ path: '/bumms' })]: 100,
    });
    const r = call('increase', total, 50 * m, sel('http_requests_total', 100 * m)).byKey;
    expect(r[key({ path: '/foo' })]).toBe(100);
    expect(r[key({ path: '/bar' })]).toBeCloseTo(162, 12);
    expect(r[key({ path: '/dings' })]).toBeCloseTo(105, 12);
    expect(r[key({ path: '/bumms' })]).toBeCloseTo(101, 12);
  });

  it('counter resets: 3 2 reads as 3 0 1 2', () => {
    const s = load(5 * m, { 'http_requests_total{path="/foo"}': '0 1 2 3 2 3 4' });
    expect(call('increase', s, 30 * m, sel('http_requests_total', 30 * m)).byKey).toEqual({ [key({ path: '/foo' })]: 7 });
  });

  it('rate per second, resets in the middle and at the end, offset', () => {
    const s = load(5 * m, {
      testcounter_reset_middle_total: '0+27x4 0+27x5',
      testcounter_reset_end_total: '0+10x9 0 10',
      'calculate_rate_offset_total{x="a"}': '0+10x10',
      'calculate_rate_offset_total{x="b"}': '0+20x10',
      calculate_rate_window_total: '0+80x10',
    });
    expect(call('rate', s, 50 * m, sel('testcounter_reset_middle_total', 50 * m)).byKey).toEqual({ '{}': 0.08 });
    expect(call('rate', s, 50 * m, sel('testcounter_reset_end_total', 5 * m)).vector).toEqual([]);
    expect(call('rate', s, 50 * m, sel('testcounter_reset_end_total', 6 * m)).byKey).toEqual({ '{}': 0 });
    // Prometheus' script writes 0.26666666666666666 and compares with a tolerance; IEEE arithmetic gives …67.
    expect(call('rate', s, 50 * m, sel('calculate_rate_window_total', 50 * m)).byKey['{}']).toBeCloseTo(0.26666666666666666, 15);
    expect(call('rate', s, 50 * m, sel('calculate_rate_offset_total', 10 * m, 5 * m)).byKey).toEqual({
      [key({ x: 'a' })]: 0.03333333333333333,
      [key({ x: 'b' })]: 0.06666666666666667,
    });
  });

  it('zero cutoff of left extrapolation until half an interval', () => {
    const s = load(4 * m, {
      'testcounter_zero_cutoff_total{start="0m"}': '0+240x10',
      'testcounter_zero_cutoff_total{start="1m"}': '60+240x10',
      'testcounter_zero_cutoff_total{start="2m"}': '120+240x10',
      'testcounter_zero_cutoff_total{start="5m"}': '300+240x10',
    });
    const at10 = call('rate', s, 10 * m, sel('testcounter_zero_cutoff_total', 20 * m)).vector.map((x) => x.point.v);
    expect(at10.map((v) => +v.toFixed(12))).toEqual([0.5, 0.55, 0.6, 0.6]);
    const at50 = call('rate', s, 50 * m, sel('testcounter_zero_cutoff_total', 20 * m)).vector.map((x) => +x.point.v.toFixed(12));
    expect(at50).toEqual([0.6, 0.6, 0.6, 0.6]);
  });

  it('delta of gauges; the name is dropped; the non-counter info only for rate/increase', () => {
    const s = load(5 * m, { 'http_requests{path="/foo"}': '0 50 100 150 200', 'http_requests{path="/bar"}': '200 150 100 50 0' });
    const d = call('delta', s, 20 * m, sel('http_requests', 20 * m));
    expect(d.byKey).toEqual({ [key({ path: '/foo' })]: 200, [key({ path: '/bar' })]: -200 });
    expect(d.annotations.infos.size).toBe(0);
    const r = call('rate', s, 20 * m, sel('http_requests', 20 * m));
    expect([...r.annotations.infos]).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "http_requests"',
    ]);
    expect(call('rate', total, 50 * m, sel('http_requests_total', 50 * m)).annotations.infos.size).toBe(0);
  });
  it('multiplies by one extrapolation factor, as Prometheus 3.x does (its scripts compare with a tolerance)', () => {
    // operators.test's literal 249.99999999999997 is what the older formula (result × interval ratio, then ÷ range)
    // gave; the current extrapolatedRate multiplies once by (ratio ÷ range) and gives 250.00000000000003.
    const s = load(5 * m, { 'http_requests_total{job="app-server"}': '0+50x10', 'http_requests_total{job="api-server"}': '0+10x10' });
    const r = call('rate', s, 50 * m, sel('http_requests_total', 25 * m)).vector.map((x) => x.point.v * 25 * 60);
    expect(r).toEqual([250.00000000000003, 50]);
  });

  it('selectors.test: rate over 1m with 10s samples, with positive and negative offsets', () => {
    const s = load(10_000, { 'http_requests_total{instance="0"}': '0+10x1000 100+30x1000', 'http_requests_total{instance="1"}': '0+40x2000' });
    expect(call('rate', s, 8000_000, sel('http_requests_total', m)).vector.map((x) => x.point.v)).toEqual([1, 4]);
    expect(call('rate', s, 18000_000, sel('http_requests_total', m)).vector.map((x) => x.point.v)).toEqual([3, 4]);
    expect(call('rate', s, 18000_000, sel('http_requests_total', m, 10000_000)).vector.map((x) => x.point.v)).toEqual([1, 4]);
    expect(call('rate', s, 4000_000, sel('http_requests_total', m, -4000_000)).vector.map((x) => x.point.v)).toEqual([1, 4]);
  });
});

describe('irate, idelta', () => {
  const s = load(5 * m, {
    'http_requests_total{path="/foo"}': '0+10x10',
    'http_requests_total{path="/bar"}': '0+10x5 0+10x5',
    http_requests_nan: '1 NaN NaN 5 11',
  });
  it('uses the last two samples, a decrease being a counter reset', () => {
    expect(call('irate', s, 50 * m, sel('http_requests_total', 50 * m)).byKey).toEqual({
      [key({ path: '/foo' })]: 0.03333333333333333,
      [key({ path: '/bar' })]: 0.03333333333333333,
    });
    expect(call('irate', s, 30 * m, sel('http_requests_total', 50 * m)).byKey[key({ path: '/bar' })]).toBe(0);
  });
  it('NaN steps of the range query irate(http_requests_nan[15m1s])', () => {
    const steps = [5, 10, 15, 20].map((min) => call('irate', s, min * m, sel('http_requests_nan', 15 * m + 1000)).byKey['{}']);
    expect(steps).toEqual([NaN, NaN, NaN, 0.02]);
    const idelta = [5, 10, 15, 20].map((min) => call('idelta', s, min * m, sel('http_requests_nan', 15 * m + 1000)).byKey['{}']);
    expect(idelta).toEqual([NaN, NaN, NaN, 6]);
  });
});

describe('deriv, predict_linear', () => {
  const s = load(5 * m, {
    testcounter_reset_middle_total: '0+10x4 0+10x5',
    'http_requests_total{job="app-server", instance="1", group="canary"}': '0+80x10',
    'http_requests_inf{job="app-server", instance="1", group="canary"}': '-Inf 0+80x10 Inf',
  });
  const app = key({ job: 'app-server', instance: '1', group: 'canary' });
  it('deriv', () => {
    expect(call('deriv', s, 50 * m, sel('http_requests_total', 50 * m)).byKey).toEqual({ [app]: 0.26666666666666666 });
    expect(call('deriv', s, 50 * m, sel('testcounter_reset_middle_total', 100 * m)).byKey).toEqual({ '{}': 0.010606060606060607 });
    expect(call('deriv', s, 100 * m, sel('http_requests_inf', 100 * m)).byKey).toEqual({ [app]: NaN });
  });
  it('predict_linear with the intercept at the evaluation time, also under @', () => {
    const p = (t: number, ms: MatrixSelector, d: number) => call('predict_linear', s, t, ms, { after: [scalar(d)] }).byKey['{}'];
    expect(p(50 * m, sel('testcounter_reset_middle_total', 50 * m), 3600)).toBeCloseTo(70, 10);
    expect(p(50 * m, sel('testcounter_reset_middle_total', 55 * m, 0, 3000_000), 3600)).toBeCloseTo(76.81818181818181, 10);
    expect(p(10 * m, sel('testcounter_reset_middle_total', 55 * m, 0, 3000_000), 3600)).toBeCloseTo(51.36363636363637, 10);
    expect(p(70 * m, sel('testcounter_reset_middle_total', 55 * m, 0, 3000_000), 3600)).toBeCloseTo(89.54545454545455, 10);
  });
});

describe('resets, changes', () => {
  const s = load(5 * m, {
    'http_requests{path="/foo"}': '1 2 3 0 1 0 0 1 2 0',
    'http_requests{path="/bar"}': '1 2 3 4 5 1 2 3 4 5',
    'http_requests{path="/biz"}': '0 0 0 0 0 1 1 1 1 1',
  });
  const f = (fn: string, range: number) => call(fn, s, 50 * m, sel('http_requests', range)).vector.map((x) => x.point.v);
  it('resets', () => {
    expect(f('resets', 5 * m)).toEqual([]);
    expect(f('resets', 10 * m)).toEqual([0, 0, 0]);
    expect(f('resets', 20 * m)).toEqual([1, 0, 0]);
    expect(f('resets', 32 * m)).toEqual([2, 1, 0]);
    expect(f('resets', 50 * m)).toEqual([3, 1, 0]);
  });
  it('changes, NaN to NaN being no change', () => {
    expect(f('changes', 6 * m)).toEqual([0, 0, 0]);
    expect(f('changes', 20 * m)).toEqual([2, 2, 0]);
    expect(f('changes', 30 * m)).toEqual([3, 4, 0]);
    expect(f('changes', 50 * m)).toEqual([7, 8, 1]);
    const x = load(5 * m, { 'x{a="b"}': 'NaN NaN NaN', 'x{a="c"}': '0 NaN 0' });
    expect(call('changes', x, 15 * m, sel('x', 20 * m)).vector.map((v) => v.point.v)).toEqual([0, 2]);
  });
});
