import type { Labels } from '../protocol/labels.ts';
import { formatFloatF, formatFloatG, goQuote } from './aggregate-go.ts';
import { quantile } from './functions/over-time.ts';
import { groupOf, grouper, paramStats, type Group, type ParamStats } from './aggregate-group.ts';
import { aggregateK } from './aggregate-k.ts';
import type { AggregateOp } from './ast.ts';
import { QueryError } from './errors.ts';
import type { Annotations, Vector, VectorSample } from './value.ts';

/**
 * PromQL's aggregation operators on float samples at one evaluation step, as Prometheus 3 evaluates them
 * (promql/engine.go: aggregation, aggregationK, aggregationCountValues; promql/quantile.go).
 */
export interface AggregateArgs {
  readonly op: AggregateOp;
  /** The evaluated operand at this step. */
  readonly vector: Vector;
  /** The evaluated parameter: a number for topk/bottomk/quantile/limitk/limit_ratio, a string for count_values. */
  readonly param?: number | string;
  readonly grouping: readonly string[];
  readonly without: boolean;
  /** Evaluation time (ms) of the output points. */
  readonly t: number;
  readonly annotations: Annotations;
  /**
   * A range query's parameter values at every step (pass the same array at every step). Prometheus checks the
   * parameter once per query: it errors if any step is NaN, and warns once with the extreme value when out of
   * range. Without it, this step's value stands for the whole query (right for instant queries).
   */
  readonly paramSteps?: readonly number[];
  /** Where the parameter is in the query (a string index): its warnings point there. */
  readonly paramPos?: number;
}

/**
 * Aggregates one step's vector. Output order is Prometheus' instant-query order: groups in order of first
 * appearance in the input (count_values too, where Prometheus' order is random). Throws QueryError('execution')
 * where Prometheus fails the query: an invalid count_values label name, a NaN or out-of-int64 k, a NaN ratio.
 */
export function aggregate(args: AggregateArgs): Vector {
  const grouping = [...args.grouping].sort();
  switch (args.op) {
    case 'count_values':
      return countValues(args, grouping);
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return aggregateK(args, grouping, stepStats(args));
    default:
      return aggregateFloats(args, grouping);
  }
}

const stepParam = (args: AggregateArgs): number => (typeof args.param === 'number' ? args.param : 0);
const stepStats = (args: AggregateArgs): ParamStats => paramStats(args.paramSteps ?? [stepParam(args)]);
const isInf = (x: number): boolean => x === Infinity || x === -Infinity;

/** One step of Kahan-Babuška (Neumaier) summation, as util/kahansum.Inc: returns the new sum and compensation. */
function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (isInf(t)) return [t, 0];
  return [t, Math.abs(sum) >= Math.abs(inc) ? c + (sum - t + inc) : c + (inc - t + sum)];
}

interface Acc {
  readonly labels: Labels;
  value: number;
  mean: number;
  /** Kahan compensation of value, or of mean once the mean is computed incrementally. */
  c: number;
  count: number;
  /** avg switched to an incremental mean because the plain sum would overflow. */
  incremental: boolean;
  readonly values: number[];
}

function first(op: AggregateOp, labels: Labels, f: number): Acc {
  const acc: Acc = { labels, value: f, mean: f, c: 0, count: 1, incremental: false, values: [] };
  if (op === 'stddev' || op === 'stdvar') acc.value = Number.isNaN(f) || isInf(f) ? NaN : 0;
  else if (op === 'quantile') acc.values.push(f);
  else if (op === 'group') acc.value = 1;
  return acc;
}

function add(op: AggregateOp, acc: Acc, f: number): void {
  switch (op) {
    case 'sum':
      [acc.value, acc.c] = kahanInc(f, acc.value, acc.c);
      break;
    case 'avg': {
      // A direct mean (sum / count) is the more accurate, but it overflows where the incremental mean does not:
      // Prometheus sums until the sum would become infinite, then continues with the incremental mean.
      acc.count++;
      if (!acc.incremental) {
        const [sum, c] = kahanInc(f, acc.value, acc.c);
        if (!isInf(sum)) {
          acc.value = sum;
          acc.c = c;
          break;
        }
        acc.incremental = true;
        acc.mean = acc.value / (acc.count - 1);
        acc.c /= acc.count - 1;
      }
      const q = (acc.count - 1) / acc.count;
      [acc.mean, acc.c] = kahanInc(f / acc.count, q * acc.mean, q * acc.c);
      break;
    }
    case 'max':
      if (acc.value < f || Number.isNaN(acc.value)) acc.value = f;
      break;
    case 'min':
      if (acc.value > f || Number.isNaN(acc.value)) acc.value = f;
      break;
    case 'count':
      acc.count++;
      break;
    case 'stddev':
    case 'stdvar': {
      // Welford's online algorithm: value holds the sum of squared differences from the running mean.
      acc.count++;
      const delta = f - acc.mean;
      acc.mean += delta / acc.count;
      acc.value += delta * (f - acc.mean);
      break;
    }
    case 'quantile':
      acc.values.push(f);
      break;
    default: // group: always 1
  }
}

function result(op: AggregateOp, acc: Acc, q: number): number {
  switch (op) {
    case 'sum':
      return acc.value + acc.c;
    case 'avg':
      return acc.incremental ? acc.mean + acc.c : acc.value / acc.count + acc.c / acc.count;
    case 'count':
      return acc.count;
    case 'stdvar':
      return acc.value / acc.count;
    case 'stddev':
      return Math.sqrt(acc.value / acc.count);
    case 'quantile':
      return quantile(q, acc.values);
    default:
      return acc.value;
  }
}


function aggregateFloats(args: AggregateArgs, grouping: readonly string[]): Vector {
  const { op } = args;
  if (op === 'quantile') {
    const stats = stepStats(args);
    const invalid = (q: number) => `quantile value should be between 0 and 1, got ${formatFloatG(q)}`;
    if (stats.hasNaN) args.annotations.warn(invalid(NaN), args.paramPos);
    if (stats.max > 1) args.annotations.warn(invalid(stats.max), args.paramPos);
    if (stats.min < 0) args.annotations.warn(invalid(stats.min), args.paramPos);
  }
  const groupOfSeries = grouper(grouping, args.without);
  const { vector } = args;
  return foldGroups(op, vector.length, (i) => groupOfSeries((vector[i] as VectorSample).metric), (i) => (vector[i] as VectorSample).point.v, stepParam(args), args.t);
}

/**
 * The aggregation of n inputs, input i in group groupAt(i) (undefined: no input at i) with value valueAt(i): the
 * core of aggregateFloats, also run straight over a step table's columns (eval/step-table.ts). Groups come out in
 * order of first appearance; `q` is quantile's parameter.
 */
export function foldGroups(op: AggregateOp, n: number, groupAt: (i: number) => Group | undefined, valueAt: (i: number) => number, q: number, t: number): Vector {
  const groups = new Map<string, Acc>();
  for (let i = 0; i < n; i++) {
    const group = groupAt(i);
    if (group === undefined) continue;
    const acc = groups.get(group.key);
    if (acc === undefined) groups.set(group.key, first(op, group.labels, valueAt(i)));
    else add(op, acc, valueAt(i));
  }
  return [...groups.values()].map((acc) => ({ metric: acc.labels, point: { t, v: result(op, acc, q) } }));
}

// Prometheus 3 validates count_values' label with model.UTF8Validation: any non-empty, valid UTF-8 string. A
// JavaScript string fails that only with an unpaired surrogate.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** count_values: one series per group and distinct value, the value (Go's 'f' format) as the label `param`. */
function countValues(args: AggregateArgs, grouping: readonly string[]): Vector {
  const label = typeof args.param === 'string' ? args.param : '';
  if (label === '' || LONE_SURROGATE.test(label)) throw new QueryError('execution', `invalid label name ${goQuote(label)}`);
  const names = args.without ? grouping : [...grouping, label].sort();
  const counts = new Map<string, { labels: Labels; n: number }>();
  for (const sample of args.vector) {
    const entries = Object.entries(sample.metric).filter(([name]) => name !== label);
    const metric = Object.fromEntries([...entries, [label, formatFloatF(sample.point.v)]]);
    const group = groupOf(metric, names, args.without);
    const count = counts.get(group.key);
    if (count === undefined) counts.set(group.key, { labels: group.labels, n: 1 });
    else count.n++;
  }
  return [...counts.values()].map(({ labels, n }) => ({ metric: labels, point: { t: args.t, v: n } }));
}
