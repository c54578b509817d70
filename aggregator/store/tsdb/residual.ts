import type { BitReader, BitWriter } from './bitstream.ts';

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

const POW2: number[] = [];
for (let k = 0; k <= 64; k++) POW2.push(2 ** k);

/** The model halves its history every this many residuals, so k tracks the recent past. */
const WINDOW = 32;

export class RiceModel {
  k = 0;
  private sum = 0;
  private count = 1;

  /**
   * Folds one residual into the mean. Large outliers are capped at what a plain code of the current k could
   * carry, so one missed scrape does not inflate k for the samples after it.
   */
  update(u: number): void {
    const cap = ESCAPE_RUN * POW2[this.k]!;
    this.sum += u < cap ? u : cap;
    if (++this.count === WINDOW) {
      this.sum = Math.floor(this.sum / 2);
      this.count = WINDOW / 2;
    }
    // The smallest k with count * 2^k >= sum, computed as bitLength(ceil(sum / count) - 1).
    const x = Math.ceil(this.sum / this.count) - 1;
    this.k = x <= 0 ? 0 : x < 4294967296 ? 32 - Math.clz32(x) : 64 - Math.clz32(Math.floor(x / 4294967296));
  }
}

/** Maps a signed integer (|r| < 2^52) to a non-negative one: 0, -1, 1, -2, … become 0, 1, 2, 3, …. */
export function zigzag(r: number): number {
  return r >= 0 ? 2 * r : -2 * r - 1;
}

export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
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

/**
 * Reads one residual code. Returns u (≥ 0), with the model updated, or -1 - kind for an escape other than Large,
 * whose payload the caller reads.
 */
export function readResidual(r: BitReader, model: RiceModel): number {
  const q = r.readOnes(ESCAPE_RUN);
  let u: number;
  if (q < ESCAPE_RUN) {
    const k = model.k;
    u = k === 0 ? q : q * POW2[k]! + r.readInt(k);
  } else {
    const kind = r.read(2);
    if (kind !== ESC_LARGE) return -1 - kind;
    u = r.readVarBits();
  }
  model.update(u);
  return u;
}
