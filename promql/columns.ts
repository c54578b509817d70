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

/** Appends samples in time order and hands out exactly-sized columns. */
export class ColumnBuilder {
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private stale: Uint8Array | undefined;
  length = 0;

  push(t: number, v: number, stale: boolean): void {
    if (this.length === this.ts.length) this.grow();
    if (stale) {
      this.stale ??= new Uint8Array(this.ts.length);
      this.stale[this.length] = 1;
    }
    this.ts[this.length] = t;
    this.vs[this.length] = stale ? NaN : v;
    this.length++;
  }

  /** The newest timestamp pushed, or -Infinity. */
  lastT(): number {
    return this.length > 0 ? (this.ts[this.length - 1] as number) : -Infinity;
  }

  finish(): SampleColumns {
    const n = this.length;
    return { ts: this.ts.slice(0, n), vs: this.vs.slice(0, n), stale: this.stale?.slice(0, n) };
  }

  private grow(): void {
    const size = this.ts.length * 2;
    const ts = new Float64Array(size);
    ts.set(this.ts);
    const vs = new Float64Array(size);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
    if (this.stale) {
      const stale = new Uint8Array(size);
      stale.set(this.stale);
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
