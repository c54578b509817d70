import type { Labels } from '../../protocol/labels.ts';
import { callArgPos } from '../position.ts';
import type { RangeSeries } from '../value.ts';
import { durationSeconds, goQuote, metricName, scalarArg, type RangeWindow } from './common.ts';
import { kahanInc } from './kahan.ts';
import { kernelFunctions, type RangeKernel } from './range-kernel.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * Prometheus' extrapolatedRate for float samples: the increase between the first and last sample in the window
 * (adding back counter resets), extrapolated towards the window's boundaries by up to half the average sample
 * interval (all the way when the gap is within 110% of it), and for counters never below zero.
 */
export function extrapolatedRate(s: RangeSeries, w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, from, to, drops } = s;
  if (to - from < 2) return undefined;
  const firstT = ts[from] as number;
  const firstV = vs[from] as number;
  const lastT = ts[to - 1] as number;
  let result = (vs[to - 1] as number) - firstV;
  if (isCounter && (drops === undefined || drops[to - 1] !== drops[from])) {
    for (let i = from + 1; i < to; i++) {
      const prev = vs[i - 1] as number;
      if ((vs[i] as number) < prev) result += prev;
    }
  }
  let durationToStart = (firstT - w.start) / 1000;
  let durationToEnd = (w.end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (to - from - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    // A counter cannot go below zero: extrapolate at most to where the slope reaches zero.
    let durationToZero = durationToStart;
    if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= durationSeconds(w.rangeMs);
  return result * factor;
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** The info Prometheus attaches to rate()/increase() of a series whose name does not look like a counter. */
function counterInfo(ctx: CallContext, metric: Labels): void {
  const name = metricName(metric);
  if (name !== '' && !COUNTER_SUFFIXES.some((s) => name.endsWith(s))) {
    ctx.annotations.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${goQuote(name)}`, callArgPos(ctx.argExprs, 0));
  }
}

/** rate()/increase()/delta(): extrapolatedRate over the window; the counter ones check the metric name. */
function rateKernel(isCounter: boolean, isRate: boolean, checkCounterName: boolean): RangeKernel {
  return {
    matrixIndex: 0,
    keepName: false,
    value: (s, _args, _ctx, w) => extrapolatedRate(s, w, isCounter, isRate),
    ...(checkCounterName ? { noteOutput: (metric: Labels, ctx: CallContext) => counterInfo(ctx, metric) } : {}),
  };
}

/** irate()/idelta(): from the last two samples; irate treats a decrease as a counter reset (the last value). */
function instantValueKernel(isRate: boolean): RangeKernel {
  return {
    matrixIndex: 0,
    keepName: false,
    value({ ts, vs, to, from }) {
      if (to - from < 2) return undefined;
      const [prevT, prevV, lastT, lastV] = [ts[to - 2] as number, vs[to - 2] as number, ts[to - 1] as number, vs[to - 1] as number];
      const interval = lastT - prevT;
      if (interval === 0) return undefined;
      let v = lastV;
      if (!isRate || !(lastV < prevV)) v = lastV - prevV;
      if (isRate) v /= interval / 1000;
      return v;
    },
  };
}

/** Least-squares regression of the points against time in seconds relative to interceptT: [slope, intercept]. */
export function linearRegression(s: RangeSeries, interceptT: number): [number, number] {
  const { ts, vs, from, to } = s;
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = vs[from] as number;
  let constY = true;
  for (let i = from; i < to; i++) {
    const v = vs[i] as number;
    if (constY && i > from && v !== initY) constY = false;
    n += 1;
    const x = ((ts[i] as number) - interceptT) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(v, sumY, cY);
    [sumXY, cXY] = kahanInc(x * v, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) return initY === Infinity || initY === -Infinity ? [NaN, NaN] : [0, initY];
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

const deriv: RangeKernel = {
  matrixIndex: 0,
  keepName: false,
  // Regressing against the first sample's time avoids precision loss with large timestamps.
  value: (s) => (s.to - s.from < 2 ? undefined : linearRegression(s, s.ts[s.from] as number)[0]),
};

const predictLinear: RangeKernel = {
  matrixIndex: 0,
  keepName: false,
  value(s, args, ctx) {
    if (s.to - s.from < 2) return undefined;
    const [slope, intercept] = linearRegression(s, ctx.t);
    return slope * scalarArg(args, 1) + intercept;
  },
};

/** resets()/changes(): counts over consecutive sample pairs of each series. */
function pairCount(counts: (prev: number, cur: number) => boolean): RangeKernel {
  return {
    matrixIndex: 0,
    keepName: false,
    value({ vs, from, to }) {
      let n = 0;
      for (let i = from + 1; i < to; i++) if (counts(vs[i - 1] as number, vs[i] as number)) n++;
      return n;
    },
  };
}

export const RATE_KERNELS: Record<string, RangeKernel> = {
  rate: rateKernel(true, true, true),
  increase: rateKernel(true, false, true),
  delta: rateKernel(false, false, false),
  irate: instantValueKernel(true),
  idelta: instantValueKernel(false),
  deriv,
  predict_linear: predictLinear,
  resets: pairCount((prev, cur) => cur < prev),
  changes: pairCount((prev, cur) => cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))),
};

export const RATE_FUNCTIONS: Record<string, FunctionImpl> = kernelFunctions(RATE_KERNELS);
