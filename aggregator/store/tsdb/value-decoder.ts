import type { BitReader } from './bitstream.ts';
import { DecimalState, MAX_EXP } from './decimal-scale.ts';
import { F64, HI, LO, U32 } from './float-bits.ts';
import { ESC_RAW, ESC_RECODE, ESC_STALE, readResidual, unzigzag } from './residual.ts';
import { MODE_DECIMAL, MODE_START, MODE_XOR } from './value-encoder.ts';
import { XorState } from './xor-values.ts';

/**
 * Reads what ValueEncoder writes, one sample at a time. A decimal value is rebuilt as m / q (a number); a raw or
 * XOR value as its two 32-bit halves, so callers that need the exact bits of a NaN can copy them (`bits`).
 */
export class ValueDecoder {
  private mode = MODE_START;
  private readonly dec = new DecimalState();
  private readonly xor = new XorState();
  private lastRaw = false;
  private lastHi = 0;
  private lastLo = 0;

  stale = false;
  /** The value came as bits (hi:lo); otherwise it is `num`. */
  bits = false;
  num = 0;
  hi = 0;
  lo = 0;
  /** Set when the input holds a code no encoder writes. */
  corrupt = false;

  get value(): number {
    if (!this.bits) return this.num;
    U32[HI] = this.hi;
    U32[LO] = this.lo;
    return F64[0]!;
  }

  read(r: BitReader): void {
    this.stale = false;
    if (this.mode === MODE_DECIMAL) {
      const u = readResidual(r, this.dec.rice);
      if (u >= 0) return this.decimal(u);
      this.escape(r, -1 - u);
      return;
    }
    if (this.mode === MODE_XOR) return this.readXor(r);
    this.begin(r);
  }

  private decimal(u: number): void {
    const dec = this.dec;
    const m = unzigzag(u) + dec.predict();
    dec.accept(m);
    this.num = m / dec.q;
    this.bits = false;
    this.lastRaw = false;
  }

  private begin(r: BitReader): void {
    const code = r.readOnes(3);
    if (code === 0) {
      this.stale = true;
    } else if (code === 2) {
      const e = r.read(4);
      const z = r.read(6);
      const m = unzigzag(r.readVarBits());
      this.dec.start({ e, z, m });
      this.mode = MODE_DECIMAL;
      this.num = m / this.dec.q;
      this.bits = false;
    } else {
      r.read64(64);
      this.setBits(r.hi, r.lo);
      if (code === 3) {
        this.xor.reset(r.hi, r.lo);
        this.mode = MODE_XOR;
      }
    }
  }

  private escape(r: BitReader, kind: number): void {
    if (kind === ESC_STALE) {
      this.stale = true;
    } else if (kind === ESC_RAW) {
      r.read64(64);
      this.setBits(r.hi, r.lo);
      this.lastRaw = true;
      this.lastHi = r.hi;
      this.lastLo = r.lo;
    } else if (kind === ESC_RECODE && r.read(1) === 0) {
      const dec = this.dec;
      const e = r.read(4);
      const z = r.read(6);
      const u = e >= dec.e && e <= MAX_EXP && z <= dec.z && dec.rescale(e, z) ? readResidual(r, dec.rice) : -1;
      if (u < 0) this.corrupt = true;
      else this.decimal(u);
    } else {
      if (this.lastRaw) {
        this.xor.reset(this.lastHi, this.lastLo);
      } else {
        F64[0] = this.dec.m1 / this.dec.q;
        this.xor.reset(U32[HI]!, U32[LO]!);
      }
      this.mode = MODE_XOR;
      this.readXor(r);
      if (this.stale) this.corrupt = true;
    }
  }

  private readXor(r: BitReader): void {
    const x = this.xor;
    if (x.read(r)) this.setBits(x.hi, x.lo);
    else if (x.corrupt) this.corrupt = true;
    else this.stale = true;
  }

  private setBits(hi: number, lo: number): void {
    this.hi = hi;
    this.lo = lo;
    this.bits = true;
  }
}
