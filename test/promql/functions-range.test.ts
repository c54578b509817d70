import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import type { Expr, MatrixSelector } from '../../promql/ast.ts';
import { FUNCTIONS } from '../../promql/functions/registry.ts';
import { makeMatcher } from '../../promql/matcher.ts';
import { Annotations, type Point, type Value, type Vector } from '../../promql/value.ts';

// A small stand-in for Prometheus' test scripts: `load <interval>` series, range selection, one function call.
const m = 60_000;
type Series = { metric: Labels; points: Point[] };

function load(intervalMs: number, defs: Record<string, string>): Series[] {
  return Object.entries(defs).map(([text, spec]) => {
    const [, name, body] = /^([^{]*)(?:\{(.*)\})?$/.exec(text) as RegExpExecArray;
    const metric: Record<string, string> = name ? { __name__: name } : {};
    for (const [, k, v] of (body ?? '').matchAll(/(\w+)="([^"]*)"/g)) metric[k as string] = v as string;
    const points: Point[] = [];
    let slot = 0;
    for (const tok of spec.trim().split(/\s+/)) {
      const seq = /^([^x]+?)([+-][^x]+)?x(\d+)$/.exec(tok);
      if (tok === '_') slot++;
      else if (seq) {
        let v = Number(seq[1]);
        for (let i = 0; i <= Number(seq[3]); i++, v += Number(seq[2] ?? 0)) points.push({ t: intervalMs * slot++, v });
      } else points.push({ t: intervalMs * slot++, v: Number(tok.replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity')) });
    }
    return { metric, points };
  });
}

function sel(name: string, rangeMs: number, offsetMs = 0, atMs?: number): MatrixSelector {
  return {
    kind: 'matrix_selector',
    rangeMs,
    selector: { kind: 'vector_selector', name, matchers: [makeMatcher('=', '__name__', name)], offsetMs, ...(atMs !== undefined ? { at: { kind: 'time' as const, ms: atMs } } : {}) },
  };
}

/** Evaluates fn(<name>[range] …) at t over the loaded series, as Prometheus' engine would hand it over. */
function call(fn: string, all: Series[], t: number, ms: MatrixSelector, extra: { before?: Value[]; after?: Value[] } = {}) {
  const name = ms.selector.name as string;
  const end = (ms.selector.at?.kind === 'time' ? ms.selector.at.ms : t) - ms.selector.offsetMs;
  const matrix = all
    .filter((s) => s.metric['__name__'] === name)
    .map((s) => ({ metric: s.metric, points: s.points.filter((p) => p.t > end - ms.rangeMs && p.t <= end) }));
  const args: Value[] = [...(extra.before ?? []), { type: 'matrix', matrix }, ...(extra.after ?? [])];
  const argExprs: Expr[] = args.map((a) => (a.type === 'matrix' ? ms : { kind: 'number', value: a.type === 'scalar' ? a.v : 0 }));
  const annotations = new Annotations();
  const out = (FUNCTIONS[fn] as NonNullable<(typeof FUNCTIONS)[string]>)(args, { t, annotations, argExprs });
  const vector = (out as { vector: Vector }).vector;
  return { byKey: Object.fromEntries(vector.map((s) => [JSON.stringify(s.metric), s.point.v])), vector, annotations };
}
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
