import type { StoredSample } from './value.ts';

/**
 * A series' samples as columns: timestamps (ms, ascending) and values in typed arrays. The engine reads windows of
 * them by index at every step, so nothing is copied per step and the loops run over flat memory.
 */
export interface SampleColumns {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** 1 where the sample is a staleness marker; undefined when the series has none, the usual case. */
  readonly stale: Uint8Array | undefined;
}

/** Columns with room to write samples in place; `stale` is allocated (see ColumnBuilder.reserve). */
export interface ColumnSpace {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly stale: Uint8Array;
}

/** Appends samples in time order and hands out exactly-sized columns. */
export class ColumnBuilder {
  private ts = new Float64Array(0);
  private vs = new Float64Array(0);
  /** Allocated at the first stale push or reservation; anyStale says whether finish() hands it out. */
  private stale: Uint8Array | undefined;
  private anyStale = false;
  length = 0;

  push(t: number, v: number, stale: boolean): void {
    if (this.length === this.ts.length) this.grow(this.length + 1);
    if (stale) {
      this.stale ??= new Uint8Array(this.ts.length);
      this.anyStale = true;
    }
    if (this.stale !== undefined) this.stale[this.length] = stale ? 1 : 0;
    this.ts[this.length] = t;
    this.vs[this.length] = stale ? NaN : v;
    this.length++;
  }

  /**
   * Room for n more samples, for a writer that fills the columns in place from index `length` (a chunk decoder):
   * one capacity check for a run of samples instead of one per sample. `added` then takes in what it wrote.
   */
  reserve(n: number): ColumnSpace {
    if (this.length + n > this.ts.length) this.grow(this.length + n);
    this.stale ??= new Uint8Array(this.ts.length);
    return { ts: this.ts, vs: this.vs, stale: this.stale };
  }

  /** Takes in `count` samples written after reserve(); a stale one sets 1 in `stale` and NaN in `vs`. */
  added(count: number): void {
    const from = this.length;
    this.length += count;
    if (this.anyStale || this.stale === undefined) return;
    for (let i = from; i < this.length; i++) {
      if (this.stale[i] !== 0) {
        this.anyStale = true;
        return;
      }
    }
  }

  /** The columns; the builder is done with them. Exactly filled ones are handed out without a copy. */
  finish(): SampleColumns {
    const n = this.length;
    const exact = n === this.ts.length;
    const stale = this.anyStale ? (this.stale as Uint8Array) : undefined;
    if (exact) return { ts: this.ts, vs: this.vs, stale };
    return { ts: this.ts.slice(0, n), vs: this.vs.slice(0, n), stale: stale?.slice(0, n) };
  }

  private grow(needed: number): void {
    const size = Math.max(needed, 2 * this.ts.length, 64);
    const ts = new Float64Array(size);
    ts.set(this.ts.subarray(0, this.length));
    const vs = new Float64Array(size);
    vs.set(this.vs.subarray(0, this.length));
    this.ts = ts;
    this.vs = vs;
    if (this.stale) {
      const stale = new Uint8Array(size);
      stale.set(this.stale.subarray(0, this.length));
      this.stale = stale;
    }
  }
}

export function columnsOf(samples: readonly StoredSample[]): SampleColumns {
  const b = new ColumnBuilder();
  for (const s of samples) b.push(s.t, s.v, s.stale);
  return b.finish();
}

/** Index of the first sample with t > time, in [from, to) (binary search). */
export function indexAfter(ts: Float64Array, time: number, from = 0, to = ts.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isStale(c: SampleColumns, i: number): boolean {
  return c.stale !== undefined && c.stale[i] === 1;
}

/** The columns as sample objects, for code that reports samples rather than computes with them. */
export function samplesOf(c: SampleColumns): StoredSample[] {
  const out: StoredSample[] = [];
  for (let i = 0; i < c.ts.length; i++) out.push({ t: c.ts[i] as number, v: c.vs[i] as number, stale: isStale(c, i) });
  return out;
}
