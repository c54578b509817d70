import type { BitWriter } from './bitstream.ts';

/**
 * Gorilla's XOR value coding (Pelkonen et al., VLDB 2015, section 4.1.2), for values that are not short decimals:
 * each value is XORed with the previous one; '0' means equal, '10' reuses the previous window of meaningful bits,
 * '11' opens a new window with 5 bits of leading zeros and 6 bits of meaningful-bit count (64 written as 0).
 * A window of 31 leading zeros and 63 meaningful bits cannot occur (they add up to more than 64), so that code
 * is free: it marks a stale sample, which thus costs nothing to samples that are not stale.
 */

/** '11', leading 31, meaningful 63: the stale marker in XOR mode. */
const STALE_CODE = 0x1fff;
const STALE_BITS = 13;

export class XorState {
  /** The previous value's bits. */
  hi = 0;
  lo = 0;
  /** Current window; 65 leading zeros means none yet, so the first XOR opens one. */
  private lead = 65;
  private trail = 0;

  /** Starts from a value written raw (the chunk's first XOR value, or the value before a switch to XOR). */
  reset(hi: number, lo: number): void {
    this.hi = hi;
    this.lo = lo;
    this.lead = 65;
    this.trail = 0;
  }

  write(w: BitWriter, hi: number, lo: number): void {
    const xh = hi ^ this.hi;
    const xl = lo ^ this.lo;
    if ((xh | xl) === 0) {
      w.write(0, 1);
      return;
    }
    this.hi = hi;
    this.lo = lo;
    let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trail = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
    let sig: number;
    if (lead >= this.lead && trail >= this.trail) {
      w.write(0b10, 2);
      sig = 64 - this.lead - this.trail;
      writeShifted(w, xh, xl, this.trail, sig);
      return;
    }
    if (lead > 31) lead = 31;
    sig = 64 - lead - trail;
    // '11', 5 bits of leading zeros, 6 bits of meaningful bits: 13 bits in one write.
    w.write((0b11 << 11) | (lead << 6) | (sig & 63), 13);
    writeShifted(w, xh, xl, trail, sig);
    this.lead = lead;
    this.trail = trail;
  }

  writeStale(w: BitWriter): void {
    w.write(STALE_CODE, STALE_BITS);
  }
}

/** Writes the `sig` bits of the 64-bit word xh:xl that start `trail` bits above its lowest bit. */
function writeShifted(w: BitWriter, xh: number, xl: number, trail: number, sig: number): void {
  if (trail === 0) {
    w.write64(xh, xl, sig);
  } else if (trail >= 32) {
    w.write(xh >>> (trail - 32), sig);
  } else {
    w.write64(xh >>> trail, (xl >>> trail) | (xh << (32 - trail)), sig);
  }
}
