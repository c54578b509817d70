// One write-ahead-log record: the samples one append committed (STORAGE.md, "Write-ahead log").

/** Collects accepted samples as columns, in the order the head applied them. */
export class WalRecordBuilder {
  private t = new Float64Array(64);
  private v = new Float64Array(64);
  private ids = new Uint32Array(64);
  private stale = new Uint8Array(64);
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(id: number, t: number, v: number, stale: boolean): void {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    this.ids[i] = id;
    this.t[i] = t;
    this.v[i] = v;
    this.stale[i] = stale ? 1 : 0;
  }

  /**
   * count (u32) | 4 zero bytes | t (f64 × count) | v (f64 × count) | series id (u32 × count) | stale (u8 × count),
   * in the platform's byte order (an LMDB file is tied to it anyway).
   */
  encode(): Buffer {
    const n = this.n;
    // Buffer.alloc never hands out a slice of the shared pool, so the typed views below are 8-byte aligned.
    const out = Buffer.alloc(8 + 21 * n);
    new Uint32Array(out.buffer, 0, 1)[0] = n;
    new Float64Array(out.buffer, 8, n).set(this.t.subarray(0, n));
    new Float64Array(out.buffer, 8 + 8 * n, n).set(this.v.subarray(0, n));
    new Uint32Array(out.buffer, 8 + 16 * n, n).set(this.ids.subarray(0, n));
    out.set(this.stale.subarray(0, n), 8 + 20 * n);
    return out;
  }

  private grow(): void {
    const size = this.t.length * 2;
    const t = new Float64Array(size);
    const v = new Float64Array(size);
    const ids = new Uint32Array(size);
    const stale = new Uint8Array(size);
    t.set(this.t);
    v.set(this.v);
    ids.set(this.ids);
    stale.set(this.stale);
    this.t = t;
    this.v = v;
    this.ids = ids;
    this.stale = stale;
  }
}

export interface WalRecord {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly ids: Uint32Array;
  readonly stale: Uint8Array;
}

export function decodeWalRecord(bytes: Uint8Array): WalRecord {
  // Typed views need 8-byte alignment, which a buffer handed out by LMDB need not have.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const n = new Uint32Array(own.buffer, own.byteOffset, 1)[0] as number;
  if (own.byteLength !== 8 + 21 * n) throw new Error(`write-ahead log record of ${own.byteLength} bytes cannot hold ${n} samples`);
  const at = own.byteOffset;
  return {
    t: new Float64Array(own.buffer, at + 8, n),
    v: new Float64Array(own.buffer, at + 8 + 8 * n, n),
    ids: new Uint32Array(own.buffer, at + 8 + 16 * n, n),
    stale: new Uint8Array(own.buffer, at + 8 + 20 * n, n),
  };
}
