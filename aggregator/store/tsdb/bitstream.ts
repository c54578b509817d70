/**
 * Big-endian bit streams over a Uint8Array. Bits travel through a 32-bit accumulator so that one call moves up to
 * 32 bits with a few integer operations; 64-bit quantities go as two halves, never as BigInt: a BigInt writer
 * allocates on every operation and measured 6-8 times slower (2 M random 1-64-bit writes, Node 20).
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

export class BitReader {
  /** Next byte to load; may run past `end`, where zero bytes are read (see `overrun`). */
  private pos: number;
  private readonly start: number;
  private acc = 0;
  /** Unread bits in acc, right-aligned. */
  private avail = 0;
  /** Halves of the last read64. */
  hi = 0;
  lo = 0;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    this.start = start;
  }

  get bitsRead(): number {
    return (this.pos - this.start) * 8 - this.avail;
  }

  /** Whether more bits were read than the buffer holds: the input was truncated or corrupt. */
  get overrun(): boolean {
    return (this.pos - this.end) * 8 > this.avail;
  }

  /** Reads `bits` bits (0 ≤ bits ≤ 32) as an unsigned integer. */
  read(bits: number): number {
    if (bits <= this.avail) {
      this.avail -= bits;
      return ((this.acc >>> this.avail) & MASK[bits]!) >>> 0;
    }
    const have = this.avail;
    const high = this.acc & MASK[have]!;
    const need = bits - have;
    this.refill();
    this.avail = 32 - need;
    // need is 32 only when have is 0, and then high is 0, so a shift by 32 (a no-op in JS) is harmless.
    return ((high << need) | (this.acc >>> this.avail)) >>> 0;
  }

  /** Reads `bits` bits (0 ≤ bits ≤ 64) into `hi` and `lo`. */
  read64(bits: number): void {
    if (bits > 32) {
      this.hi = this.read(bits - 32);
      this.lo = this.read(32);
    } else {
      this.hi = 0;
      this.lo = this.read(bits);
    }
  }

  /** Reads `bits` bits (0 ≤ bits ≤ 53) as a non-negative integer. */
  readInt(bits: number): number {
    if (bits > 32) {
      const hi = this.read(bits - 32);
      return hi * TWO_32 + this.read(32);
    }
    return this.read(bits);
  }

  readVarBits(): number {
    const n = this.read(6);
    return this.readInt(n > 53 ? 53 : n);
  }

  /** Counts one bits up to `max`; the zero that ends a shorter run is consumed, so a run of `max` has none. */
  readOnes(max: number): number {
    let count = 0;
    for (;;) {
      if (this.avail === 0) {
        this.refill();
        this.avail = 32;
      }
      const n = this.avail;
      // Top-align the unread bits; the padding below them is zero, so ~window has ones there and clz can run past n.
      const ones = Math.clz32(~(this.acc << (32 - n)));
      const run = ones < n ? ones : n;
      if (count + run >= max) {
        this.avail = n - (max - count);
        return max;
      }
      if (run < n) {
        this.avail = n - run - 1;
        return count + run;
      }
      count += n;
      this.avail = 0;
    }
  }

  private refill(): void {
    const b = this.buf;
    const p = this.pos;
    if (p + 4 <= this.end) {
      this.acc = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    } else {
      let word = 0;
      for (let i = 0; i < 4; i++) word = (word << 8) | (p + i < this.end ? b[p + i]! : 0);
      this.acc = word;
    }
    this.pos = p + 4;
  }
}
