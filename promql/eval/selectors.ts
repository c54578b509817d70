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

const withoutStale = new WeakMap<readonly StoredSample[], readonly StoredSample[]>();

/** The samples minus staleness markers, once per series: most series have none, and then it is the same array. */
function liveSamples(samples: readonly StoredSample[]): readonly StoredSample[] {
  let live = withoutStale.get(samples);
  if (live === undefined) {
    live = samples.some((x) => x.stale) ? samples.filter((x) => !x.stale) : samples;
    withoutStale.set(samples, live);
  }
  return live;
}

/**
 * A range selector at `te`: each series' samples in (te - range, te], staleness markers left out. A stored sample
 * is a Point already, so a window is a slice of the series' samples: no per-sample copies at each step.
 */
export function rangeMatrix(series: readonly SelectedSeries[], te: number, rangeMs: number): Matrix {
  const out: Matrix = [];
  for (const s of series) {
    const samples = liveSamples(s.samples);
    const from = after(samples, te - rangeMs);
    const to = after(samples, te);
    if (to > from) out.push({ metric: s.labels as Labels, points: samples.slice(from, to) as Point[] });
  }
  return out;
}
