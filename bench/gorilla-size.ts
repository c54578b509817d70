/**
 * Size of the same samples in Prometheus' XOR chunks (tsdb/chunkenc/xor.go, 120 samples per chunk), counted
 * rather than written: the plain Gorilla baseline that Outpost's chunk format is measured against.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

const varintBytes = (u: number) => Math.max(1, Math.ceil(Math.log2(u + 1) / 7));
const zigzag = (x: number) => (x >= 0 ? 2 * x : -2 * x - 1);
const fits = (dod: number, bits: number) => -(2 ** (bits - 1) - 1) <= dod && dod <= 2 ** (bits - 1);

/** Bytes of one Prometheus XOR chunk (2-byte count, bit stream padded to a byte) holding t[from, to), v[from, to). */
export function gorillaChunkBytes(t: Float64Array, v: Float64Array, from: number, to: number): number {
  let bits = 16;
  let prevHi = 0;
  let prevLo = 0;
  let lead = 0xff;
  let trail = 0;
  let delta = 0;
  for (let i = from; i < to; i++) {
    f64[0] = v[i]!;
    const hi = u32[HI]!;
    const lo = u32[1 - HI]!;
    if (i === from) {
      bits += 8 * varintBytes(zigzag(t[i]!)) + 64;
    } else {
      const d = t[i]! - t[i - 1]!;
      if (i === from + 1) bits += 8 * varintBytes(d);
      else {
        const dod = d - delta;
        bits += dod === 0 ? 1 : fits(dod, 14) ? 16 : fits(dod, 17) ? 20 : fits(dod, 20) ? 24 : 68;
      }
      delta = d;
      const xh = (hi ^ prevHi) >>> 0;
      const xl = (lo ^ prevLo) >>> 0;
      if (xh === 0 && xl === 0) bits += 1;
      else {
        let l = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
        const tr = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
        if (l >= 32) l = 31;
        if (lead !== 0xff && l >= lead && tr >= trail) bits += 2 + (64 - lead - trail);
        else {
          lead = l;
          trail = tr;
          bits += 13 + (64 - l - tr);
        }
      }
    }
    prevHi = hi;
    prevLo = lo;
  }
  return Math.ceil(bits / 8);
}

/** Bytes of a series cut into Prometheus' 120-sample chunks. */
export function gorillaSeriesBytes(t: Float64Array, v: Float64Array): number {
  let total = 0;
  for (let from = 0; from < t.length; from += 120) total += gorillaChunkBytes(t, v, from, Math.min(t.length, from + 120));
  return total;
}
