import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import type { Expr } from '../../promql/ast.ts';
import { FUNCTIONS } from '../../promql/functions/registry.ts';
import { Annotations, type Value, type Vector } from '../../promql/value.ts';

// Classic histograms as Prometheus' histograms.test loads them: `{le=…}` series of the form start+step×N.
const m = 60_000;
type Series = { metric: Labels; at: (t: number) => number };

function load(intervalMs: number, defs: Record<string, string>): Series[] {
  return Object.entries(defs).map(([text, spec]) => {
    const [, name, body] = /^([^{]*)\{(.*)\}$/.exec(text) as RegExpExecArray;
    const metric: Record<string, string> = { __name__: name as string };
    for (const [, k, v] of (body as string).matchAll(/(\w+)="([^"]*)"/g)) metric[k as string] = v as string;
    const [, start, step] = /^(-?[\d.]+)\+([\d.]+)x\d+$/.exec(spec) as RegExpExecArray;
    return { metric, at: (t: number) => Number(start) + Number(step) * Math.floor(t / intervalMs) };
  });
}

const vec = (series: Series[], t: number, pick: (s: Series) => boolean = () => true): Value => ({
  type: 'vector',
  vector: series.filter(pick).map((s) => ({ metric: s.metric, point: { t, v: s.at(t) } })),
});
const scalar = (v: number): Value => ({ type: 'scalar', t: 0, v });
const num: Expr = { kind: 'number', value: 0 };

function call(fn: string, args: Value[], t = 50 * m) {
  const annotations = new Annotations();
  const out = (FUNCTIONS[fn] as NonNullable<(typeof FUNCTIONS)[string]>)(args, { t, annotations, argExprs: args.map(() => num) });
  const vector = (out as { vector: Vector }).vector;
  const byLabels = Object.fromEntries(vector.map((s) => [k(s.metric), s.point.v]));
  return { vector, byLabels, annotations };
}
/** Label sets compared by content, whatever their key order. */
const k = (l: Labels) => JSON.stringify(Object.entries(l).sort());

const testhistogram = load(5 * m, {
  'testhistogram_bucket{le="0.1", start="positive"}': '0+5x10',
  'testhistogram_bucket{le=".2", start="positive"}': '0+7x10',
  'testhistogram_bucket{le="1e0", start="positive"}': '0+11x10',
  'testhistogram_bucket{le="+Inf", start="positive"}': '0+12x10',
  'testhistogram_bucket{le="-.2", start="negative"}': '0+1x10',
  'testhistogram_bucket{le="-0.1", start="negative"}': '0+2x10',
  'testhistogram_bucket{le="0.3", start="negative"}': '0+2x10',
  'testhistogram_bucket{le="+Inf", start="negative"}': '0+3x10',
});
const testhistogram3 = load(5 * m, {
  'testhistogram3_bucket{le="0", start="positive"}': '0+0x10',
  'testhistogram3_bucket{le="0.1", start="positive"}': '0+5x10',
  'testhistogram3_bucket{le=".2", start="positive"}': '0+7x10',
  'testhistogram3_bucket{le="1e0", start="positive"}': '0+11x10',
  'testhistogram3_bucket{le="+Inf", start="positive"}': '0+11x10',
  'testhistogram3_bucket{le="-.25", start="negative"}': '0+0x10',
  'testhistogram3_bucket{le="-.2", start="negative"}': '0+1x10',
  'testhistogram3_bucket{le="-0.1", start="negative"}': '0+2x10',
  'testhistogram3_bucket{le="0.3", start="negative"}': '0+2x10',
  'testhistogram3_bucket{le="+Inf", start="negative"}': '0+2x10',
});
const pos = k({ start: 'positive' });
const neg = k({ start: 'negative' });

describe('histogram_quantile on classic buckets', () => {
  it('interpolates within buckets, from 0 in a positive first bucket', () => {
    const q = (x: number) => call('histogram_quantile', [scalar(x), vec(testhistogram3, 50 * m)]).byLabels;
    expect(q(0)).toEqual({ [pos]: 0, [neg]: -0.25 });
    expect(q(0.25)[pos]).toBeCloseTo(0.055, 15);
    expect(q(0.25)[neg]).toBeCloseTo(-0.225, 15);
    expect(q(0.5)).toEqual({ [pos]: 0.125, [neg]: -0.2 });
    expect(q(0.75)[pos]).toBeCloseTo(0.45, 15);
    expect(q(0.75)[neg]).toBeCloseTo(-0.15, 15);
    expect(q(1)).toEqual({ [pos]: 1, [neg]: -0.1 });
  });

  it('returns the highest finite bound for ranks in the +Inf bucket; drops name and le', () => {
    const r = call('histogram_quantile', [scalar(0.8), vec(testhistogram, 50 * m)]);
    expect(r.byLabels[pos]).toBeCloseTo(0.72, 15);
    expect(r.byLabels[neg]).toBe(0.3);
    expect(call('histogram_quantile', [scalar(0.2), vec(testhistogram, 50 * m)]).byLabels).toEqual({ [pos]: 0.048, [neg]: -0.2 });
    expect(r.annotations.warnings.size + r.annotations.infos.size).toBe(0);
  });

  it('answers -Inf, +Inf and NaN for q out of range, with a warning even for empty input', () => {
    const low = call('histogram_quantile', [scalar(-0.1), vec(testhistogram, 50 * m)]);
    expect(low.byLabels).toEqual({ [pos]: -Infinity, [neg]: -Infinity });
    expect([...low.annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -0.1']);
    expect(call('histogram_quantile', [scalar(1.01), vec(testhistogram, 50 * m)]).byLabels).toEqual({ [pos]: Infinity, [neg]: Infinity });
    const empty = call('histogram_quantile', [scalar(NaN), { type: 'vector', vector: [] }]);
    expect(empty.vector).toEqual([]);
    expect([...empty.annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got NaN']);
  });

  it('middle-of-bucket quantiles of testhistogram2', () => {
    const h2 = load(5 * m, {
      'testhistogram2_bucket{le="0"}': '0+0x10',
      'testhistogram2_bucket{le="2"}': '0+1x10',
      'testhistogram2_bucket{le="4"}': '0+2x10',
      'testhistogram2_bucket{le="6"}': '0+3x10',
      'testhistogram2_bucket{le="+Inf"}': '0+3x10',
    });
    for (const [q, want] of [[1 / 6, 1], [0.5, 3], [5 / 6, 5]] as const) {
      expect(call('histogram_quantile', [scalar(q), vec(h2, 7 * m)], 7 * m).byLabels['[]']).toBeCloseTo(want, 12);
    }
    expect(call('histogram_fraction', [scalar(0), scalar(3.5), vec(h2, 50 * m)]).byLabels['[]']).toBe(0.5833333333333334);
    expect(call('histogram_fraction', [scalar(0), scalar(4), vec(h2, 50 * m)]).byLabels['[]']).toBe(0.6666666666666666);
  });

  it('coalesces equal bounds written differently; no +Inf bucket gives NaN', () => {
    const mixed = load(5 * m, {
      'mixed_bucket{job="job1", instance="ins1", le="0.1"}': '0+1x10',
      'mixed_bucket{job="job1", instance="ins1", le="0.2"}': '0+1x10',
      'mixed_bucket{job="job1", instance="ins1", le="2e-1"}': '0+1x10',
      'mixed_bucket{job="job1", instance="ins1", le="2.0e-1"}': '0+1x10',
      'mixed_bucket{job="job1", instance="ins1", le="+Inf"}': '0+4x10',
      'mixed_bucket{job="job1", instance="ins2", le="+inf"}': '0+0x10',
      'mixed_bucket{job="job1", instance="ins2", le="+Inf"}': '0+0x10',
      'no_inf_bucket{le="1"}': '0+1x10',
    });
    const r = call('histogram_quantile', [scalar(0.5), vec(mixed, 50 * m)]).byLabels;
    expect(r[k({ instance: 'ins1', job: 'job1' })]).toBeCloseTo(0.15, 15);
    expect(r[k({ instance: 'ins2', job: 'job1' })]).toBeNaN();
    expect(r[k({})]).toBeNaN();
    expect(call('histogram_quantile', [scalar(1), vec(mixed, 50 * m)]).byLabels[k({ instance: 'ins1', job: 'job1' })]).toBe(0.2);
  });

  it('fixes non-monotonic buckets, with an info', () => {
    const nm = load(5 * m, {
      'nonmonotonic_bucket{le="0.1"}': '0+2x10',
      'nonmonotonic_bucket{le="1"}': '0+1x10',
      'nonmonotonic_bucket{le="10"}': '0+5x10',
      'nonmonotonic_bucket{le="100"}': '0+4x10',
      'nonmonotonic_bucket{le="1000"}': '0+9x10',
      'nonmonotonic_bucket{le="+Inf"}': '0+8x10',
    });
    const r = call('histogram_quantile', [scalar(0.01), vec(nm, 50 * m)]);
    expect(r.byLabels['[]']).toBeCloseTo(0.0045, 15);
    expect(call('histogram_quantile', [scalar(0.5), vec(nm, 50 * m)]).byLabels['[]']).toBe(8.5);
    // 979.75 in Prometheus' script, compared there with a tolerance: rank 0.99×90 is not exact in binary.
    expect(call('histogram_quantile', [scalar(0.99), vec(nm, 50 * m)]).byLabels['[]']).toBe(979.7499999999999);
    expect([...r.annotations.infos]).toEqual([
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "nonmonotonic_bucket"',
    ]);
    const qs = call('histogram_quantiles', [vec(nm, 50 * m), { type: 'string', t: 0, v: 'q' }, scalar(0.01), scalar(0.5), scalar(0.99)]);
    expect(Object.keys(qs.byLabels)).toEqual([k({ q: '0.01' }), k({ q: '0.5' }), k({ q: '0.99' })]);
    expect(qs.byLabels[k({ q: '0.99' })]).toBe(979.7499999999999);
  });

  it('warns about missing or malformed le labels and skips those samples', () => {
    const bad: Value = {
      type: 'vector',
      vector: [
        { metric: { __name__: 'series', ale: '0.1' }, point: { t: 0, v: 2 } },
        { metric: { __name__: 'series', le: 'Hello World' }, point: { t: 0, v: 2 } },
      ],
    };
    const r = call('histogram_quantile', [scalar(0.8), bad], 0);
    expect(r.vector).toEqual([]);
    expect([...r.annotations.warnings]).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "series"',
      'PromQL warning: bucket label "le" is missing or has a malformed value of "Hello World" for metric name "series"',
    ]);
  });
});

describe('histogram_quantiles, histogram_fraction, native-only functions', () => {
  it('histogram_quantiles labels each quantile in OpenMetrics float format', () => {
    const r = call('histogram_quantiles', [vec(testhistogram3, 50 * m), { type: 'string', t: 0, v: 'q' }, scalar(0), scalar(0.5), scalar(1)]);
    expect(r.byLabels).toEqual({
      [k({ q: '0.0', start: 'positive' })]: 0,
      [k({ q: '0.0', start: 'negative' })]: -0.25,
      [k({ q: '0.5', start: 'positive' })]: 0.125,
      [k({ q: '0.5', start: 'negative' })]: -0.2,
      [k({ q: '1.0', start: 'positive' })]: 1,
      [k({ q: '1.0', start: 'negative' })]: -0.1,
    });
  });

  it('histogram_fraction edge cases', () => {
    expect(call('histogram_fraction', [scalar(0), scalar(0.2), vec(testhistogram3, 50 * m)]).byLabels).toEqual({ [pos]: 0.6363636363636364, [neg]: 0 });
    const f = (lo: number, hi: number, defs: Record<string, string>) => call('histogram_fraction', [scalar(lo), scalar(hi), vec(load(5 * m, defs), 50 * m)]).byLabels['[]'];
    const first = { 'p_bucket{le="1"}': '1+0x10', 'p_bucket{le="2"}': '3+0x10', 'p_bucket{le="3"}': '6+0x10', 'p_bucket{le="+Inf"}': '100+0x10' };
    expect(f(0, 1.5, first)).toBe(0.02);
    expect(f(2, 2, first)).toBe(0);
    expect(f(NaN, 1, first)).toBeNaN();
    expect(f(-Infinity, Infinity, first)).toBe(1);
    expect(f(0, 1, { 'z_bucket{le="1"}': '0+0x10', 'z_bucket{le="+Inf"}': '0+0x10' })).toBeNaN();
    const negative = { 'n_bucket{le="-3"}': '10+0x10', 'n_bucket{le="-2"}': '12+0x10', 'n_bucket{le="-1"}': '15+0x10', 'n_bucket{le="+Inf"}': '100+0x10' };
    expect(f(-4, -2, negative)).toBe(0.02);
  });

  it('native histogram functions give nothing for float samples', () => {
    for (const fn of ['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar']) {
      expect(call(fn, [vec(testhistogram3, 50 * m)]).vector).toEqual([]);
    }
  });
});
