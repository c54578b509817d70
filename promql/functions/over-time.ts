import { QueryError } from '../errors.ts';
import { callArgPos } from '../position.ts';
import type { RangeSeries, Value } from '../value.ts';
import { goFormatF, goFormatG, scalarArg } from './common.ts';
import { goSort } from './gosort.ts';
import { KahanSum, kahanInc } from './kahan.ts';
import { kernelFunctions, type RangeKernel } from './range-kernel.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * A `<aggr>_over_time` kernel: one output per series that has samples in the window. Only last_over_time and
 * first_over_time keep the metric name (they act like an offset).
 */
function overTime(f: (s: RangeSeries, args: readonly Value[], ctx: CallContext) => number, keepName = false, matrixIndex = 0): RangeKernel {
  return { matrixIndex, keepName, value: f };
}

/** Prometheus' quantile helper: sorts (NaN first, as vectorByValueHeap) and interpolates between neighbours. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  goSort(values, (a, b) => Number.isNaN(a) || a < b);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return (values[lowerIndex] as number) * (1 - weight) + (values[upperIndex] as number) * weight;
}

/**
 * avg_over_time: a Kahan-compensated sum divided by the count, switching to an incremental mean once the sum
 * would overflow (Prometheus issue 16714).
 */
function avg({ vs, from, to }: RangeSeries): number {
  let sum = vs[from] as number;
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let i = from + 1; i < to; i++) {
    const v = vs[i] as number;
    count = i - from + 1;
    if (!incremental) {
      const [newSum, newC] = kahanInc(v, sum, c);
      if (newSum !== Infinity && newSum !== -Infinity) {
        sum = newSum;
        c = newC;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanInc(v / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

/** Welford's variance with Kahan-compensated running mean and sum of squares, as Prometheus' varianceOverTime. */
function variance({ vs, from, to }: RangeSeries): number {
  let count = 0;
  let mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (let i = from; i < to; i++) {
    const v = vs[i] as number;
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/** min/max_over_time and ts_of_min/max_over_time: the first sample replaced whenever `better` says so. */
function extreme(better: (cur: number, best: number) => boolean, timestamp: boolean): (s: RangeSeries) => number {
  return ({ ts, vs, from, to }) => {
    let best = vs[from] as number;
    let bestT = ts[from] as number;
    for (let i = from; i < to; i++) {
      if (better(vs[i] as number, best)) {
        best = vs[i] as number;
        bestT = ts[i] as number;
      }
    }
    return timestamp ? bestT / 1000 : best;
  };
}

/** The window's values as a plain array the caller may reorder. */
const valuesOf = (s: RangeSeries): number[] => Array.from(s.vs.subarray(s.from, s.to));

function quantileOverTime(s: RangeSeries, args: readonly Value[], ctx: CallContext): number {
  const q = scalarArg(args, 0);
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goFormatG(q)}`, callArgPos(ctx.argExprs, 0));
  return quantile(q, valuesOf(s));
}

/** Median absolute deviation; any NaN sample makes it NaN. */
function mad(s: RangeSeries): number {
  const values = valuesOf(s);
  if (values.some((v) => Number.isNaN(v))) return NaN;
  const median = quantile(0.5, values);
  return quantile(
    0.5,
    values.map((v) => Math.abs(v - median)),
  );
}

/**
 * double_exponential_smoothing (holt_winters in Prometheus 2): level smoothed by sf, trend by tf, both strictly
 * between 0 and 1. Series with fewer than two samples give no result.
 */
const doubleExponentialSmoothing: RangeKernel = {
  matrixIndex: 0,
  keepName: false,
  value({ vs, from, to }, args) {
    const sf = scalarArg(args, 1);
    const tf = scalarArg(args, 2);
    if (sf <= 0 || sf >= 1) throw new QueryError('execution', `invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFormatF(sf)}`);
    if (tf <= 0 || tf >= 1) throw new QueryError('execution', `invalid trend factor. Expected: 0 < tf < 1, got: ${goFormatF(tf)}`);
    if (to - from < 2) return undefined;
    let s0 = 0;
    let s1 = vs[from] as number;
    let b = (vs[from + 1] as number) - s1;
    for (let i = from + 1; i < to; i++) {
      const x = sf * (vs[i] as number);
      // The trend at i-1: the first trend is the raw difference.
      if (i > from + 1) b = tf * (s1 - s0) + (1 - tf) * b;
      const y = (1 - sf) * (s1 + b);
      s0 = s1;
      s1 = x + y;
    }
    return s1;
  },
};

export const OVER_TIME_KERNELS: Record<string, RangeKernel> = {
  avg_over_time: overTime(avg),
  sum_over_time: overTime(({ vs, from, to }) => {
    const sum = new KahanSum();
    for (let i = from; i < to; i++) sum.add(vs[i] as number);
    return sum.value();
  }),
  count_over_time: overTime((s) => s.to - s.from),
  min_over_time: overTime(extreme((cur, best) => cur < best || Number.isNaN(best), false)),
  max_over_time: overTime(extreme((cur, best) => cur > best || Number.isNaN(best), false)),
  ts_of_min_over_time: overTime(extreme((cur, best) => cur <= best || Number.isNaN(best), true)),
  ts_of_max_over_time: overTime(extreme((cur, best) => cur >= best || Number.isNaN(best), true)),
  last_over_time: overTime((s) => s.vs[s.to - 1] as number, true),
  first_over_time: overTime((s) => s.vs[s.from] as number, true),
  ts_of_last_over_time: overTime((s) => (s.ts[s.to - 1] as number) / 1000),
  ts_of_first_over_time: overTime((s) => (s.ts[s.from] as number) / 1000),
  present_over_time: overTime(() => 1),
  stdvar_over_time: overTime(variance),
  stddev_over_time: overTime((s) => Math.sqrt(variance(s))),
  mad_over_time: overTime(mad),
  quantile_over_time: overTime(quantileOverTime, false, 1),
  double_exponential_smoothing: doubleExponentialSmoothing,
};

export const OVER_TIME_FUNCTIONS: Record<string, FunctionImpl> = kernelFunctions(OVER_TIME_KERNELS);
