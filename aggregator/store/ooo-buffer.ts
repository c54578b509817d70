import { ChunkIterator, XorChunk } from './tsdb/index.ts';

/**
 * A series' out-of-order samples not yet cut into chunks: sorted by time, one sample per timestamp, a later write
 * of a timestamp replacing the earlier one. Late data usually comes oldest first (an agent draining its backlog),
 * so the common insert is an append.
 */
export class OooBuffer {
  private ts = new Float64Array(16);
  private vs = new Float64Array(16);
  private stales = new Uint8Array(16);
  private n = 0;

  static fromChunk(bytes: Uint8Array): OooBuffer {
    const b = new OooBuffer();
    const it = new ChunkIterator(bytes);
    while (it.next()) b.insert(it.t, it.v, it.stale);
    return b;
  }

  get length(): number {
    return this.n;
  }

  get minT(): number {
    return this.n === 0 ? Infinity : (this.ts[0] as number);
  }

  get maxT(): number {
    return this.n === 0 ? -Infinity : (this.ts[this.n - 1] as number);
  }

  t(i: number): number {
    return this.ts[i] as number;
  }

  v(i: number): number {
    return this.vs[i] as number;
  }

  stale(i: number): boolean {
    return this.stales[i] === 1;
  }

  /** Index of the first sample at or after t (length when none). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(t: number, v: number, stale: boolean): void {
    let i = this.n;
    if (i > 0 && (this.ts[i - 1] as number) >= t) {
      i = this.lowerBound(t);
      if (this.ts[i] === t) {
        this.vs[i] = v;
        this.stales[i] = stale ? 1 : 0;
        return;
      }
    }
    if (this.n === this.ts.length) this.grow();
    this.ts.copyWithin(i + 1, i, this.n);
    this.vs.copyWithin(i + 1, i, this.n);
    this.stales.copyWithin(i + 1, i, this.n);
    this.ts[i] = t;
    this.vs[i] = v;
    this.stales[i] = stale ? 1 : 0;
    this.n++;
  }

  /** Drops the samples before t; returns how many went. */
  dropBefore(t: number): number {
    const k = this.lowerBound(t);
    if (k === 0) return 0;
    this.ts.copyWithin(0, k, this.n);
    this.vs.copyWithin(0, k, this.n);
    this.stales.copyWithin(0, k, this.n);
    this.n -= k;
    return k;
  }

  /** The samples as one chunk (the head record's form; a buffer never outgrows one). */
  toChunk(): XorChunk {
    const c = new XorChunk();
    for (let i = 0; i < this.n; i++) c.append(this.ts[i] as number, this.vs[i] as number, this.stales[i] === 1);
    return c;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const size = this.ts.length * 2;
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    const stales = new Uint8Array(size);
    ts.set(this.ts);
    vs.set(this.vs);
    stales.set(this.stales);
    this.ts = ts;
    this.vs = vs;
    this.stales = stales;
  }
}
