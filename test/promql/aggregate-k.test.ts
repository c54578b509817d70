import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import { aggregate, type AggregateArgs } from '../../promql/aggregate.ts';
import type { AggregateOp } from '../../promql/ast.ts';
import { QueryError } from '../../promql/errors.ts';
import { Annotations, type Vector } from '../../promql/value.ts';

/*
 * Parameters, errors and annotations of topk/bottomk/limitk/limit_ratio/count_values, from aggregators.test and
 * Prometheus' limit.test (which the shared testdata does not include).
 */

const T = 42;
const http = (job: string, instance: string, group: string): Labels => ({ __name__: 'http_requests', group, instance, job });
const vector = (entries: Array<[Labels, number]>): Vector => entries.map(([metric, v]) => ({ metric, point: { t: T, v } }));

function run(op: AggregateOp, input: Vector, opts: Partial<AggregateArgs> = {}): Vector {
  return aggregate({ op, vector: input, grouping: [], without: false, t: T, annotations: new Annotations(), ...opts });
}

function failure(f: () => unknown): QueryError {
  try {
    f();
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error('expected a QueryError');
}

describe('aggregate: topk, bottomk, limitk parameter', () => {
  it.each(['topk', 'bottomk', 'limitk'] as const)('%s(NaN, non_existent) fails: Parameter value is NaN', (op) => {
    const err = failure(() => run(op, [], { param: NaN }));
    expect([err.type, err.message]).toEqual(['execution', 'Parameter value is NaN']);
  });

  it('limit_ratio(NaN, non_existent) fails: Ratio value is NaN', () => {
    expect(failure(() => run('limit_ratio', [], { param: NaN })).message).toBe('Ratio value is NaN');
  });

  // load 5m: 8 series 0+10x10 … 0+80x10, one NaN series; foo 1+1x9 3.
  const foo = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3];
  const input = (step: number): Vector =>
    vector([
      ...['api-server', 'app-server'].flatMap((job, j) =>
        ['canary', 'production'].flatMap((group, g) =>
          ['0', '1'].map((i): [Labels, number] => [http(job, i, group), step * 10 * (1 + Number(i) + 2 * (1 - g) + 4 * j)]),
        ),
      ),
      [http('api-server', '2', 'production'), NaN],
    ]);

  it.each(['topk', 'bottomk'] as const)('eval range count(%s(scalar(foo), http_requests)): 1 2 3 4 5 6 7 8 9 9 3', (op) => {
    const counts = foo.map((param, step) => run(op, input(step), { param, paramSteps: foo }).length);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 3]);
  });

  it('truncates k toward zero; k below 1 gives nothing', () => {
    expect(run('topk', input(10), { param: 2.9 }).map((s) => s.point.v)).toEqual([800, 700]);
    expect(run('topk', input(10), { param: 0.99 })).toEqual([]);
    expect(run('limitk', input(10), { param: -1 })).toEqual([]);
  });

  it('checks k over the whole range, as Prometheus does before the first step', () => {
    expect(failure(() => run('topk', input(1), { param: 5, paramSteps: [5, NaN] })).message).toBe('Parameter value is NaN');
    expect(failure(() => run('topk', input(1), { param: 5, paramSteps: [5, -1e19] })).message).toBe('Scalar value -1e+19 underflows int64');
    expect(failure(() => run('topk', input(1), { param: 1e19 })).message).toBe('Scalar value 1e+19 overflows int64');
    expect(run('topk', input(1), { param: -1e19 })).toEqual([]);
  });

  it('keeps each sample with its own labels and value, stamped with the evaluation time', () => {
    const [top] = run('bottomk', input(10), { param: 1 });
    expect(top).toEqual({ metric: http('api-server', '0', 'production'), point: { t: T, v: 100 } });
  });
});

// limit.test: load 5m, six float series (two more are native histograms, which only the hash test below uses).
const LIMIT = vector([
  [http('api-server', '0', 'production'), 100],
  [http('api-server', '1', 'production'), 200],
  [http('api-server', '0', 'canary'), 300],
  [http('api-server', '1', 'canary'), 400],
  [http('api-server', '2', 'canary'), 500],
  [http('api-server', '3', 'canary'), 600],
]);

describe('aggregate: limitk', () => {
  it('limitk by (group) (k, …) keeps k series of each group, untouched', () => {
    const per = (param: number) => run('limitk', LIMIT, { param, grouping: ['group'] });
    expect(per(1)).toHaveLength(2);
    expect(per(2)).toHaveLength(4);
    for (const s of per(2)) expect(LIMIT).toContainEqual(s);
    expect(run('limitk', LIMIT, { param: 100 })).toHaveLength(6);
  });

  it('limitk(0) and limitk(-1) give nothing and no annotation', () => {
    const annotations = new Annotations();
    expect(run('limitk', LIMIT, { param: 0, annotations })).toEqual([]);
    expect(run('limitk', LIMIT, { param: -1, annotations })).toEqual([]);
    expect([annotations.warnings.size, annotations.infos.size]).toEqual([0, 0]);
  });
});

describe('aggregate: limit_ratio', () => {
  const eight = vector(
    [...['0', '1'].map((i) => http('api-server', i, 'production')), ...['0', '1', '2', '3', 'histogram_1', 'histogram_2'].map((i) => http('api-server', i, 'canary'))].map((l): [Labels, number] => [l, 1]),
  );
  const ratio = (param: number, opts: Partial<AggregateArgs> = {}) => run('limit_ratio', eight, { param, ...opts }).map((s) => s.metric.instance + s.metric.group);

  it('1 and -1 keep every series; 0 none', () => {
    expect(ratio(1)).toHaveLength(8);
    expect(ratio(-1)).toHaveLength(8);
    expect(ratio(0)).toEqual([]);
  });

  it('caps the ratio to [-1, 1] with Prometheus\' warning', () => {
    const annotations = new Annotations();
    const query = 'limit_ratio by (env) (1.1, http_requests)';
    expect(ratio(1.1, { annotations, paramPos: query.indexOf('1.1') })).toHaveLength(8);
    expect(ratio(-1.1, { annotations, paramPos: query.indexOf('1.1') })).toHaveLength(8);
    expect(annotations.asStrings(query).warnings).toEqual([
      'PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1 (1:23)',
      'PromQL warning: ratio value should be between -1 and 1, got -1.1, capping to -1 (1:23)',
    ]);
  });

  it('limit_ratio(r) and limit_ratio(-(1 - r)) are complements', () => {
    const rs = [0.2, 0.5, 0.8, ...Array.from({ length: 11 }, (_, step) => ((step * 300) % 17) / 17)];
    for (const r of rs) {
      const [a, b] = [ratio(r), ratio(-(1 - r))];
      expect(a.filter((x) => b.includes(x))).toEqual([]);
      expect([...a, ...b].sort()).toEqual(ratio(1).sort());
    }
  });

  it('selects by the labels hash: 0.5 keeps "near" half of the eight series', () => {
    expect(ratio(0.5).length).toBeGreaterThanOrEqual(3);
    expect(ratio(0.5).length).toBeLessThanOrEqual(5);
    expect(ratio(0.5, { grouping: ['group'] }).sort()).toEqual(ratio(0.5).sort());
  });
  it("passes limit.test's normality check: |avg(limit_ratio(0.5)) - avg(limit_ratio(-0.5))| <= stddev", () => {
    const avg = (param: number) => run('avg', run('limit_ratio', LIMIT, { param }))[0]?.point.v ?? NaN;
    expect(Math.abs(avg(0.5) - avg(-0.5))).toBeLessThanOrEqual(run('stddev', LIMIT)[0]?.point.v ?? NaN);
  });
});

describe('aggregate: count_values', () => {
  const values = (...vs: number[]) => vector(vs.map((v, i): [Labels, number] => [{ __name__: 'x', i: String(i) }, v]));

  it('formats the value as Go\'s strconv.FormatFloat(v, \'f\', -1, 64)', () => {
    const out = run('count_values', values(1e21, 1e-7, -0, NaN, -Infinity, 0.1, 0.1), { param: 'v' });
    expect(out.map((s) => [s.metric, s.point.v])).toEqual([
      [{ v: '1000000000000000000000' }, 1],
      [{ v: '0.0000001' }, 1],
      [{ v: '-0' }, 1],
      [{ v: 'NaN' }, 1],
      [{ v: '-Inf' }, 1],
      [{ v: '0.1' }, 2],
    ]);
  });

  it('accepts any UTF-8 label name, as Prometheus 3 does', () => {
    expect(run('count_values', values(1), { param: 'a-Åz' })[0]?.metric).toEqual({ 'a-Åz': '1' });
  });

  it.each([
    ['', 'invalid label name ""'],
    ['a\ud800z', 'invalid label name "a\\ud800z"'],
    // count_values("a\xc5z", version), if the parser carries the byte 0xc5 as U+DCC5 ("surrogateescape").
    ['a\udcc5z', 'invalid label name "a\\xc5z"'],
  ])('rejects %j, which is no valid UTF-8', (param, message) => {
    const err = failure(() => run('count_values', [], { param }));
    expect([err.type, err.message]).toEqual(['execution', message]);
  });
});
