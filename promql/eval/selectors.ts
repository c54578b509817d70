import { indexAfter, isStale } from '../columns.ts';
import type { SelectedSeries } from '../queryable.ts';
import type { Matrix, RangeSeries, Vector } from '../value.ts';

/** A series' samples without staleness markers, with its counter drops counted (see RangeSeries.drops). */
export interface LiveSeries {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly drops: Int32Array;
}

/**
 * What one selector selected for the whole query, read step by step. Steps mostly move forward in time, so each
 * series remembers where its last window was and the next search starts there.
 */
export class Selection {
  private live: LiveSeries[] | undefined;
  private readonly fromHint: Int32Array;
  private readonly toHint: Int32Array;

  constructor(readonly series: readonly SelectedSeries[]) {
    this.fromHint = new Int32Array(series.length);
    this.toHint = new Int32Array(series.length);
  }

  /**
   * The instant selector at `te` (already offset): each series' newest sample in (te - lookback, te], unless it is
   * a staleness marker, which ends the series at once. Points carry the step time `t`.
   */
  instant(te: number, t: number, lookbackMs: number): Vector {
    const out: Vector = [];
    for (let k = 0; k < this.series.length; k++) {
      const s = this.series[k] as SelectedSeries;
      const end = seek(s.ts, te, this.toHint[k] as number);
      this.toHint[k] = end;
      const i = end - 1;
      if (i < 0 || (s.ts[i] as number) <= te - lookbackMs || isStale(s, i)) continue;
      out.push({ metric: s.labels, point: { t, v: s.vs[i] as number }, sampleT: s.ts[i] as number });
    }
    return out;
  }

  /** Every series' samples without staleness markers, what range selectors read; in the order of `series`. */
  liveSeries(): readonly LiveSeries[] {
    return (this.live ??= this.series.map(withoutStaleMarkers));
  }

  /** The range selector at `te`: each series' samples in (te - range, te], staleness markers left out, as windows. */
  range(te: number, rangeMs: number): Matrix {
    const live = this.liveSeries();
    const out: Matrix = [];
    for (let k = 0; k < live.length; k++) {
      const { ts, vs, drops } = live[k] as LiveSeries;
      const from = seek(ts, te - rangeMs, this.fromHint[k] as number);
      const to = seek(ts, te, Math.max(from, this.toHint[k] as number));
      this.fromHint[k] = from;
      this.toHint[k] = to;
      if (to > from) out.push({ metric: (this.series[k] as SelectedSeries).labels, ts, vs, from, to, drops } satisfies RangeSeries);
    }
    return out;
  }
}

/**
 * Index of the first sample with t > time, searching from `hint` (the answer for an earlier, nearby time): a few
 * linear steps when the time moved forward a little, a binary search otherwise.
 */
function seek(ts: Float64Array, time: number, hint: number): number {
  const n = ts.length;
  let i = Math.min(hint, n);
  if (i > 0 && (ts[i - 1] as number) > time) return indexAfter(ts, time, 0, i);
  for (let steps = 0; steps < 8; steps++) {
    if (i === n || (ts[i] as number) > time) return i;
    i++;
  }
  return indexAfter(ts, time, i, n);
}

function withoutStaleMarkers(s: SelectedSeries): LiveSeries {
  let { ts, vs } = s;
  if (s.stale !== undefined) {
    const keep: number[] = [];
    for (let i = 0; i < ts.length; i++) if (s.stale[i] !== 1) keep.push(i);
    ts = Float64Array.from(keep, (i) => s.ts[i] as number);
    vs = Float64Array.from(keep, (i) => s.vs[i] as number);
  }
  const drops = new Int32Array(vs.length);
  for (let i = 1; i < vs.length; i++) drops[i] = (drops[i - 1] as number) + ((vs[i] as number) < (vs[i - 1] as number) ? 1 : 0);
  return { ts, vs, drops };
}
