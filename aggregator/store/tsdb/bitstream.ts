/**
 * Big-endian bit streams over a Uint8Array. The writer's bits travel through a 32-bit accumulator so that one call
 * moves up to 32 bits with a few integer operations, and the reader works on 32-bit words (below). 64-bit
 * quantities go as two halves, never as BigInt: a BigInt writer allocates on every operation and measured 6-8
 * times slower (2 M random 1-64-bit writes, Node 20).
 */

/** MASK[n] keeps the low n bits of an int32; MASK[32] is all ones. */
const MASK = new Int32Array(33);
for (let n = 0; n < 32; n++) MASK[n] = (1 << n) - 1;
MASK[32] = -1;

const TWO_32 = 4294967296;

/** Number of bits needed to write a non-negative integer below 2^53 (0 for 0). */
export function bitLength(u: number): number {
  return u < TWO_32 ? 32 - Math.clz32(u) : 64 - Math.clz32(Math.floor(u / TWO_32));
}

/** Trailing zero bits of a non-zero integer whose magnitude is below 2^53. */
export function trailingZeros(x: number): number {
  const a = Math.abs(x);
  const lo = a >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(a / TWO_32);
  return 63 - Math.clz32(hi & -hi);
}

export class BitWriter {
  private buf: Uint8Array;
  /** Bytes already flushed into buf. */
  private pos = 0;
  /** Pending bits, right-aligned; always fewer than 32. */
  private acc = 0;
  private pending = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(initialBytes);
  }

  get bitLength(): number {
    return this.pos * 8 + this.pending;
  }

  /** Writes the low `bits` bits of `value` (0 ≤ bits ≤ 32), most significant first. */
  write(value: number, bits: number): void {
    const free = 32 - this.pending;
    if (bits < free) {
      this.acc = (this.acc << bits) | (value & MASK[bits]!);
      this.pending += bits;
      return;
    }
    const rest = bits - free;
    // free is 32 only when nothing is pending, and then acc is 0, so a shift by 32 (a no-op in JS) is harmless.
    this.flushWord((this.acc << free) | ((value & MASK[bits]!) >>> rest));
    this.acc = value & MASK[rest]!;
    this.pending = rest;
  }

  /** Writes the low `bits` bits (0 ≤ bits ≤ 64) of the 64-bit word hi:lo. */
  write64(hi: number, lo: number, bits: number): void {
    if (bits > 32) {
      this.write(hi, bits - 32);
      this.write(lo, 32);
    } else {
      this.write(lo, bits);
    }
  }

  /** Writes the low `bits` bits (0 ≤ bits ≤ 53) of a non-negative integer below 2^53. */
  writeInt(u: number, bits: number): void {
    if (bits > 32) {
      this.write(Math.floor(u / TWO_32), bits - 32);
      this.write(u >>> 0, 32);
    } else {
      this.write(u >>> 0, bits);
    }
  }

  /** A self-delimiting non-negative integer below 2^53: a 6-bit length, then that many bits. */
  writeVarBits(u: number): void {
    const n = bitLength(u);
    this.write(n, 6);
    this.writeInt(u, n);
  }

  /** Copies every bit written so far into dst at offset, the last byte padded with zero bits. */
  copyTo(dst: Uint8Array, offset: number): void {
    dst.set(this.buf.subarray(0, this.pos), offset);
    let at = offset + this.pos;
    let n = this.pending;
    // Left-align the pending bits, then emit them a byte at a time.
    let word = n === 0 ? 0 : this.acc << (32 - n);
    while (n > 0) {
      dst[at++] = word >>> 24;
      word <<= 8;
      n -= 8;
    }
  }

  /** Bytes copyTo writes. */
  get byteLength(): number {
    return this.pos + ((this.pending + 7) >>> 3);
  }

  private flushWord(word: number): void {
    if (this.pos + 4 > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, 64));
      grown.set(this.buf);
      this.buf = grown;
    }
    const b = this.buf;
    const p = this.pos;
    b[p] = word >>> 24;
    b[p + 1] = word >>> 16;
    b[p + 2] = word >>> 8;
    b[p + 3] = word;
    this.pos = p + 4;
  }
}

/**
 * Reading works on 32-bit big-endian words instead of bytes: any 32 bits of the stream are then two loads and three
 * shifts away (`peek32`), so a decoder keeps its whole read state in one local integer, the bit position, and reads
 * a residual code (unary quotient and remainder) with one peek. The decoder checks for an overrun after every
 * sample, and reads at most 215 bits past the last checked position before the next check (a Large timestamp
 * residual, a rescale and a Large value residual: 183 bits, then a 32-bit peek), so PAD_WORDS zero words after
 * the data cover every read; bits past the end read as zeros.
 */
const PAD_WORDS = 8;
let words = new Int32Array(256);

/**
 * The bytes [start, end) of buf as big-endian words followed by at least PAD_WORDS zero words. The array is shared
 * and reused by the next call: decode from it synchronously, and do not keep it.
 */
export function loadWords(buf: Uint8Array, start: number, end: number): Int32Array {
  const full = (end - start) >>> 2;
  const need = full + 1 + PAD_WORDS;
  if (words.length < need) words = new Int32Array(Math.max(need, 2 * words.length));
  const w = words;
  let p = start;
  for (let i = 0; i < full; i++, p += 4) w[i] = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
  let last = 0;
  for (let shift = 24; p < end; p++, shift -= 8) last |= buf[p]! << shift;
  w[full] = last;
  w.fill(0, full + 1, need);
  return w;
}

/** The 32 bits starting at bit `pos` of the words, as an int32 (the first bit is the sign bit). */
export function peek32(w: Int32Array, pos: number): number {
  const i = pos >>> 5;
  const s = pos & 31;
  // (x >>> 1) >>> (31 - s) is x >>> (32 - s) without JavaScript's shift-by-32-is-no-shift when s is 0.
  return (w[i]! << s) | ((w[i + 1]! >>> 1) >>> (31 - s));
}

/** The `bits` bits (0 ≤ bits ≤ 32) at bit `pos`, unsigned. */
export function bitsAt(w: Int32Array, pos: number, bits: number): number {
  return bits === 0 ? 0 : peek32(w, pos) >>> (32 - bits);
}

/** The `bits` bits (0 ≤ bits ≤ 53) at bit `pos`, as a non-negative integer. */
export function uintAt(w: Int32Array, pos: number, bits: number): number {
  if (bits > 32) return (peek32(w, pos) >>> (64 - bits)) * TWO_32 + (peek32(w, pos + bits - 32) >>> 0);
  return bits === 0 ? 0 : peek32(w, pos) >>> (32 - bits);
}
