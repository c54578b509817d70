import { ChunkError } from './chunk-error.ts';
import { MODE_START } from './value-encoder.ts';

/*
 * The chunk decoder's state (chunk-decode.ts, read-sample.ts). What is not a small integer lives in typed arrays,
 * never in locals that the sample loop carries: V8 may compile the loop on-stack (OSR) after a deoptimisation, and
 * in that code loop-carried locals are tagged, so each non-integer one was boxed afresh every sample (~90 bytes per
 * sample, half the decoder's time); typed-array slots stay raw numbers in any compiled code. The loop keeps its
 * integers (bit position, the Rice models' k, counts and sums) in locals and copies what readSample needs around
 * each call. Decoding is synchronous and never re-entered, so one set of arrays serves every call.
 */

/** Integers. */
export const S = new Int32Array(9);
export const POS = 0; // the bit position in the chunk's words
export const T_K = 1; // the Rice models' k (their sums and counts live in decodeRange's loop)
export const V_K = 2;
export const MODE = 3; // MODE_START, MODE_DECIMAL or MODE_XOR (value-encoder.ts)
export const E = 4; // the decimal scale's exponents, q = 10^e / 2^z
export const Z = 5;
export const LAST_RAW = 6; // 1 when the last value that was not stale came Raw: a switch to XOR starts from it
export const LEAD = 7; // the XOR window; 65 leading zeros means none yet
export const TRAIL = 8;

/** Doubles. */
export const F = new Float64Array(12);
export const T = 0; // the last timestamp
export const DELTA = 1; // the first delta, which readSample decodes
export const Q = 2; // q(e, z)
export const M1 = 3; // the predictor (DecimalState): last mantissa, last step, mean step and error averages
export const D1 = 4;
export const MEAN = 5;
export const ERR_DELTA = 6;
export const ERR_DOD = 7;
export const ERR_MEAN = 8;
export const NUM = 9; // the sample's value, when readSample decoded it as a number
export const T_RESIDUAL = 10; // the sample's residual codes, for the loop to apply; -1 when there is none
export const V_RESIDUAL = 11;

/** 32-bit halves of doubles, so that values that came as bits keep every NaN payload. */
export const U = new Uint32Array(6);
export const X_HI = 0; // the previous XOR value (XorState)
export const X_LO = 1;
export const RAW_HI = 2; // the last value sent Raw in decimal mode
export const RAW_LO = 3;
export const V_HI = 4; // the sample's value, when it came as bits
export const V_LO = 5;

// What a sample's value is.
export const NUMBER = 0;
export const BITS = 1;
export const STALE = 2;

/** The state at the start of a chunk: Start mode, no XOR window, q = 1 (chunks.md). */
export function resetDecodeState(): void {
  S.fill(0);
  S[MODE] = MODE_START;
  S[LEAD] = 65;
  F.fill(0);
  F[Q] = 1;
}

export function corrupt(message: string): ChunkError {
  return new ChunkError('corrupt', message);
}
