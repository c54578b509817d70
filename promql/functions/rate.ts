import type { Labels } from '../../protocol/labels.ts';
import { callArgPos } from '../position.ts';
import type { Point, Value, Vector } from '../value.ts';
import { dropMetricName, durationSeconds, eachSeries, goQuote, matrixArg, metricName, rangeWindow, sample, scalarArg, vectorValue, type RangeWindow } from './common.ts';
import { kahanInc } from './kahan.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * Prometheus' extrapolatedRate for float samples: the increase between the first and last sample in the window
 * (adding back counter resets), extrapolated towards the window's boundaries by up to half the average sample
 * interval (all the way when the gap is within 110% of it), and for counters never below zero.
 */
export function extrapolatedRate(points: readonly Point[], w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0] as Point;
  const last = points[points.length - 1] as Point;
  let result = last.v - first.v;
  if (isCounter) {
    for (let i = 1; i < points.length; i++) {
      const prev = (points[i - 1] as Point).v;
      if ((points[i] as Point).v < prev) result += prev;
    }
  }
  let durationToStart = (first.t - w.start) / 1000;
  let durationToEnd = (w.end - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (points.length - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    // A counter cannot go below zero: extrapolate at most to where the slope reaches zero.
    let durationToZero = durationToStart;
    if (result > 0 && first.v >= 0) durationToZero = sampledInterval * (first.v / result);
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

function rateFunction(isCounter: boolean, isRate: boolean, checkCounterName: boolean): FunctionImpl {
  return (args, ctx) => {
    const w = rangeWindow(ctx, 0);
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), (metric, points) => {
      const v = extrapolatedRate(points, w, isCounter, isRate);
      if (v === undefined) return;
      out.push(sample(dropMetricName(metric), ctx.t, v));
      if (checkCounterName) counterInfo(ctx, metric);
    });
    return vectorValue(out);
  };
}

/** irate()/idelta(): from the last two samples; irate treats a decrease as a counter reset (the last value). */
function instantValue(isRate: boolean): FunctionImpl {
  return (args, ctx) => {
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), (metric, points) => {
      if (points.length < 2) return;
      const prev = points[points.length - 2] as Point;
      const last = points[points.length - 1] as Point;
      const interval = last.t - prev.t;
      if (interval === 0) return;
      let v = last.v;
      if (!isRate || !(last.v < prev.v)) v = last.v - prev.v;
      if (isRate) v /= interval / 1000;
      out.push(sample(dropMetricName(metric), ctx.t, v));
    });
    return vectorValue(out);
  };
}

/** Least-squares regression of the points against time in seconds relative to interceptT: [slope, intercept]. */
export function linearRegression(points: readonly Point[], interceptT: number): [number, number] {
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = (points[0] as Point).v;
  let constY = true;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    if (constY && i > 0 && p.v !== initY) constY = false;
    n += 1;
    const x = (p.t - interceptT) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(p.v, sumY, cY);
    [sumXY, cXY] = kahanInc(x * p.v, sumXY, cXY);
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

function deriv(args: readonly Value[], ctx: CallContext): Value {
  const out: Vector = [];
  eachSeries(matrixArg(args, 0), (metric, points) => {
    if (points.length < 2) return;
    // Regressing against the first sample's time avoids precision loss with large timestamps.
    out.push(sample(dropMetricName(metric), ctx.t, linearRegression(points, (points[0] as Point).t)[0]));
  });
  return vectorValue(out);
}

function predictLinear(args: readonly Value[], ctx: CallContext): Value {
  const duration = scalarArg(args, 1);
  const out: Vector = [];
  eachSeries(matrixArg(args, 0), (metric, points) => {
    if (points.length < 2) return;
    const [slope, intercept] = linearRegression(points, ctx.t);
    out.push(sample(dropMetricName(metric), ctx.t, slope * duration + intercept));
  });
  return vectorValue(out);
}

/** resets()/changes(): counts over consecutive sample pairs of each series. */
function pairCount(counts: (prev: number, cur: number) => boolean): FunctionImpl {
  return (args, ctx) => {
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), (metric, points) => {
      let n = 0;
      for (let i = 1; i < points.length; i++) if (counts((points[i - 1] as Point).v, (points[i] as Point).v)) n++;
      out.push(sample(dropMetricName(metric), ctx.t, n));
    });
    return vectorValue(out);
  };
}

export const RATE_FUNCTIONS: Record<string, FunctionImpl> = {
  rate: rateFunction(true, true, true),
  increase: rateFunction(true, false, true),
  delta: rateFunction(false, false, false),
  irate: instantValue(true),
  idelta: instantValue(false),
  deriv,
  predict_linear: predictLinear,
  resets: pairCount((prev, cur) => cur < prev),
  changes: pairCount((prev, cur) => cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))),
};
