import type { BitWriter } from './bitstream.ts';

/**
 * Residuals (a timestamp's delta-of-delta, a decimal value's prediction error) in an adaptive Rice code: the
 * zigzagged residual u is split into a quotient u >> k, written in unary, and k low bits. k follows the recent
 * mean of u (LOCO-I's rule), so jittery timestamps cost a few bits instead of the 16 of Prometheus' smallest
 * non-zero bucket, and slowly moving decimals a few bits instead of XOR's 40 or more. Encoder and decoder update
 * the same model from the same residuals, so k is never written. chunks.md, "Residual codes", is normative.
 */

/** A unary run this long is not a quotient but an escape, followed by a 2-bit kind. */
export const ESCAPE_RUN = 16;

// Escape kinds, written as 2 bits after ESCAPE_RUN ones.
/** A residual too large for the current k: a 6-bit length and that many bits follow. */
export const ESC_LARGE = 0;
/** A stale marker (value stream only): no value follows. */
export const ESC_STALE = 1;
/** A float64 in 64 raw bits (value stream only); the decimal state is untouched. */
export const ESC_RAW = 2;
/** A change of value coding (value stream only): one more bit says rescale (0) or switch to XOR (1). */
export const ESC_RECODE = 3;

/** 2^k, looked up: `2 ** k` is a call to pow in optimised code. */
export const POW2: number[] = [];
for (let k = 0; k <= 64; k++) POW2.push(2 ** k);

/** The model halves its history every this many residuals, so k tracks the recent past. */
export const RICE_WINDOW = 32;

/**
 * The most one residual adds to the model's sum: what a plain code of the current k could carry, so one missed
 * scrape does not inflate k for the samples after it.
 */
export function riceCap(k: number): number {
  return ESCAPE_RUN * POW2[k]!;
}

/** Below this sum, sum / count rounds to within 2^-6 of the exact quotient, less than 1 / count: see riceK. */
const EXACT_SUM = 2 ** 48;

/**
 * The next k from the previous one: the smallest k with count * 2^k >= sum, which chunks.md defines as
 * bitLength(ceil(sum / count) - 1) in float64. While sum < 2^48 the rounded quotient has the same ceiling as the
 * exact one, and bitLength(ceil(r) - 1) <= k exactly when r <= 2^k, so comparing count * 2^k with sum (both exact)
 * gives the same k; k usually moves by a step at most, so this is a compare or two instead of a division on the
 * decoder's critical path. Larger sums take the definition as written.
 */
export function riceK(k: number, sum: number, count: number): number {
  if (sum >= EXACT_SUM) return riceKAsWritten(sum, count);
  let next = k;
  while (next > 0 && sum <= count * POW2[next - 1]!) next--;
  while (sum > count * POW2[next]!) next++;
  return next;
}

function riceKAsWritten(sum: number, count: number): number {
  const x = Math.ceil(sum / count) - 1;
  return x <= 0 ? 0 : x < 4294967296 ? 32 - Math.clz32(x) : 64 - Math.clz32(Math.floor(x / 4294967296));
}

/** The encoder's model; the decoder (chunk-decode.ts) keeps the same three numbers in locals. */
export class RiceModel {
  k = 0;
  private sum = 0;
  private count = 1;

  /** Folds one residual into the mean. */
  update(u: number): void {
    const cap = riceCap(this.k);
    this.sum += u < cap ? u : cap;
    if (++this.count === RICE_WINDOW) {
      this.sum = Math.floor(this.sum / 2);
      this.count = RICE_WINDOW / 2;
    }
    this.k = riceK(this.k, this.sum, this.count);
  }
}

/** Maps a signed integer (|r| < 2^52) to a non-negative one: 0, -1, 1, -2, … become 0, 1, 2, 3, …. */
export function zigzag(r: number): number {
  return r >= 0 ? 2 * r : -2 * r - 1;
}

export function unzigzag(u: number): number {
  // Without a branch: the sign of a residual is a coin toss, so a branch here mispredicts half the time. u & 1 is
  // u's parity for every integer below 2^53 (ToInt32 keeps the low bits), and every step is exact.
  const odd = u & 1;
  return (u + odd) * (0.5 - odd);
}

/** Writes u and updates the model. */
export function writeResidual(w: BitWriter, model: RiceModel, u: number): void {
  const k = model.k;
  const q = k === 0 ? u : Math.floor(u / POW2[k]!);
  if (q < ESCAPE_RUN) {
    // q ones and a terminating zero.
    w.write(((1 << q) - 1) << 1, q + 1);
    if (k !== 0) w.writeInt(u - q * POW2[k]!, k);
  } else {
    writeEscape(w, ESC_LARGE);
    w.writeVarBits(u);
  }
  model.update(u);
}

export function writeEscape(w: BitWriter, kind: number): void {
  w.write(((1 << ESCAPE_RUN) - 1) << 2 | kind, ESCAPE_RUN + 2);
}
