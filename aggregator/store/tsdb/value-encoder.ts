import type { BitWriter } from './bitstream.ts';
import { DecimalState, fitMantissa, MAX_SHIFT, scaleFor } from './decimal-scale.ts';
import { F64, HI, LO, U32 } from './float-bits.ts';
import { ESC_RAW, ESC_RECODE, ESC_STALE, writeEscape, writeResidual, zigzag } from './residual.ts';
import { XorState } from './xor-values.ts';

// How the value stream is coded at this point of the chunk (chunks.md, "Values").
/** No value yet: every sample so far was stale or written raw. */
export const MODE_START = 0;
export const MODE_DECIMAL = 1;
export const MODE_XOR = 2;

/**
 * The value half of each sample. A chunk starts in decimal mode when its first value is a short decimal, and
 * stays there while values fit; a value that does not fit either refines the scale (one more decimal, fewer
 * binary zeros), is written raw (NaN, ±Inf, -0, which a decimal cannot be), or switches the rest of the chunk
 * to Gorilla XOR. The decoder (read-sample.ts, chunk-decode.ts) makes the same transitions from the same codes.
 */
export class ValueEncoder {
  private current = MODE_START;
  private readonly dec = new DecimalState();
  private readonly xor = new XorState();
  /** The last value was written raw, as lastHi:lastLo; otherwise it is dec.m1 / dec.q (the XOR switch needs it). */
  private lastRaw = false;
  private lastHi = 0;
  private lastLo = 0;

  get mode(): number {
    return this.current;
  }

  write(w: BitWriter, v: number, stale: boolean): void {
    if (this.current === MODE_DECIMAL) {
      if (stale) return writeEscape(w, ESC_STALE);
      const m = fitMantissa(v, this.dec.q);
      // m is NaN when v is off this scale.
      if (m === m) {
        writeResidual(w, this.dec.rice, zigzag(m - this.dec.predict()));
        this.dec.accept(m);
        this.lastRaw = false;
        return;
      }
      return this.misfit(w, v);
    }
    if (this.current === MODE_XOR) {
      if (stale) return this.xor.writeStale(w);
      F64[0] = v;
      return this.xor.write(w, U32[HI]!, U32[LO]!);
    }
    if (stale) return w.write(0, 1);
    this.begin(w, v);
  }

  /** The first value: '110' starts decimal mode, '111' XOR mode, '10' is a raw value that decides nothing yet. */
  private begin(w: BitWriter, v: number): void {
    const s = scaleFor(v, 0, MAX_SHIFT, true);
    if (s !== undefined) {
      w.write(0b110, 3);
      w.write(s.e, 4);
      w.write(s.z, 6);
      w.writeVarBits(zigzag(s.m));
      this.dec.start(s);
      this.current = MODE_DECIMAL;
      return;
    }
    F64[0] = v;
    const hi = U32[HI]!;
    const lo = U32[LO]!;
    // NaN, ±Inf and -0 are often one-offs (a gauge that starts undefined): they should not force XOR on the chunk.
    const special = !Number.isFinite(v) || v === 0;
    w.write(special ? 0b10 : 0b111, special ? 2 : 3);
    w.write64(hi, lo, 64);
    if (!special) {
      this.xor.reset(hi, lo);
      this.current = MODE_XOR;
    }
  }

  private misfit(w: BitWriter, v: number): void {
    F64[0] = v;
    const hi = U32[HI]!;
    const lo = U32[LO]!;
    // +0 fits every scale, so a zero here is -0.
    if (!Number.isFinite(v) || v === 0) {
      writeEscape(w, ESC_RAW);
      w.write64(hi, lo, 64);
      this.lastRaw = true;
      this.lastHi = hi;
      this.lastLo = lo;
      return;
    }
    const dec = this.dec;
    const s = scaleFor(v, dec.e, dec.z, false);
    writeEscape(w, ESC_RECODE);
    if (s !== undefined && dec.rescale(s.e, s.z)) {
      w.write(0, 1);
      w.write(s.e, 4);
      w.write(s.z, 6);
      writeResidual(w, dec.rice, zigzag(s.m - dec.predict()));
      dec.accept(s.m);
      this.lastRaw = false;
      return;
    }
    w.write(1, 1);
    if (this.lastRaw) {
      this.xor.reset(this.lastHi, this.lastLo);
    } else {
      F64[0] = dec.m1 / dec.q;
      this.xor.reset(U32[HI]!, U32[LO]!);
    }
    this.xor.write(w, hi, lo);
    this.current = MODE_XOR;
  }
}
