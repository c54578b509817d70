import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import { aggregate, type AggregateArgs } from '../../promql/aggregate.ts';
import type { AggregateOp } from '../../promql/ast.ts';
import { Annotations, type Vector } from '../../promql/value.ts';

/*
 * Cases from Prometheus' promql/promqltest/testdata/aggregators.test (../shared/promql-testdata), each given the
 * operand's samples at the evaluation time as the test's `load` produces them, in storage (label) order.
 */

const T = 3_000_000;

function parseLabels(text: string): Labels {
  const m = /^([\w:]*)\{(.*)\}$/.exec(text.trim());
  if (!m) throw new Error(`bad series ${text}`);
  const labels: Record<string, string> = m[1] ? { __name__: m[1] } : {};
  for (const [, name, value] of (m[2] as string).matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) labels[name as string] = value as string;
  return labels;
}

const num = (s: string): number => (/^[+-]?inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s));

/** `series value` lines, as in a .test file, parsed to [labels, value] pairs. */
function rows(text: string): Array<[Labels, number]> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return [parseLabels(line.slice(0, at)), num(line.slice(at + 1))];
    });
}

/** labels.Compare: label by label in name order, name before value, a prefix first. */
function compareLabels(a: Labels, b: Labels): number {
  const x = Object.keys(a).sort();
  const y = Object.keys(b).sort();
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [nx, ny] = [x[i] as string, y[i] as string];
    if (nx !== ny) return nx < ny ? -1 : 1;
    const [vx, vy] = [a[nx] as string, b[ny] as string];
    if (vx !== vy) return vx < vy ? -1 : 1;
  }
  return x.length - y.length;
}

/** The operand as a selector returns it: matching series in label order. */
function load(text: string, match: Labels = {}): Vector {
  return rows(text)
    .filter(([labels]) => Object.entries(match).every(([n, v]) => labels[n] === v))
    .sort(([a], [b]) => compareLabels(a, b))
    .map(([metric, v]) => ({ metric, point: { t: T, v } }));
}

const key = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

/** promqltest's comparison: exact for NaN and infinities, else within a relative 1e-6. */
function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (actual === expected) return true;
  if (expected === 0 || actual === 0) return false;
  return Math.abs(actual - expected) / (Math.abs(actual) + Math.abs(expected)) < 1e-6;
}

function expectVector(actual: Vector, expected: string, ordered = false): void {
  const want = rows(expected);
  const got = actual.map((s): [Labels, number] => [s.metric, s.point.v]);
  expect(got.map(([l]) => key(l)).sort()).toEqual(want.map(([l]) => key(l)).sort());
  for (const [labels, v] of want) {
    const index = got.findIndex(([l]) => key(l) === key(labels));
    if (ordered) expect(index).toBe(want.findIndex(([l]) => key(l) === key(labels)));
    expect(close((got[index] as [Labels, number])[1], v), `${key(labels)}: ${got[index]?.[1]} vs ${v}`).toBe(true);
  }
  for (const s of actual) expect(s.point.t).toBe(T);
}

function run(op: AggregateOp, input: Vector, opts: Partial<AggregateArgs> = {}): Vector {
  return aggregate({ op, vector: input, grouping: [], without: false, t: T, annotations: new Annotations(), ...opts });
}

const HTTP = `
  http_requests{job="api-server", instance="0", group="production"} 100
  http_requests{job="api-server", instance="1", group="production"} 200
  http_requests{job="api-server", instance="0", group="canary"} 300
  http_requests{job="api-server", instance="1", group="canary"} 400
  http_requests{job="app-server", instance="0", group="production"} 500
  http_requests{job="app-server", instance="1", group="production"} 600
  http_requests{job="app-server", instance="0", group="canary"} 700
  http_requests{job="app-server", instance="1", group="canary"} 800`;
const FOO = `foo{job="api-server", instance="0", region="europe"} 900
  foo{job="api-server"} 1000`;
const HTTP_NAN = `${HTTP}\nhttp_requests{job="api-server", instance="2", group="production"} NaN`;
const api = load(HTTP, { job: 'api-server' });
const all = load(HTTP);
const withNaN = load(HTTP_NAN);

interface Case {
  readonly query: string;
  readonly op: AggregateOp;
  readonly input: Vector;
  readonly param?: number | string;
  readonly by?: string[];
  readonly without?: string[];
  readonly expect: string;
  readonly ordered?: boolean;
}

const cases: Case[] = [
  { query: 'SUM BY (group) (http_requests{job="api-server"})', op: 'sum', input: api, by: ['group'], expect: '{group="canary"} 700\n{group="production"} 300' },
  { query: 'avg by (group) (http_requests{job="api-server"})', op: 'avg', input: api, by: ['group'], expect: '{group="canary"} 350\n{group="production"} 150' },
  { query: 'count by (group) (http_requests{job="api-server"})', op: 'count', input: api, by: ['group'], expect: '{group="canary"} 2\n{group="production"} 2' },
  { query: 'sum without (instance) (http_requests{job="api-server"})', op: 'sum', input: api, without: ['instance'], expect: '{group="canary",job="api-server"} 700\n{group="production",job="api-server"} 300' },
  { query: 'sum by () (http_requests{job="api-server"})', op: 'sum', input: api, by: [], expect: '{} 1000' },
  { query: 'sum without () (http_requests{job="api-server",group="production"})', op: 'sum', input: load(HTTP, { job: 'api-server', group: 'production' }), without: [], expect: '{group="production",job="api-server",instance="0"} 100\n{group="production",job="api-server",instance="1"} 200' },
  { query: 'sum without (instance) (http_requests{job="api-server"} or foo)', op: 'sum', input: [...api, ...load(FOO)], without: ['instance'], expect: '{group="canary",job="api-server"} 700\n{group="production",job="api-server"} 300\n{region="europe",job="api-server"} 900\n{job="api-server"} 1000' },
  { query: 'SUM(http_requests)', op: 'sum', input: all, expect: '{} 3600' },
  { query: 'SUM(http_requests{instance="0"}) BY(job)', op: 'sum', input: load(HTTP, { instance: '0' }), by: ['job'], expect: '{job="api-server"} 400\n{job="app-server"} 1200' },
  { query: 'SUM(http_requests) BY (job, nonexistent)', op: 'sum', input: all, by: ['job', 'nonexistent'], expect: '{job="api-server"} 1000\n{job="app-server"} 2600' },
  { query: 'COUNT(http_requests) BY (job)', op: 'count', input: all, by: ['job'], expect: '{job="api-server"} 4\n{job="app-server"} 4' },
  { query: 'SUM(http_requests) BY (job, group)', op: 'sum', input: all, by: ['job', 'group'], expect: '{group="canary", job="api-server"} 700\n{group="canary", job="app-server"} 1500\n{group="production", job="api-server"} 300\n{group="production", job="app-server"} 1100' },
  { query: 'AVG(http_requests) BY (job)', op: 'avg', input: all, by: ['job'], expect: '{job="api-server"} 250\n{job="app-server"} 650' },
  { query: 'MIN(http_requests) BY (job)', op: 'min', input: all, by: ['job'], expect: '{job="api-server"} 100\n{job="app-server"} 500' },
  { query: 'MAX(http_requests) BY (job)', op: 'max', input: all, by: ['job'], expect: '{job="api-server"} 400\n{job="app-server"} 800' },
  { query: 'stddev(http_requests)', op: 'stddev', input: all, expect: '{} 229.12878474779' },
  { query: 'stddev by (instance)(http_requests)', op: 'stddev', input: all, by: ['instance'], expect: '{instance="0"} 223.60679774998\n{instance="1"} 223.60679774998' },
  { query: 'stdvar(http_requests)', op: 'stdvar', input: all, expect: '{} 52500' },
  { query: 'stdvar by (instance)(http_requests)', op: 'stdvar', input: all, by: ['instance'], expect: '{instance="0"} 50000\n{instance="1"} 50000' },
  { query: 'stddev(http_requests) of 0+1.33x10', op: 'stddev', input: load(`a{i="0"} 13.3\na{i="1"} 13.3\na{i="2"} 13.3`), expect: '{} 0' },
  { query: 'sum(label_grouping_test) by (a, b)', op: 'sum', input: load('label_grouping_test{a="aa", b="bb"} 100\nlabel_grouping_test{a="a", b="abb"} 200'), by: ['a', 'b'], expect: '{a="a", b="abb"} 200\n{a="aa", b="bb"} 100' },
  { query: 'sum by (__name__) (…)', op: 'sum', input: [...api, ...load(FOO)], by: ['__name__'], expect: '{__name__="http_requests"} 1000\n{__name__="foo"} 1900' },
  // topk / bottomk at 50m, one series NaN.
  { query: 'topk(3, http_requests)', op: 'topk', param: 3, input: withNaN, ordered: true, expect: 'http_requests{group="canary", instance="1", job="app-server"} 800\nhttp_requests{group="canary", instance="0", job="app-server"} 700\nhttp_requests{group="production", instance="1", job="app-server"} 600' },
  { query: 'topk(5, http_requests{group="canary",job="app-server"})', op: 'topk', param: 5, input: load(HTTP_NAN, { group: 'canary', job: 'app-server' }), ordered: true, expect: 'http_requests{group="canary", instance="1", job="app-server"} 800\nhttp_requests{group="canary", instance="0", job="app-server"} 700' },
  { query: 'bottomk(3, http_requests)', op: 'bottomk', param: 3, input: withNaN, ordered: true, expect: 'http_requests{group="production", instance="0", job="api-server"} 100\nhttp_requests{group="production", instance="1", job="api-server"} 200\nhttp_requests{group="canary", instance="0", job="api-server"} 300' },
  { query: 'topk by (group) (1, http_requests)', op: 'topk', param: 1, by: ['group'], input: withNaN, expect: 'http_requests{group="production", instance="1", job="app-server"} 600\nhttp_requests{group="canary", instance="1", job="app-server"} 800' },
  { query: 'bottomk by (group) (2, http_requests)', op: 'bottomk', param: 2, by: ['group'], input: withNaN, expect: 'http_requests{group="canary", instance="0", job="api-server"} 300\nhttp_requests{group="canary", instance="1", job="api-server"} 400\nhttp_requests{group="production", instance="0", job="api-server"} 100\nhttp_requests{group="production", instance="1", job="api-server"} 200' },
  { query: 'bottomk by (group) (2, http_requests{group="production"})', op: 'bottomk', param: 2, by: ['group'], input: load(HTTP_NAN, { group: 'production' }), ordered: true, expect: 'http_requests{group="production", instance="0", job="api-server"} 100\nhttp_requests{group="production", instance="1", job="api-server"} 200' },
  { query: 'topk(3, http_requests{job="api-server",group="production"})', op: 'topk', param: 3, input: load(HTTP_NAN, { job: 'api-server', group: 'production' }), ordered: true, expect: 'http_requests{job="api-server", instance="1", group="production"} 200\nhttp_requests{job="api-server", instance="0", group="production"} 100\nhttp_requests{job="api-server", instance="2", group="production"} NaN' },
  { query: 'bottomk(3, http_requests{job="api-server",group="production"})', op: 'bottomk', param: 3, input: load(HTTP_NAN, { job: 'api-server', group: 'production' }), ordered: true, expect: 'http_requests{job="api-server", instance="0", group="production"} 100\nhttp_requests{job="api-server", instance="1", group="production"} 200\nhttp_requests{job="api-server", instance="2", group="production"} NaN' },
  { query: 'bottomk(9999999999, http_requests{job="app-server",group="canary"})', op: 'bottomk', param: 9999999999, input: load(HTTP_NAN, { job: 'app-server', group: 'canary' }), ordered: true, expect: 'http_requests{group="canary", instance="0", job="app-server"} 700\nhttp_requests{group="canary", instance="1", job="app-server"} 800' },
  { query: 'topk by (instance) (1, {__name__=~"http_requests(_histogram)?"})', op: 'topk', param: 1, by: ['instance'], input: withNaN, expect: '{__name__="http_requests", group="canary", instance="0", job="app-server"} 700\n{__name__="http_requests", group="canary", instance="1", job="app-server"} 800\n{__name__="http_requests", group="production", instance="2", job="api-server"} NaN' },
  { query: 'bottomk by (instance) (1, {__name__=~"http_requests(_histogram)?"})', op: 'bottomk', param: 1, by: ['instance'], input: withNaN, expect: '{__name__="http_requests", group="production", instance="0", job="api-server"} 100\n{__name__="http_requests", group="production", instance="1", job="api-server"} 200\n{__name__="http_requests", group="production", instance="2", job="api-server"} NaN' },
];

describe('aggregate: aggregators.test', () => {
  it.each(cases)('$query', (c) => {
    const grouping = c.without ?? c.by ?? [];
    const out = run(c.op, c.input, { param: c.param, grouping, without: c.without !== undefined });
    expectVector(out, c.expect, c.ordered);
  });
});

const VERSION = load(`
  version{job="api-server", instance="0", group="production"} 6
  version{job="api-server", instance="1", group="production"} 6
  version{job="api-server", instance="2", group="production"} 6
  version{job="api-server", instance="0", group="canary"} 8
  version{job="api-server", instance="1", group="canary"} 8
  version{job="app-server", instance="0", group="production"} 6
  version{job="app-server", instance="1", group="production"} 6
  version{job="app-server", instance="0", group="canary"} 7
  version{job="app-server", instance="1", group="canary"} 7`);
const QDATA = load(`
  data{test="two samples",point="a"} 0
  data{test="two samples",point="b"} 1
  data{test="three samples",point="a"} 0
  data{test="three samples",point="b"} 1
  data{test="three samples",point="c"} 2
  data{test="uneven samples",point="a"} 0
  data{test="uneven samples",point="b"} 1
  data{test="uneven samples",point="c"} 4
  data{test="NaN sample",point="a"} 0
  data{test="NaN sample",point="b"} 1
  data{test="NaN sample",point="c"} NaN`);
// The "Tests for avg" load at 1m; a series loaded twice keeps its later value (inf3 d, -inf3 c).
const AVG = load(`
  data{test="ten",point="a"} 8
  data{test="ten",point="b"} 10
  data{test="ten",point="c"} 12
  data{test="inf",point="a"} 0
  data{test="inf",point="b"} Inf
  data{test="inf",point="d"} Inf
  data{test="inf",point="c"} 0
  data{test="-inf",point="a"} -Inf
  data{test="-inf",point="b"} -Inf
  data{test="-inf",point="c"} 0
  data{test="inf2",point="a"} Inf
  data{test="inf2",point="b"} 0
  data{test="inf2",point="c"} Inf
  data{test="-inf2",point="a"} -Inf
  data{test="-inf2",point="b"} 0
  data{test="-inf2",point="c"} -Inf
  data{test="inf3",point="b"} Inf
  data{test="inf3",point="c"} Inf
  data{test="inf3",point="d"} -Inf
  data{test="-inf3",point="b"} -Inf
  data{test="-inf3",point="d"} -Inf
  data{test="-inf3",point="c"} Inf
  data{test="nan",point="a"} -Inf
  data{test="nan",point="b"} 0
  data{test="nan",point="c"} Inf
  data{test="big",point="a"} 9.988465674311579e+307
  data{test="big",point="b"} 9.988465674311579e+307
  data{test="big",point="c"} 9.988465674311579e+307
  data{test="big",point="d"} 9.988465674311579e+307
  data{test="-big",point="a"} -9.988465674311579e+307
  data{test="-big",point="b"} -9.988465674311579e+307
  data{test="-big",point="c"} -9.988465674311579e+307
  data{test="-big",point="d"} -9.988465674311579e+307
  data{test="bigzero",point="a"} -9.988465674311579e+307
  data{test="bigzero",point="b"} -9.988465674311579e+307
  data{test="bigzero",point="c"} 9.988465674311579e+307
  data{test="bigzero",point="d"} 9.988465674311579e+307
  data{test="value is nan"} NaN`);
const EXTREME = load(`
  data{test="ten",point="a"} 2
  data{test="ten",point="b"} 8
  data{test="ten",point="c"} 1e+100
  data{test="ten",point="d"} -1e100
  data{test="pos_inf",group="1",point="a"} Inf
  data{test="pos_inf",group="1",point="b"} 2
  data{test="pos_inf",group="2",point="a"} 2
  data{test="pos_inf",group="2",point="b"} Inf
  data{test="neg_inf",group="1",point="a"} -Inf
  data{test="neg_inf",group="1",point="b"} 2
  data{test="neg_inf",group="2",point="a"} 2
  data{test="neg_inf",group="2",point="b"} -Inf
  data{test="inf_inf",point="a"} Inf
  data{test="inf_inf",point="b"} -Inf
  data{test="nan",group="1",point="a"} NaN
  data{test="nan",group="1",point="b"} 2
  data{test="nan",group="2",point="a"} 2
  data{test="nan",group="2",point="b"} NaN`);
const MINMAX = load(`
  http_requests{job="api-server", instance="0", group="production"} 1
  http_requests{job="api-server", instance="1", group="production"} 2
  http_requests{job="api-server", instance="0", group="canary"} NaN
  http_requests{job="api-server", instance="1", group="canary"} 3
  http_requests{job="api-server", instance="2", group="canary"} 4`);
/** A single sample has deviation 0, or NaN when it is NaN or infinite. */
const byLabel = (...values: string[]) => values.map((v, i) => `{label="${'abc'[i]}"} ${/^\d+$/.test(v) ? 0 : 'NaN'}`).join('\n');
const series = (a: string, b: string, c: string) => load(`series{label="a"} ${a}\nseries{label="b"} ${b}\nseries{label="c"} ${c}`);

// Each eval of one selected test group (e.g. avg(data{test="ten"})) is run here as one `by (test)` aggregation.
const more: Case[] = [
  { query: 'max(http_requests)', op: 'max', input: MINMAX, expect: '{} 4' },
  { query: 'min(http_requests)', op: 'min', input: MINMAX, expect: '{} 1' },
  { query: 'max by (group) (http_requests)', op: 'max', input: MINMAX, by: ['group'], expect: '{group="production"} 2\n{group="canary"} 4' },
  { query: 'min by (group) (http_requests)', op: 'min', input: MINMAX, by: ['group'], expect: '{group="production"} 1\n{group="canary"} 3' },
  { query: 'count_values("version", version)', op: 'count_values', param: 'version', input: VERSION, expect: '{version="6"} 5\n{version="7"} 2\n{version="8"} 2' },
  { query: 'count_values without (instance)("version", version)', op: 'count_values', param: 'version', input: VERSION, without: ['instance'], expect: '{job="api-server", group="production", version="6"} 3\n{job="api-server", group="canary", version="8"} 2\n{job="app-server", group="production", version="6"} 2\n{job="app-server", group="canary", version="7"} 2' },
  { query: 'count_values without (instance)("job", version)', op: 'count_values', param: 'job', input: VERSION, without: ['instance'], expect: '{job="6", group="production"} 5\n{job="8", group="canary"} 2\n{job="7", group="canary"} 2' },
  { query: 'count_values by (job, group)("job", version)', op: 'count_values', param: 'job', input: VERSION, by: ['job', 'group'], expect: '{job="6", group="production"} 5\n{job="8", group="canary"} 2\n{job="7", group="canary"} 2' },
  { query: 'quantile without(point)(0.8, data)', op: 'quantile', param: 0.8, input: QDATA, without: ['point'], expect: '{test="two samples"} 0.8\n{test="three samples"} 1.6\n{test="uneven samples"} 2.8\n{test="NaN sample"} 0.6' },
  { query: 'quantile without(point)(0.2, data)', op: 'quantile', param: 0.2, input: QDATA, without: ['point'], expect: '{test="two samples"} 0.2\n{test="three samples"} 0.4\n{test="uneven samples"} 0.4\n{test="NaN sample"} NaN' },
  { query: 'group without(point)(data)', op: 'group', input: QDATA, without: ['point'], expect: '{test="two samples"} 1\n{test="three samples"} 1\n{test="uneven samples"} 1\n{test="NaN sample"} 1' },
  { query: 'avg(data{test=…}) for each test', op: 'avg', input: AVG, by: ['test'], expect: '{test="ten"} 10\n{test="inf"} Inf\n{test="inf2"} Inf\n{test="inf3"} NaN\n{test="-inf"} -Inf\n{test="-inf2"} -Inf\n{test="-inf3"} NaN\n{test="nan"} NaN\n{test="big"} 9.988465674311579e+307\n{test="-big"} -9.988465674311579e+307\n{test="bigzero"} 0\n{test="value is nan"} NaN' },
  { query: 'avg(data)', op: 'avg', input: AVG, expect: '{} NaN' },
  { query: 'sum(data{test=…}) by (group) for each extreme test', op: 'sum', input: EXTREME, by: ['test', 'group'], expect: '{test="ten"} 10\n{test="pos_inf",group="1"} Inf\n{test="pos_inf",group="2"} Inf\n{test="neg_inf",group="1"} -Inf\n{test="neg_inf",group="2"} -Inf\n{test="inf_inf"} NaN\n{test="nan",group="1"} NaN\n{test="nan",group="2"} NaN' },
  { query: 'avg(data{test=…}) by (group) for each extreme test', op: 'avg', input: EXTREME, by: ['test', 'group'], expect: '{test="ten"} 2.5\n{test="pos_inf",group="1"} Inf\n{test="pos_inf",group="2"} Inf\n{test="neg_inf",group="1"} -Inf\n{test="neg_inf",group="2"} -Inf\n{test="inf_inf"} NaN\n{test="nan",group="1"} NaN\n{test="nan",group="2"} NaN' },
  { query: 'avg(foo) == 52 over twelve 52s', op: 'avg', input: load(Array.from({ length: 12 }, (_, i) => `foo{idx="${i}"} 52`).join('\n')), expect: '{} 52' },
  { query: 'stddev(series) of 1, 2', op: 'stddev', input: series('1', '2', '1').slice(0, 2), expect: '{} 0.5' },
  { query: 'stdvar(series) of 1, 2', op: 'stdvar', input: series('1', '2', '1').slice(0, 2), expect: '{} 0.25' },
  ...(['stddev', 'stdvar'] as const).flatMap((op) => [
    ...[['1', '2', 'NaN'], ['NaN', '1', '2'], ['1', '2', 'inf'], ['inf', '1', '2']].flatMap(([a = '', b = '', c = '']): Case[] => [
      { query: `${op}(series) of ${a}, ${b}, ${c}`, op, input: series(a, b, c), expect: '{} NaN' },
      { query: `${op} by (label) (series) of ${a}, ${b}, ${c}`, op, input: series(a, b, c), by: ['label'], expect: byLabel(a, b, c) },
    ]),
    ...['NaN', 'inf'].map((v): Case => ({ query: `${op}(series) of ${v} alone`, op, input: load(`series{} ${v}`), expect: '{} NaN' })),
  ]),
];

describe('aggregate: aggregators.test, values', () => {
  it.each(more)('$query', (c) => {
    const grouping = c.without ?? c.by ?? [];
    expectVector(run(c.op, c.input, { param: c.param, grouping, without: c.without !== undefined }), c.expect, c.ordered);
  });
});

describe('aggregate: quantile parameter', () => {
  const quantile = (param: number, opts: Partial<AggregateArgs> = {}) =>
    run('quantile', QDATA, { param, grouping: ['point'], without: true, ...opts });

  it('warns as Prometheus does when φ is NaN, with the parameter position: every group NaN', () => {
    const annotations = new Annotations();
    const query = 'quantile without(point)(NaN, data)';
    expectVector(quantile(NaN, { annotations, paramPos: query.indexOf('NaN') }), '{test="two samples"} NaN\n{test="three samples"} NaN\n{test="uneven samples"} NaN\n{test="NaN sample"} NaN');
    expect(annotations.asStrings(query).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got NaN (1:25)']);
  });

  it('gives ±Inf outside [0, 1] and names the value in %g form', () => {
    const annotations = new Annotations();
    expect(quantile(1.5, { annotations }).map((s) => s.point.v)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(quantile(-1e-7, { annotations }).map((s) => s.point.v)).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    expect([...annotations.warnings]).toEqual([
      'PromQL warning: quantile value should be between 0 and 1, got 1.5',
      'PromQL warning: quantile value should be between 0 and 1, got -1e-07',
    ]);
  });

  it('eval range quantile without(point) (scalar(foo), data): φ per step, no warning', () => {
    const foo = [0, 1, 0, 1, 0, 1, 0.8];
    const annotations = new Annotations();
    const steps = foo.map((param) => quantile(param, { annotations, paramSteps: foo }));
    const column = (test: string) => steps.map((step) => step.find((s) => s.metric.test === test)?.point.v);
    expect(column('two samples')).toEqual([0, 1, 0, 1, 0, 1, 0.8]);
    expect(column('three samples')).toEqual([0, 2, 0, 2, 0, 2, 1.6]);
    expect(column('uneven samples')).toEqual([0, 4, 0, 4, 0, 4, 2.8000000000000003]);
    expect(column('NaN sample')).toEqual([NaN, 1, NaN, 1, NaN, 1, 0.6000000000000001]);
    expect(annotations.warnings.size).toBe(0);
  });

  it('checks a range query once, like fParams: NaN hides the extremes unless one is infinite', () => {
    const warnings = (paramSteps: number[]) => {
      const annotations = new Annotations();
      for (const param of paramSteps) quantile(param, { annotations, paramSteps });
      return [...annotations.warnings].map((w) => w.replace('PromQL warning: quantile value should be between 0 and 1, ', ''));
    };
    expect(warnings([0.5, 2, 3, -1, -2])).toEqual(['got 3', 'got -2']);
    expect(warnings([NaN, 2, -1])).toEqual(['got NaN']);
    expect(warnings([0.5, NaN, Infinity])).toEqual(['got NaN', 'got +Inf']);
  });
});
