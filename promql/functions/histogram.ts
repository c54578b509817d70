import { labelsKey, type Labels } from '../../protocol/labels.ts';
import type { Value, Vector } from '../value.ts';
import { dropMetricName, goFormatG, goQuote, metricName, parseGoFloat, sample, scalarArg, stringArg, vectorArg, vectorValue, withLabel } from './common.ts';
import { callArgPos } from '../position.ts';
import { goSearch, goSort } from './gosort.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

interface Bucket {
  upper: number;
  count: number;
}

/** One classic histogram: the series' labels without `le` (name included) and its buckets, in input order. */
interface ClassicHistogram {
  readonly metric: Labels;
  readonly buckets: Bucket[];
}

/** Relative difference below which neighbouring bucket counts count as equal (float noise, e.g. from sharding). */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus' almost.Equal (without the stale-marker case, which never reaches functions). */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * Groups argument i (a vector) by labels without `le`, warning about samples whose `le` is missing or not a
 * float; the warning points at that argument.
 */
function classicHistograms(args: readonly Value[], i: number, ctx: CallContext): ClassicHistogram[] {
  const v = vectorArg(args, i);
  const groups = new Map<string, ClassicHistogram>();
  for (const s of v) {
    const le = s.metric['le'];
    const upper = le === undefined ? undefined : parseGoFloat(le);
    if (upper === undefined) {
      const name = metricName(s.metric);
      ctx.annotations.warn(`bucket label "le" is missing or has a malformed value of ${goQuote(le ?? '')}${name ? ` for metric name ${goQuote(name)}` : ''}`, callArgPos(ctx.argExprs, i));
      continue;
    }
    const { le: _le, ...metric } = s.metric;
    const key = labelsKey(metric);
    let h = groups.get(key);
    if (!h) groups.set(key, (h = { metric, buckets: [] }));
    h.buckets.push({ upper, count: s.point.v });
  }
  return [...groups.values()];
}

/** Merges buckets of equal bound (sorted input) into the array's prefix, as Go does in place; returns its length. */
function coalesce(buckets: Bucket[]): number {
  let last = { ...(buckets[0] as Bucket) };
  let i = 0;
  for (let k = 1; k < buckets.length; k++) {
    const b = buckets[k] as Bucket;
    if (b.upper === last.upper) last.count += b.count;
    else {
      buckets[i++] = last;
      last = { ...b };
    }
  }
  buckets[i] = last;
  return i + 1;
}

/**
 * Ignores float-noise differences between neighbours, then removes decreases (Prometheus' envelope fix); returns
 * whether a real decrease had to be removed.
 */
function ensureMonotonic(buckets: Bucket[], n: number): boolean {
  let forced = false;
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < n; i++) {
    const b = buckets[i] as Bucket;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      b.count = prev;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      forced = true;
      continue;
    }
    prev = curr;
  }
  return forced;
}

/**
 * Prometheus' BucketQuantile: linear interpolation within the bucket holding rank q×count, from 0 in the first
 * bucket when its bound is positive; the highest finite bound when the rank falls in the +Inf bucket. Mutates
 * `buckets` the way Prometheus does (histogram_quantiles reuses them from one quantile to the next).
 */
function bucketQuantile(q: number, buckets: Bucket[]): { value: number; forced: boolean } {
  if (Number.isNaN(q)) return { value: NaN, forced: false };
  if (q < 0) return { value: -Infinity, forced: false };
  if (q > 1) return { value: Infinity, forced: false };
  goSort(buckets, (a, b) => a.upper < b.upper);
  if ((buckets[buckets.length - 1] as Bucket).upper !== Infinity) return { value: NaN, forced: false };
  const n = coalesce(buckets);
  const forced = ensureMonotonic(buckets, n);
  if (n < 2) return { value: NaN, forced };
  const observations = (buckets[n - 1] as Bucket).count;
  if (observations === 0) return { value: NaN, forced };
  let rank = q * observations;
  const b = goSearch(n - 1, (i) => (buckets[i] as Bucket).count >= rank);
  if (b === n - 1) return { value: (buckets[n - 2] as Bucket).upper, forced };
  if (b === 0 && (buckets[0] as Bucket).upper <= 0) return { value: (buckets[0] as Bucket).upper, forced };
  let bucketStart = 0;
  const bucketEnd = (buckets[b] as Bucket).upper;
  let count = (buckets[b] as Bucket).count;
  if (b > 0) {
    bucketStart = (buckets[b - 1] as Bucket).upper;
    count -= (buckets[b - 1] as Bucket).count;
    rank -= (buckets[b - 1] as Bucket).count;
  }
  return { value: bucketStart + (bucketEnd - bucketStart) * (rank / count), forced };
}

/** Prometheus' BucketFraction: the estimated share of observations between lower and upper. */
function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
  goSort(buckets, (a, b) => a.upper < b.upper);
  if ((buckets[buckets.length - 1] as Bucket).upper !== Infinity) return NaN;
  const n = coalesce(buckets);
  const count = (buckets[n - 1] as Bucket).count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0, lowerRank = 0, upperRank = 0;
  let lowerSet = false, upperSet = false;
  // Positive buckets only start at 0; otherwise the first bucket reaches down to -Inf.
  let lowerBound = (buckets[0] as Bucket).upper <= 0 ? -Infinity : 0;
  for (let i = 0; i < n; i++) {
    const b = buckets[i] as Bucket;
    if (i > 0) lowerBound = (buckets[i - 1] as Bucket).upper;
    const upperBound = b.upper;
    // No interpolation inside a bucket with an infinite bound: it contributes nothing.
    const interpolate = (v: number) => (lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound));
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/** Warns, pointing at argument i, when the quantile given there is outside [0, 1]. */
function warnInvalidQuantile(args: readonly Value[], i: number, ctx: CallContext): number {
  const q = scalarArg(args, i);
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goFormatG(q)}`, callArgPos(ctx.argExprs, i));
  return q;
}

/** Points at the histograms' argument, `from`. */
function monotonicityInfo(h: ClassicHistogram, ctx: CallContext, from: number): void {
  const name = metricName(h.metric);
  ctx.annotations.info(
    'input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)' +
      (name ? ` for metric name ${goQuote(name)}` : ''),
    callArgPos(ctx.argExprs, from),
  );
}

function histogramQuantile(args: readonly Value[], ctx: CallContext): Value {
  const q = warnInvalidQuantile(args, 0, ctx);
  const out: Vector = [];
  for (const h of classicHistograms(args, 1, ctx)) {
    const { value, forced } = bucketQuantile(q, h.buckets);
    if (forced) monotonicityInfo(h, ctx, 1);
    out.push(sample(dropMetricName(h.metric), ctx.t, value));
  }
  return vectorValue(out);
}

/** Prometheus' labels.FormatOpenMetricsFloat: Go's shortest form, with ".0" added to integers. */
function formatOpenMetricsFloat(f: number): string {
  const s = goFormatG(f);
  return /[e.]|Inf|NaN/.test(s) ? s : `${s}.0`;
}

/** histogram_quantiles(v, "label", q0, q1…) (experimental): one series per histogram and quantile. */
function histogramQuantiles(args: readonly Value[], ctx: CallContext): Value {
  const label = stringArg(args, 1);
  const qs = args.slice(2).map((_, i) => warnInvalidQuantile(args, i + 2, ctx));
  const histograms = classicHistograms(args, 0, ctx);
  const out: Vector = [];
  for (const q of qs) {
    for (const h of histograms) {
      const { value, forced } = bucketQuantile(q, h.buckets);
      if (forced) monotonicityInfo(h, ctx, 0);
      out.push(sample(withLabel(dropMetricName(h.metric), label, formatOpenMetricsFloat(q)), ctx.t, value));
    }
  }
  return vectorValue(out);
}

function histogramFraction(args: readonly Value[], ctx: CallContext): Value {
  const lower = scalarArg(args, 0);
  const upper = scalarArg(args, 1);
  const out: Vector = classicHistograms(args, 2, ctx).map((h) =>
    sample(dropMetricName(h.metric), ctx.t, bucketFraction(lower, upper, h.buckets)),
  );
  return vectorValue(out);
}

/** Functions of native histograms: float samples are skipped, so float-only input gives an empty vector. */
const nativeOnly: FunctionImpl = () => vectorValue([]);

export const HISTOGRAM_FUNCTIONS: Record<string, FunctionImpl> = {
  histogram_quantile: histogramQuantile,
  histogram_quantiles: histogramQuantiles,
  histogram_fraction: histogramFraction,
  histogram_count: nativeOnly,
  histogram_sum: nativeOnly,
  histogram_avg: nativeOnly,
  histogram_stddev: nativeOnly,
  histogram_stdvar: nativeOnly,
};
