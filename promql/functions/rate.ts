import type { Labels } from '../../protocol/labels.ts';
import { callArgPos } from '../position.ts';
import type { RangeSeries, Value, Vector } from '../value.ts';
import { dropMetricName, durationSeconds, eachSeries, goQuote, matrixArg, metricName, rangeWindow, sample, scalarArg, vectorValue, type RangeWindow } from './common.ts';
import { kahanInc } from './kahan.ts';
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

function rateFunction(isCounter: boolean, isRate: boolean, checkCounterName: boolean): FunctionImpl {
  return (args, ctx) => {
    const w = rangeWindow(ctx, 0);
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), (s) => {
      const v = extrapolatedRate(s, w, isCounter, isRate);
      if (v === undefined) return;
      out.push(sample(dropMetricName(s.metric), ctx.t, v));
      if (checkCounterName) counterInfo(ctx, s.metric);
    });
    return vectorValue(out);
  };
}

/** irate()/idelta(): from the last two samples; irate treats a decrease as a counter reset (the last value). */
function instantValue(isRate: boolean): FunctionImpl {
  return (args, ctx) => {
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), ({ metric, ts, vs, from, to }) => {
      if (to - from < 2) return;
      const [prevT, prevV, lastT, lastV] = [ts[to - 2] as number, vs[to - 2] as number, ts[to - 1] as number, vs[to - 1] as number];
      const interval = lastT - prevT;
      if (interval === 0) return;
      let v = lastV;
      if (!isRate || !(lastV < prevV)) v = lastV - prevV;
      if (isRate) v /= interval / 1000;
      out.push(sample(dropMetricName(metric), ctx.t, v));
    });
    return vectorValue(out);
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

function deriv(args: readonly Value[], ctx: CallContext): Value {
  const out: Vector = [];
  eachSeries(matrixArg(args, 0), (s) => {
    if (s.to - s.from < 2) return;
    // Regressing against the first sample's time avoids precision loss with large timestamps.
    out.push(sample(dropMetricName(s.metric), ctx.t, linearRegression(s, s.ts[s.from] as number)[0]));
  });
  return vectorValue(out);
}

function predictLinear(args: readonly Value[], ctx: CallContext): Value {
  const duration = scalarArg(args, 1);
  const out: Vector = [];
  eachSeries(matrixArg(args, 0), (s) => {
    if (s.to - s.from < 2) return;
    const [slope, intercept] = linearRegression(s, ctx.t);
    out.push(sample(dropMetricName(s.metric), ctx.t, slope * duration + intercept));
  });
  return vectorValue(out);
}

/** resets()/changes(): counts over consecutive sample pairs of each series. */
function pairCount(counts: (prev: number, cur: number) => boolean): FunctionImpl {
  return (args, ctx) => {
    const out: Vector = [];
    eachSeries(matrixArg(args, 0), ({ metric, vs, from, to }) => {
      let n = 0;
      for (let i = from + 1; i < to; i++) if (counts(vs[i - 1] as number, vs[i] as number)) n++;
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
