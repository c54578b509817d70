import type { Labels } from '../../protocol/labels.ts';
import type { SelectedSeries } from '../queryable.ts';
import type { Matrix, Point, StoredSample, Vector } from '../value.ts';

/** Index of the first sample with t > time (binary search; samples ascend by time). */
function after(samples: readonly StoredSample[], time: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as StoredSample).t <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An instant selector at `te` (already offset): each series' newest sample in (te - lookback, te], unless it is a
 * staleness marker, which ends the series at once. Points carry the step time `t`.
 */
export function instantVector(series: readonly SelectedSeries[], te: number, t: number, lookbackMs: number): Vector {
  const out: Vector = [];
  for (const s of series) {
    const i = after(s.samples, te) - 1;
    const sample = s.samples[i];
    if (!sample || sample.t <= te - lookbackMs || sample.stale) continue;
    out.push({ metric: s.labels, point: { t, v: sample.v }, sampleT: sample.t });
  }
  return out;
}

/** A range selector at `te`: each series' samples in (te - range, te], staleness markers left out. */
export function rangeMatrix(series: readonly SelectedSeries[], te: number, rangeMs: number): Matrix {
  const out: Matrix = [];
  for (const s of series) {
    const from = after(s.samples, te - rangeMs);
    const to = after(s.samples, te);
    const points: Point[] = [];
    for (let i = from; i < to; i++) {
      const sample = s.samples[i] as StoredSample;
      if (!sample.stale) points.push({ t: sample.t, v: sample.v });
    }
    if (points.length > 0) out.push({ metric: s.labels as Labels, points });
  }
  return out;
}
