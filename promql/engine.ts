import type { Expr } from './ast.ts';
import type { Queryable, SelectedSeries } from './queryable.ts';
import type { Matrix, Point, Vector } from './value.ts';

export interface EngineOptions {
  /** How far back an instant selector looks for the latest sample; Prometheus' default is 5 minutes. */
  readonly lookbackMs: number;
}

export const DEFAULT_ENGINE: EngineOptions = { lookbackMs: 5 * 60 * 1000 };

/** Evaluates `expr` at one instant (ms). */
export function evalInstant(q: Queryable, expr: Expr, t: number, opts = DEFAULT_ENGINE): Vector {
  const out: Vector = [];
  for (const series of q.select(expr.matchers, t - opts.lookbackMs, t)) {
    const point = latestAt(series, t, opts.lookbackMs, { i: series.samples.length - 1 });
    if (point) out.push({ metric: series.labels, point });
  }
  return out;
}

/** Evaluates `expr` at every step from start to end inclusive (ms). */
export function evalRange(q: Queryable, expr: Expr, start: number, end: number, step: number, opts = DEFAULT_ENGINE): Matrix {
  const out: Matrix = [];
  for (const series of q.select(expr.matchers, start - opts.lookbackMs, end)) {
    const points: Point[] = [];
    const cursor = { i: 0 };
    for (let t = start; t <= end; t += step) {
      // Steps move forward, so the cursor only ever advances: one pass over the samples per series.
      while (cursor.i + 1 < series.samples.length && (series.samples[cursor.i + 1] as { t: number }).t <= t) cursor.i++;
      const point = latestAt(series, t, opts.lookbackMs, cursor);
      if (point) points.push(point);
    }
    if (points.length > 0) out.push({ metric: series.labels, points });
  }
  return out;
}

/**
 * The value an instant selector sees at t: the newest sample in (t - lookback, t], unless that sample is a
 * staleness marker, which ends the series at once instead of letting it linger for the lookback window.
 */
function latestAt(series: SelectedSeries, t: number, lookbackMs: number, cursor: { i: number }): Point | undefined {
  let i = cursor.i;
  while (i >= 0 && (series.samples[i] as { t: number }).t > t) i--;
  const sample = series.samples[i];
  if (!sample || sample.t <= t - lookbackMs || sample.stale) return undefined;
  return { t, v: sample.v };
}
