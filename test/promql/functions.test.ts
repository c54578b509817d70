import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import type { Expr, VectorSelector } from '../../promql/ast.ts';
import { QueryError } from '../../promql/errors.ts';
import { FUNCTIONS } from '../../promql/functions/registry.ts';
import { makeMatcher, type MatchType } from '../../promql/matcher.ts';
import { Annotations, type Value, type Vector } from '../../promql/value.ts';
import { rangeSeries } from '../../promql/value.ts';

const num: Expr = { kind: 'number', value: 0 };
const vec = (...samples: [Labels, number, number?][]): Value => ({
  type: 'vector',
  vector: samples.map(([metric, v, sampleT]) => ({ metric, point: { t: 0, v }, ...(sampleT !== undefined ? { sampleT } : {}) })),
});
const scalar = (v: number): Value => ({ type: 'scalar', t: 0, v });
const str = (v: string): Value => ({ type: 'string', t: 0, v });
const selector = (...ms: [string, MatchType, string][]): VectorSelector => ({
  kind: 'vector_selector',
  matchers: ms.map(([n, type, v]) => makeMatcher(type, n, v)),
  offsetMs: 0,
});

function call(fn: string, args: Value[], t = 0, argExprs: Expr[] = args.map(() => num)) {
  const annotations = new Annotations();
  const out = (FUNCTIONS[fn] as NonNullable<(typeof FUNCTIONS)[string]>)(args, { t, annotations, argExprs });
  return { out, annotations, vector: (out as { vector: Vector }).vector, values: (out as { vector?: Vector }).vector?.map((s) => s.point.v) };
}
const values = (fn: string, args: Value[], t = 0) => call(fn, args, t).values;
const scalarOf = (fn: string, args: Value[], t = 0) => (call(fn, args, t).out as { v: number }).v;

describe('math functions', () => {
  const data = vec(
    [{ __name__: 'data', type: 'positive' }, 2.5],
    [{ __name__: 'data', type: 'whole' }, 2],
    [{ __name__: 'data', type: 'negative' }, -2.5],
    [{ __name__: 'data', type: 'nwhole' }, -2],
    [{ __name__: 'data', type: 'nzero' }, -0],
    [{ __name__: 'data', type: 'inf' }, Infinity],
    [{ __name__: 'data', type: 'ninf' }, -Infinity],
    [{ __name__: 'data', type: 'nan' }, NaN],
  );
  it('abs, ceil, floor, round drop the name', () => {
    expect(values('abs', [data])).toEqual([2.5, 2, 2.5, 2, 0, Infinity, Infinity, NaN]);
    expect(values('ceil', [data])).toEqual([3, 2, -2, -2, -0, Infinity, -Infinity, NaN]);
    expect(values('floor', [data])).toEqual([2, 2, -3, -2, -0, Infinity, -Infinity, NaN]);
    expect(values('round', [data])).toEqual([3, 2, -2, -2, 0, Infinity, -Infinity, NaN]);
    expect(values('round', [vec([{}, 1.234], [{}, -1.234], [{}, 2.5]), scalar(0.01)])).toEqual([1.23, -1.23, 2.5]);
    expect(call('abs', [data]).vector[0]?.metric).toEqual({ type: 'positive' });
  });
  it('clamp, clamp_min, clamp_max', () => {
    const c = vec([{ src: 'a' }, -50], [{ src: 'b' }, 0], [{ src: 'c' }, 100]);
    expect(values('clamp_max', [c, scalar(75)])).toEqual([-50, 0, 75]);
    expect(values('clamp_min', [c, scalar(-25)])).toEqual([-25, 0, 100]);
    expect(values('clamp', [c, scalar(-25), scalar(75)])).toEqual([-25, 0, 75]);
    expect(values('clamp', [c, scalar(0), scalar(NaN)])).toEqual([NaN, NaN, NaN]);
    expect(values('clamp', [c, scalar(NaN), scalar(0)])).toEqual([NaN, NaN, NaN]);
    expect(values('clamp', [c, scalar(5), scalar(-5)])).toEqual([]);
    // Go's math.Min lets -Inf win over NaN.
    expect(values('clamp_max', [vec([{}, NaN]), scalar(-Infinity)])).toEqual([-Infinity]);
  });
  it('sgn, exp, ln, sqrt, log2, log10 as in functions.test', () => {
    expect(values('sgn', [vec([{}, -Infinity], [{}, Infinity], [{}, NaN], [{}, -50], [{}, 0], [{}, 100])])).toEqual([-1, 1, NaN, -1, 0, 1]);
    const x = vec([{ l: 'x' }, 10], [{ l: 'y' }, 20]);
    expect(values('exp', [x])).toEqual([22026.465794806718, 485165195.4097903]);
    expect(values('exp', [vec([{}, -10])])).toEqual([4.5399929762484854e-5]);
    expect(values('ln', [x])).toEqual([2.302585092994046, 2.995732273553991]);
    expect(values('ln', [vec([{}, 0], [{}, -10])])).toEqual([-Infinity, NaN]);
    // Go's amd64 Exp (goexp.ts) is correctly rounded here where V8's is not: e^ln(10) = 10.000000000000002.
    const roundTrip = values('exp', [{ type: 'vector', vector: call('ln', [x]).vector }]) as number[];
    expect(roundTrip[0]).toBe(10.000000000000002);
    expect(roundTrip[1]).toBeCloseTo(20, 13);
    expect(values('ln', [vec([{}, 5e-324])])).toEqual([-709.0895657128241]); // golang/go#56600, as Prometheus on amd64
    expect(values('sqrt', [x])).toEqual([3.1622776601683795, 4.47213595499958]);
    const log2 = values('log2', [x]) as number[];
    expect(log2[0]).toBeCloseTo(3.3219280948873626, 15);
    expect(log2[1]).toBe(4.321928094887363);
    expect(values('log2', [vec([{}, 8], [{}, 0.25], [{}, 0])])).toEqual([3, -2, -Infinity]);
    expect(values('log10', [x])).toEqual([1, 1.301029995663981]);
  });
  it('trigonometry follows Go (Cephes) to the last ulp of Math, including Payne–Hanek reduction', () => {
    const ulps = (a: number, b: number) => Math.abs(a - b) / (Number.EPSILON * Math.max(Math.abs(b), 2 ** -1022));
    const fns = { sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh };
    const inputs = [0.1, 0.5, 0.7, 0.99, 1.5, 3, 10, 100, 1234.5, 1.7e9, 2 ** 40 + 0.5, 1e300, -0.3, -2.5];
    for (const [fn, ref] of Object.entries(fns)) {
      const got = values(fn, [vec(...inputs.map((v): [Labels, number] => [{}, v]))]) as number[];
      got.forEach((g, i) => {
        const want = ref(inputs[i] as number);
        if (Number.isNaN(want)) expect(g).toBeNaN();
        else if (Number.isFinite(want)) expect(ulps(g, want)).toBeLessThanOrEqual(2);
        else expect(g).toBe(want);
      });
    }
    expect(values('sin', [vec([{}, -0])])).toEqual([-0]);
    expect(values('cos', [vec([{}, Infinity])])).toEqual([NaN]);
    expect(values('deg', [vec([{}, Math.PI])])).toEqual([180]);
    expect(values('rad', [vec([{}, 180])])).toEqual([Math.PI]);
  });
  it('pi, min_of, max_of', () => {
    expect(scalarOf('pi', [])).toBe(Math.PI);
    expect(scalarOf('min_of', [scalar(5), scalar(3)])).toBe(3);
    expect(scalarOf('max_of', [scalar(-2), scalar(-5)])).toBe(-2);
    expect(scalarOf('min_of', [scalar(NaN), scalar(3)])).toBeNaN();
    expect(scalarOf('max_of', [scalar(3), scalar(NaN)])).toBeNaN();
  });
});

describe('time functions', () => {
  it('time, and the date functions on vector(time()) by default', () => {
    expect(scalarOf('time', [], 1)).toBe(0.001);
    expect(values('year', [])).toEqual([1970]);
    expect(values('day_of_week', [])).toEqual([4]);
    expect(call('month', [], 3000_000).vector).toEqual([{ metric: {}, point: { t: 3000_000, v: 1 } }]);
  });
  it('calendar fields of sample values (UTC)', () => {
    const t = vec([{ __name__: 'x' }, 1136239445]);
    const at = (fn: string, v: number) => values(fn, [vec([{}, v])])?.[0];
    expect([values('year', [t]), values('month', [t]), values('day_of_month', [t]), values('day_of_year', [t])]).toEqual([[2006], [1], [2], [2]]);
    expect([values('day_of_week', [t]), values('hour', [t]), values('minute', [t])]).toEqual([[1], [22], [4]]);
    expect(call('year', [t]).vector[0]?.metric).toEqual({});
    expect([at('year', 1230767999), at('year', 1230768000)]).toEqual([2008, 2009]);
    expect(at('month', 1456790399)! + at('day_of_month', 1456790399)! / 100).toBe(2.29);
    expect(at('month', 1456790400)! + at('day_of_month', 1456790400)! / 100).toBe(3.01);
    expect([at('day_of_year', 1483191420), at('day_of_year', 1672493820)]).toEqual([366, 365]);
    expect([at('days_in_month', 1454284800), at('days_in_month', 1485907200)]).toEqual([29, 28]);
    expect([at('year', -1), at('hour', -1), at('day_of_week', -1)]).toEqual([1969, 23, 3]);
  });
  it('timestamp: the sample time for a plain selector, else the evaluation time', () => {
    const v = vec([{ __name__: 'metric' }, 1, 10_000]);
    expect(call('timestamp', [v], 15_000, [{ kind: 'paren', expr: selector(['__name__', '=', 'metric']) }]).vector).toEqual([
      { metric: {}, point: { t: 15_000, v: 10 } },
    ]);
    expect(call('timestamp', [v], 15_000).values).toEqual([15]);
  });
});

describe('absent, vector, scalar', () => {
  it('absent() takes labels from the equality matchers of a selector argument', () => {
    const absent = (sel: VectorSelector) => call('absent', [vec()], 0, [sel]).vector.map((s) => s.metric);
    expect(absent(selector(['__name__', '=', 'nonexistent']))).toEqual([{}]);
    expect(absent(selector(['__name__', '=', 'n'], ['job', '=', 'testjob'], ['instance', '=', 'testinstance'], ['method', '=~', '.x']))).toEqual([
      { instance: 'testinstance', job: 'testjob' },
    ]);
    expect(absent(selector(['job', '=', 'testjob'], ['job', '=', 'testjob2'], ['foo', '=', 'bar']))).toEqual([{ foo: 'bar' }]);
    expect(absent(selector(['job', '=', 'testjob'], ['job', '=~', 'testjob2'], ['foo', '=', 'bar']))).toEqual([{ foo: 'bar' }]);
    expect(call('absent', [vec()], 0, [num]).vector).toEqual([{ metric: {}, point: { t: 0, v: 1 } }]);
    expect(call('absent', [vec([{}, 1])]).vector).toEqual([]);
  });
  it('absent_over_time() per step: 1 when no series has a sample in the window', () => {
    const ms: Expr = { kind: 'matrix_selector', rangeMs: 300_000, selector: selector(['__name__', '=', 'x'], ['handler', '=', '/foo'], ['instance', '!=', 'a']) };
    const empty: Value = { type: 'matrix', matrix: [rangeSeries({ __name__: 'x' }, [])] };
    expect(call('absent_over_time', [empty], 60_000, [ms]).vector).toEqual([{ metric: { handler: '/foo' }, point: { t: 60_000, v: 1 } }]);
    const present: Value = { type: 'matrix', matrix: [rangeSeries({}, [{ t: 0, v: 1 }])] };
    expect(call('absent_over_time', [present], 60_000, [ms]).vector).toEqual([]);
    const sub: Expr = { kind: 'subquery', expr: num, rangeMs: 300_000, offsetMs: 0 };
    expect(call('absent_over_time', [{ type: 'matrix', matrix: [] }], 0, [sub]).vector[0]?.metric).toEqual({});
  });
  it('vector and scalar', () => {
    expect(call('vector', [scalar(3)], 5000).vector).toEqual([{ metric: {}, point: { t: 5000, v: 3 } }]);
    expect(scalarOf('scalar', [vec([{ l: 'x' }, 1], [{ l: 'y' }, 2])])).toBeNaN();
    expect(scalarOf('scalar', [vec()])).toBeNaN();
    expect(scalarOf('scalar', [vec([{ l: 'x' }, 1])])).toBe(1);
  });
});

describe('sort functions', () => {
  const hr = (job: string, instance: string, group: string, v: number): [Labels, number] => [{ __name__: 'http_requests', group, instance, job }, v];
  const input = vec(
    hr('api-server', '0', 'production', 100),
    hr('api-server', '1', 'production', 200),
    hr('api-server', '0', 'canary', 300),
    hr('api-server', '1', 'canary', 400),
    hr('api-server', '2', 'canary', NaN),
    hr('app-server', '0', 'production', 500),
    hr('app-server', '1', 'production', 600),
    hr('app-server', '0', 'canary', 700),
    hr('app-server', '1', 'canary', 800),
  );
  it('sort and sort_desc put NaN last and keep the name', () => {
    expect(values('sort', [input])).toEqual([100, 200, 300, 400, 500, 600, 700, 800, NaN]);
    expect(values('sort_desc', [input])).toEqual([800, 700, 600, 500, 400, 300, 200, 100, NaN]);
    expect(call('sort', [input]).vector[0]?.metric['__name__']).toBe('http_requests');
  });
  it('sort_by_label and sort_by_label_desc: natural order, then the whole label set', () => {
    const withProd2 = { type: 'vector', vector: [...(input as { vector: Vector }).vector, { metric: hr('api-server', '2', 'production', 100)[0], point: { t: 0, v: 100 } }] } as Value;
    const order = (fn: string, ...labels: string[]) =>
      call(fn, [withProd2, ...labels.map(str)]).vector.map((s) => `${s.metric['group']}/${s.metric['instance']}/${s.metric['job']}`);
    expect(order('sort_by_label', 'instance').slice(0, 5)).toEqual(['canary/0/api-server', 'canary/0/app-server', 'production/0/api-server', 'production/0/app-server', 'canary/1/api-server']);
    expect(order('sort_by_label', 'job', 'instance', 'group').slice(0, 6)).toEqual([
      'canary/0/api-server', 'production/0/api-server', 'canary/1/api-server', 'production/1/api-server', 'canary/2/api-server', 'production/2/api-server',
    ]);
    expect(order('sort_by_label_desc', 'instance').slice(0, 4)).toEqual(['production/2/api-server', 'canary/2/api-server', 'production/1/app-server', 'production/1/api-server']);
    const cpus = vec(...['0', '1', '2', '3', '10', '11', '12', '20', '21', '100'].reverse().map((cpu): [Labels, number] => [{ cpu, job: 'cpu' }, 100]));
    expect(call('sort_by_label', [cpus, str('cpu')]).vector.map((s) => s.metric['cpu'])).toEqual(['0', '1', '2', '3', '10', '11', '12', '20', '21', '100']);
    const uname = vec([{ instance: '4m600', release: '1.2.3' }, 1], [{ instance: '4m5', release: '1.11.3' }, 1], [{ instance: '4m1000', release: '1.111.3' }, 1]);
    expect(call('sort_by_label', [uname, str('instance')]).vector.map((s) => s.metric['instance'])).toEqual(['4m5', '4m600', '4m1000']);
    expect(call('sort_by_label', [uname, str('release')]).vector.map((s) => s.metric['release'])).toEqual(['1.2.3', '1.11.3', '1.111.3']);
  });
});

describe('label_replace, label_join', () => {
  const tm = vec(
    [{ __name__: 'testmetric', src: 'source-value-10', dst: 'original-destination-value' }, 0],
    [{ __name__: 'testmetric', src: 'source-value-20', dst: 'original-destination-value' }, 1],
  );
  const replace = (...a: string[]) => call('label_replace', [tm, ...a.map(str)]).vector.map((s) => s.metric);
  it('label_replace matches the whole value and expands $n', () => {
    expect(replace('dst', 'destination-value-$1', 'src', 'source-value-(.*)')[0]).toEqual({ __name__: 'testmetric', dst: 'destination-value-10', src: 'source-value-10' });
    expect(replace('dst', 'destination-value-$1', 'src', 'value-(.*)')[1]?.['dst']).toBe('original-destination-value');
    expect(replace('dst', '$1-value-$2', 'src', '(.*)-value-(.*)')[1]?.['dst']).toBe('source-value-20');
    expect(replace('dst', 'value-$1', 'nonexistent-src', 'source-value-(.*)')[0]?.['dst']).toBe('original-destination-value');
    expect(replace('dst', 'value-$1', 'nonexistent-src', '(.*)')[0]?.['dst']).toBe('value-');
    expect(replace('dst', '', 'dst', '.*')[0]).toEqual({ __name__: 'testmetric', src: 'source-value-10' });
    expect(replace('dst', '${1}x $1x $$1 ${name} $', 'src', 'source-value-(?P<name>.*)')[0]?.['dst']).toBe('10x  $1 10 $');
  });
  it('label_replace errors', () => {
    expect(() => replace('dst', 'value-$1', 'src', '(.*')).toThrow(new QueryError('execution', 'invalid regular expression in label_replace(): (.*'));
    expect(() => replace('', '', 'src', '(.*)')).toThrow('invalid destination label name in label_replace(): ');
    expect(() => replace('\ud800', '', 'src', '(.*)')).toThrow(QueryError);
    // "\xff" reaches functions as U+FFFD (the parser's decoding of invalid UTF-8), which Prometheus rejects.
    expect(() => replace('\uFFFD', '', 'src', '(.*)')).toThrow('invalid destination label name in label_replace(): \uFFFD');
  });
  it('label_join', () => {
    const t = vec([{ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c', dst: 'original' }, 0]);
    const join = (...a: string[]) => call('label_join', [t, ...a.map(str)]).vector[0]?.metric;
    expect(join('dst', '-', 'src', 'src1', 'src2')?.['dst']).toBe('a-b-c');
    expect(join('dst', '-', 'src', 'src3', 'src1')?.['dst']).toBe('a--b');
    expect(join('dst', '', 'emptysrc', 'emptysrc1')).toEqual({ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c' });
    expect(join('dst', ', ')).toEqual({ __name__: 'testmetric', src: 'a', src1: 'b', src2: 'c' });
    expect(join('new', ', ', 'src', 'src1')?.['new']).toBe('a, b');
    expect(() => join('dst', '-', '')).toThrow('invalid source label name in label_join(): ');
  });
});
