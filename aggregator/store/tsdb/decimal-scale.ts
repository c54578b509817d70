import { trailingZeros } from './bitstream.ts';
import { RiceModel } from './residual.ts';

/**
 * Decimal coding: most metric values are short decimals (0.01-resolution counters, 1-decimal temperatures,
 * integer gauges, byte counts in whole pages). Such a value v is m / q for a small integer m and the scale
 * q = 10^e / 2^z, and v is exactly the double nearest to m / q, so dividing m by q (one correctly rounded IEEE
 * division) rebuilds v bit-exactly. The encoder only uses a scale after checking that round trip, so correctness
 * never depends on the value having "really" been a decimal.
 */

/** |m| stays below this, so every prediction and residual below is exact in float64 (see chunks.md). */
export const MANTISSA_LIMIT = 2 ** 50;
/** e is written in 4 bits. */
export const MAX_EXP = 15;
/** z is written in 6 bits. */
export const MAX_SHIFT = 50;
/** A power-of-two factor is assumed only when the first mantissa has at least this many trailing zeros. */
const MIN_SHIFT = 4;

export const POW10: number[] = [];
for (let e = 0; e <= MAX_EXP; e++) POW10.push(10 ** e);

/**
 * Math.round (to nearest, ties towards +Infinity), the predictor's rounding, with a branch that is almost never
 * taken. V8 compiles Math.round as a round-up and a compare that corrects it whenever the fraction is below one
 * half, a coin toss on a mean step, and that mispredicted branch cost a fifth of the decoder's time. floor(x + 0.5)
 * is Math.round(x) unless the sum rounds up to an integer (x just below n - 0.5, or an odd integer of 2^52 or
 * more), and then r - 0.5 > x, compared exactly, tells. The sign of a zero result may differ from Math.round's;
 * the predictor only adds it to a mantissa, which is never -0.
 */
export function roundHalfUp(x: number): number {
  const r = Math.floor(x + 0.5);
  return r - 0.5 > x ? r - 1 : r;
}

export function quantum(e: number, z: number): number {
  return POW10[e]! / 2 ** z;
}

/** The mantissa m with m / q === v, or NaN when v is not on the grid of q (or is -0, ±Inf or NaN). */
export function fitMantissa(v: number, q: number): number {
  const m = Math.round(v * q);
  // -0 has mantissa 0, which would decode as +0: 1 / v tells them apart.
  return m / q === v && m < MANTISSA_LIMIT && m > -MANTISSA_LIMIT && (m !== 0 || 1 / v > 0) ? m : NaN;
}

export interface Scale {
  readonly e: number;
  readonly z: number;
  /** v's mantissa at this scale. */
  readonly m: number;
}

/**
 * The coarsest scale with at least `minE` decimals and at most `maxZ` binary zeros that holds v, or undefined.
 * `guessShift` (a chunk's first value) assumes a power-of-two factor from the mantissa's trailing zeros, so a
 * gauge in whole pages (multiples of 4096) gets z = 12 and pays nothing for the 12 zero bits of every residual.
 */
export function scaleFor(v: number, minE: number, maxZ: number, guessShift: boolean): Scale | undefined {
  for (let e = minE; e <= MAX_EXP; e++) {
    const m = fitMantissa(v, POW10[e]!);
    if (Number.isNaN(m)) continue;
    let z = m === 0 ? 0 : trailingZeros(m);
    if (guessShift && z < MIN_SHIFT) z = 0;
    if (z > maxZ) z = maxZ;
    return { e, z, m: m / 2 ** z };
  }
  return undefined;
}

/**
 * The decimal predictor shared by encoder and decoder. It predicts the next mantissa as the last one (delta),
 * the last one plus the last step (delta-of-delta) or the last one plus the recent mean step, whichever has erred
 * least recently: wandering gauges favour the first, smooth curves the second, counters with a noisy but steady
 * rate the third. Encoder and decoder see the same mantissas, so no bit is spent on the choice.
 */
export class DecimalState {
  e = 0;
  z = 0;
  q = 1;
  m1 = 0;
  d1 = 0;
  private meanD = 0;
  private errDelta = 0;
  private errDod = 0;
  private errMean = 0;
  readonly rice = new RiceModel();

  start(s: Scale): void {
    this.e = s.e;
    this.z = s.z;
    this.q = quantum(s.e, s.z);
    this.m1 = s.m;
  }

  /** Always within 3 · 2^50 of zero, so m - predict() is exact (|m| < 2^50, |d1| and |meanD| < 2^51). */
  predict(): number {
    const delta = this.errDelta;
    const dod = this.errDod;
    const mean = this.errMean;
    if (mean < delta && mean < dod) return this.m1 + roundHalfUp(this.meanD);
    return dod < delta ? this.m1 + this.d1 : this.m1;
  }

  accept(m: number): void {
    const d = m - this.m1;
    const dd = d - this.d1;
    const dm = d - roundHalfUp(this.meanD);
    // Errors decay by 1/8 per sample: about the last 8 samples decide.
    this.errDelta += (d < 0 ? -d : d) - this.errDelta / 8;
    this.errDod += (dd < 0 ? -dd : dd) - this.errDod / 8;
    this.errMean += (dm < 0 ? -dm : dm) - this.errMean / 8;
    this.meanD += (d - this.meanD) / 8;
    this.d1 = d;
    this.m1 = m;
  }

  /** Moves the state to a finer scale; false when the rescaled state would leave the exact range. */
  rescale(e: number, z: number): boolean {
    const f = POW10[e - this.e]! * 2 ** (this.z - z);
    const m1 = this.m1 * f;
    const d1 = this.d1 * f;
    const meanD = this.meanD * f;
    const dLimit = 2 * MANTISSA_LIMIT;
    if (!(Math.abs(m1) < MANTISSA_LIMIT && Math.abs(d1) < dLimit && Math.abs(meanD) < dLimit)) return false;
    this.e = e;
    this.z = z;
    this.q = quantum(e, z);
    this.m1 = m1;
    this.d1 = d1;
    this.meanD = meanD;
    return true;
  }
}
