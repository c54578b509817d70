import * as bitstream from './bitstream.ts';
import { TIMESTAMP_LIMIT } from './chunk-format.ts';
import { MANTISSA_LIMIT, POW10, quantum } from './decimal-scale.ts';
import * as state from './decode-state.ts';
import { F64, HI, LO, U32 } from './float-bits.ts';
import * as rice from './residual.ts';
import { MODE_DECIMAL, MODE_START, MODE_XOR } from './value-encoder.ts';

// Module-local constants, as in chunk-decode.ts (which says why): an XOR chunk runs every sample through here.
const { bitsAt, peek32, uintAt } = bitstream;
const { BITS, corrupt, NUMBER, STALE, S, F, U } = state;
const { POS, T_K, V_K, MODE, E, Z, LAST_RAW, LEAD, TRAIL } = state;
const { T, DELTA, Q, M1, D1, MEAN, NUM, T_RESIDUAL, V_RESIDUAL } = state;
const { X_HI, X_LO, RAW_HI, RAW_LO, V_HI, V_LO } = state;
const { ESC_LARGE, ESC_RAW, ESC_STALE, ESCAPE_RUN, POW2, unzigzag } = rice;

const DECIMAL_STEP_LIMIT = 2 * MANTISSA_LIMIT;

/**
 * Reads sample i's codes, whatever they are (chunks.md), and returns what its value is: a NUMBER in F[NUM], BITS in
 * U[V_HI] and U[V_LO], or STALE. Residual codes, plain or Large, are left in F[T_RESIDUAL] and F[V_RESIDUAL] (-1
 * when the sample has none) for decodeRange's loop, which folds them into the models, the timestamp and the
 * predictor: that code then exists once, in the loop.
 *
 * The loop decodes the common codes itself and calls this for the rest, and for the first two samples of every
 * chunk, so V8 always has type feedback for the call. It is one function, well over the 460 bytes of bytecode V8
 * inlines, so that it stays out of the loop's compiled code: a rare code met for the first time deoptimises this
 * function, never the loop.
 */
export function readSample(w: Int32Array, i: number): number {
  // The timestamp: 52 bits of t + 2^51, then varbits of the first delta, then residual codes.
  let pos = S[POS]!;
  F[T_RESIDUAL] = -1;
  F[V_RESIDUAL] = -1;
  if (i === 0) {
    F[T] = uintAt(w, 0, 52) - TIMESTAMP_LIMIT;
    pos = 52;
  } else if (i === 1) {
    const n = bitsAt(w, pos, 6);
    if (n > 53) throw corrupt(`sample 1: a delta of ${n} bits`);
    const delta = uintAt(w, pos + 6, n);
    if (delta < 1) throw corrupt('sample 1: timestamps do not increase');
    F[DELTA] = delta;
    F[T] += delta;
    pos += 6 + n;
  } else {
    const u = readResidual(w, pos, S[T_K]!, i);
    if (u < 0) throw corrupt(`sample ${i}: an escape that timestamps do not use`);
    F[T_RESIDUAL] = u;
    pos = S[POS]!;
  }
  S[POS] = pos;

  const mode = S[MODE]!;
  if (mode === MODE_XOR) return readXor(w, i, false);
  if (mode === MODE_START) {
    // '0' stale; '10' a raw value that leaves the mode as it is; '110' e, z and the first mantissa, which enter
    // decimal mode; '111' a raw value that enters XOR mode.
    const ones = Math.clz32(~peek32(w, pos));
    if (ones === 0) {
      S[POS] = pos + 1;
      return STALE;
    }
    if (ones === 2) {
      const e = bitsAt(w, pos + 3, 4);
      const z = bitsAt(w, pos + 7, 6);
      const n = bitsAt(w, pos + 13, 6);
      if (n > 53) throw corrupt(`sample ${i}: a mantissa of ${n} bits`);
      const m = unzigzag(uintAt(w, pos + 19, n));
      S[POS] = pos + 19 + n;
      S[E] = e;
      S[Z] = z;
      S[MODE] = MODE_DECIMAL;
      const q = quantum(e, z);
      F[Q] = q;
      F[M1] = m;
      F[NUM] = m / q;
      return NUMBER;
    }
    const at = pos + (ones === 1 ? 2 : 3);
    const hi = (U[V_HI] = uintAt(w, at, 32));
    const lo = (U[V_LO] = uintAt(w, at + 32, 32));
    S[POS] = at + 64;
    if (ones >= 3) {
      U[X_HI] = hi;
      U[X_LO] = lo;
      S[MODE] = MODE_XOR;
    }
    return BITS;
  }

  // Decimal mode: a residual code, or Stale, Raw, or Recode (a rescale, or the switch to XOR).
  const u = readResidual(w, pos, S[V_K]!, i);
  if (u >= 0) {
    F[V_RESIDUAL] = u;
    return NUMBER;
  }
  const escape = -1 - u;
  pos = S[POS]!;
  if (escape === ESC_STALE) return STALE;
  if (escape === ESC_RAW) {
    U[V_HI] = U[RAW_HI] = uintAt(w, pos, 32);
    U[V_LO] = U[RAW_LO] = uintAt(w, pos + 32, 32);
    S[POS] = pos + 64;
    S[LAST_RAW] = 1;
    return BITS;
  }
  S[POS] = pos + 1;
  if (bitsAt(w, pos, 1) === 1) return switchToXor(w, i);
  // Rescale to e2 >= e decimals and z2 <= z binary zeros; m1, d1 and the mean step keep their meaning.
  const e = S[E]!;
  const z = S[Z]!;
  const e2 = bitsAt(w, pos + 1, 4);
  const z2 = bitsAt(w, pos + 5, 6);
  if (e2 < e || z2 > z) throw corrupt(`sample ${i}: a rescale to a coarser scale`);
  const by = POW10[e2 - e]! * POW2[z - z2]!;
  const m1 = (F[M1] *= by);
  const d1 = (F[D1] *= by);
  const mean = (F[MEAN] *= by);
  if (!(Math.abs(m1) < MANTISSA_LIMIT && Math.abs(d1) < DECIMAL_STEP_LIMIT && Math.abs(mean) < DECIMAL_STEP_LIMIT)) {
    throw corrupt(`sample ${i}: a rescale beyond the exact range`);
  }
  S[E] = e2;
  S[Z] = z2;
  F[Q] = quantum(e2, z2);
  const next = readResidual(w, pos + 11, S[V_K]!, i);
  if (next < 0) throw corrupt(`sample ${i}: an escape after a rescale`);
  F[V_RESIDUAL] = next;
  return NUMBER;
}

/**
 * Reads the residual code at bit `pos` for a model with parameter k: u >= 0 (plain or Large), or -1 - kind for the
 * other escapes, whose payload the caller reads. Leaves S[POS] after what it read.
 */
function readResidual(w: Int32Array, pos: number, k: number, i: number): number {
  const x = peek32(w, pos);
  const ones = Math.clz32(~x);
  if (ones < ESCAPE_RUN) {
    S[POS] = pos + ones + 1 + k;
    return ones * POW2[k]! + uintAt(w, pos + ones + 1, k);
  }
  const kind = (x >>> 14) & 3;
  if (kind !== ESC_LARGE) {
    S[POS] = pos + ESCAPE_RUN + 2;
    return -1 - kind;
  }
  const n = bitsAt(w, pos + ESCAPE_RUN + 2, 6);
  if (n > 53) throw corrupt(`sample ${i}: a residual of ${n} bits`);
  S[POS] = pos + ESCAPE_RUN + 8 + n;
  return uintAt(w, pos + ESCAPE_RUN + 8, n);
}

/** Recode + '1': XOR for the rest of the chunk, from the last value that was not stale. */
function switchToXor(w: Int32Array, i: number): number {
  if (S[LAST_RAW] === 1) {
    U[X_HI] = U[RAW_HI]!;
    U[X_LO] = U[RAW_LO]!;
  } else {
    F64[0] = F[M1]! / F[Q]!;
    U[X_HI] = U32[HI]!;
    U[X_LO] = U32[LO]!;
  }
  S[LEAD] = 65;
  S[TRAIL] = 0;
  S[MODE] = MODE_XOR;
  return readXor(w, i, true);
}

/** Gorilla's codes (chunks.md, "XOR mode"): '0' the same bits, '10' the current window, '11' a new window. */
function readXor(w: Int32Array, i: number, switched: boolean): number {
  let pos = S[POS]!;
  const x = peek32(w, pos);
  if (x >= 0) {
    S[POS] = pos + 1;
  } else {
    let sig: number;
    if ((x & 0x40000000) === 0) {
      pos += 2;
      if (S[LEAD]! > 64) throw corrupt(`sample ${i}: an XOR code before the first window`);
      sig = 64 - S[LEAD]! - S[TRAIL]!;
    } else {
      const lead = (x >>> 25) & 31;
      sig = (x >>> 19) & 63 || 64;
      pos += 13;
      if (lead + sig > 64) {
        // Only L = 31, S = 63 is free for the stale marker, and the switch to XOR carries a value, never one.
        if (lead !== 31 || sig !== 63 || switched) throw corrupt(`sample ${i}: an impossible XOR window`);
        S[POS] = pos;
        return STALE;
      }
      S[LEAD] = lead;
      S[TRAIL] = 64 - lead - sig;
    }
    const wide = sig > 32;
    const hi = wide ? uintAt(w, pos, sig - 32) : 0;
    const lo = wide ? uintAt(w, pos + sig - 32, 32) : uintAt(w, pos, sig);
    S[POS] = pos + sig;
    // The meaningful bits sit `trail` bits above the bottom; Uint32Array stores keep the low 32 bits of ^ and <<.
    const trail = S[TRAIL]!;
    if (trail === 0) {
      U[X_HI] ^= hi;
      U[X_LO] ^= lo;
    } else if (trail >= 32) {
      U[X_HI] ^= lo << (trail - 32);
    } else {
      U[X_HI] ^= (hi << trail) | (lo >>> (32 - trail));
      U[X_LO] ^= lo << trail;
    }
  }
  U[V_HI] = U[X_HI]!;
  U[V_LO] = U[X_LO]!;
  return BITS;
}
