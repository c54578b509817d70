import { loadWords, uintAt } from './bitstream.ts';
import { CHUNK_FORMAT, CHUNK_HEADER_BYTES, TIMESTAMP_LIMIT } from './chunk-format.ts';
import * as scale from './decimal-scale.ts';
import * as state from './decode-state.ts';
import { HI, LO } from './float-bits.ts';
import * as sample from './read-sample.ts';
import * as rice from './residual.ts';
import { MODE_DECIMAL } from './value-encoder.ts';

// What the loop uses, as module-local constants. V8 reads an imported binding through the exporting module's cell,
// with a check for an uninitialised binding, at every use: with the slot numbers and helpers imported directly the
// loop ran at 33 M samples/s instead of 46 (bench/chunk-codec.ts, Node 20 through tsx).
const { corrupt, resetDecodeState, S, F, U, NUMBER, STALE } = state;
const { POS, T_K, V_K, MODE, LAST_RAW } = state;
const { T, DELTA, Q, M1, D1, MEAN, ERR_DELTA, ERR_DOD, ERR_MEAN, NUM, T_RESIDUAL, V_RESIDUAL } = state;
const { V_HI, V_LO } = state;
const { ESCAPE_RUN, POW2, RICE_WINDOW, riceCap, riceK, unzigzag } = rice;
const { roundHalfUp } = scale;
const { readSample } = sample;

/**
 * Columns that the decoder fills; `stale` holds 1 for a stale marker, whose value slot is NaN. The same shape as
 * promql/columns.ts' ColumnSpace, so the store decodes straight into the engine's columns.
 */
export interface ChunkColumns {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly stale: Uint8Array;
}

/** The loop's own residual codes carry u < 2^35, so a model sum below this stays in riceK's exact range (2^48). */
const FAST_SUM_LIMIT = 2 ** 46;

/** The sample count from a chunk's header; throws ChunkError ('corrupt') on a header this format never writes. */
export function chunkSampleCount(bytes: Uint8Array): number {
  if (bytes.length < CHUNK_HEADER_BYTES || bytes[0] !== CHUNK_FORMAT) {
    throw corrupt(`not a chunk of format ${CHUNK_FORMAT} (${bytes.length} bytes, first byte ${bytes[0]})`);
  }
  const count = (bytes[1]! << 8) | bytes[2]!;
  if (count === 0 && bytes.length !== CHUNK_HEADER_BYTES) throw corrupt('an empty chunk has trailing bytes');
  return count;
}

/** The first timestamp of a chunk that has samples, without decoding the rest. */
export function chunkFirstT(bytes: Uint8Array): number {
  if (chunkSampleCount(bytes) === 0) throw corrupt('an empty chunk has no first timestamp');
  return uintAt(loadWords(bytes, CHUNK_HEADER_BYTES, bytes.length), 0, 52) - TIMESTAMP_LIMIT;
}

/** Decodes a whole chunk into columns (sized at least to its sample count) and returns the sample count. */
export function decodeChunk(bytes: Uint8Array, out: ChunkColumns, at = 0): number {
  return decodeRange(bytes, -Infinity, Infinity, out, at);
}

/**
 * Decodes the samples with lo <= t <= hi into the columns from index `at` (room for the chunk's sample count is
 * enough) and returns how many it wrote. It stops after the first sample past hi. Values are written as bits when
 * they came as bits, so every NaN payload survives. Throws ChunkError ('corrupt') on bytes this format cannot have
 * produced, among the samples it decoded; the length check needs the last sample. chunks.md is the format; the
 * encoder's counterparts are residual.ts, decimal-scale.ts (DecimalState) and xor-values.ts.
 */
export function decodeRange(bytes: Uint8Array, lo: number, hi: number, out: ChunkColumns, at: number): number {
  return decodeColumns(bytes, lo, hi, out.ts, out.vs, out.stale, at);
}

/**
 * decodeRange's loop, which takes the columns as arrays: compiled code that read them from an object would depend
 * on the types V8 has seen in that object's fields, and be thrown away when another caller's object widens them.
 *
 * The loop reads the common codes itself: in decimal mode, a timestamp residual and a value residual that each
 * fit in one peeked word (nearly every sample of a decimal chunk). readSample reads all the others. Either way the
 * loop then folds the residuals into the Rice models, the timestamp and the decimal predictor. The hot code is
 * written out here rather than called: V8 inlines at most ~920 bytes of bytecode into one function.
 */
function decodeColumns(
  bytes: Uint8Array,
  lo: number,
  hi: number,
  ts: Float64Array,
  vs: Float64Array,
  stales: Uint8Array,
  at: number,
): number {
  const count = chunkSampleCount(bytes);
  if (count === 0) return 0;
  const w = loadWords(bytes, CHUNK_HEADER_BYTES, bytes.length);
  const endBit = (bytes.length - CHUNK_HEADER_BYTES) * 8;
  resetDecodeState();
  let j = at;
  let bits: Uint32Array | undefined;
  // What readSample does not need lives in locals here, and what it shares is copied around each call: a typed-array
  // slot costs a few instructions per access. These are integers, small in practice, which V8 keeps unboxed even in
  // on-stack-compiled code; the timestamp and the predictor's fractions stay in F (decode-state.ts says why).
  let pos = 0;
  let tk = 0;
  let tCount = 1;
  let tSum = 0;
  let delta = 0;
  let vk = 0;
  let vCount = 1;
  let vSum = 0;
  let lastRaw = 0;
  let i = 0;
  while (i < count) {
    // A sample whose codes readSample reads: the first two of every chunk, and any the inner loop declines.
    S[POS] = pos;
    S[T_K] = tk;
    S[V_K] = vk;
    S[LAST_RAW] = lastRaw;
    let kind = readSample(w, i);
    pos = S[POS]!;
    lastRaw = S[LAST_RAW]!;
    if (i === 1) delta = F[DELTA]!;
    const decimal = S[MODE] === MODE_DECIMAL;
    let tu = F[T_RESIDUAL]!;
    let vu = F[V_RESIDUAL]!;
    for (;;) {
      let t = F[T]!;
      if (tu >= 0) {
        // The timestamp model (RiceModel.update), then the delta-of-delta.
        const cap = riceCap(tk);
        tSum += tu < cap ? tu : cap;
        if (++tCount === RICE_WINDOW) {
          tSum = Math.floor(tSum / 2);
          tCount = RICE_WINDOW / 2;
        }
        tk = riceK(tk, tSum, tCount);
        delta += unzigzag(tu);
        if (delta < 1) throw corrupt(`sample ${i}: timestamps do not increase`);
        t += delta;
        F[T] = t;
      }
      let num = 0;
      if (vu >= 0) {
        // The value model, then the predictor (DecimalState.predict and accept, in their order).
        const cap = riceCap(vk);
        vSum += vu < cap ? vu : cap;
        if (++vCount === RICE_WINDOW) {
          vSum = Math.floor(vSum / 2);
          vCount = RICE_WINDOW / 2;
        }
        vk = riceK(vk, vSum, vCount);
        const m1 = F[M1]!;
        const d1 = F[D1]!;
        const mean = F[MEAN]!;
        const errDelta = F[ERR_DELTA]!;
        const errDod = F[ERR_DOD]!;
        const errMean = F[ERR_MEAN]!;
        const meanStep = roundHalfUp(mean);
        const m = unzigzag(vu) + (errMean < errDelta && errMean < errDod ? m1 + meanStep : errDod < errDelta ? m1 + d1 : m1);
        const d = m - m1;
        const dd = d - d1;
        const dm = d - meanStep;
        F[ERR_DELTA] = errDelta + (Math.abs(d) - errDelta / 8);
        F[ERR_DOD] = errDod + (Math.abs(dd) - errDod / 8);
        F[ERR_MEAN] = errMean + (Math.abs(dm) - errMean / 8);
        F[MEAN] = mean + (d - mean) / 8;
        F[D1] = d;
        F[M1] = m;
        lastRaw = 0;
        // A rescale in readSample has already set the new q.
        num = m / F[Q]!;
      } else if (kind === NUMBER) {
        num = F[NUM]!;
      }

      if (pos > endBit) throw corrupt(`sample ${i} does not decode: it ends past the last byte`);
      if (t > hi) return j - at;
      if (t >= lo) {
        ts[j] = t;
        if (kind === NUMBER) {
          vs[j] = num;
          stales[j] = 0;
        } else {
          bits = writeOther(kind, vs, stales, j, bits);
        }
        j++;
      }

      if (++i === count) break;
      // The next sample, if both its codes are common: in decimal mode, a timestamp residual and a value residual
      // that each fit in one peeked word (nearly every sample of a decimal chunk). peek32, written out, twice.
      const x = (w[pos >>> 5]! << (pos & 31)) | ((w[(pos >>> 5) + 1]! >>> 1) >>> (31 - (pos & 31)));
      const ones = Math.clz32(~x);
      const vPos = pos + ones + 1 + tk;
      const vx = (w[vPos >>> 5]! << (vPos & 31)) | ((w[(vPos >>> 5) + 1]! >>> 1) >>> (31 - (vPos & 31)));
      const vOnes = Math.clz32(~vx);
      // Neither unary run is an escape (16 ones), both codes fit their word (ones + 1 + k <= 32), and both sums stay
      // where riceK is exact.
      if (
        !decimal ||
        i < 2 ||
        (ones | vOnes) >= ESCAPE_RUN ||
        ((ones + tk) | (vOnes + vk)) >= 32 ||
        tSum + vSum >= FAST_SUM_LIMIT
      ) {
        break;
      }
      // A unary quotient, its terminating zero, then k remainder bits. Shifting >>> 1 first makes k = 0 a shift
      // by 31, which yields 0, rather than by 32, which JavaScript takes as no shift at all.
      tu = ones * POW2[tk]! + (((x << (ones + 1)) >>> 1) >>> (31 - tk));
      vu = vOnes * POW2[vk]! + (((vx << (vOnes + 1)) >>> 1) >>> (31 - vk));
      pos = vPos + vOnes + 1 + vk;
      kind = NUMBER;
    }
  }
  if ((pos + 7) >>> 3 !== endBit >>> 3) {
    throw corrupt(`${count} samples end at bit ${pos}, but the chunk has ${bytes.length} bytes`);
  }
  return j - at;
}

/**
 * Writes a value that came as bits, through a Uint32Array view of the column so that NaN payloads survive, or a
 * stale marker. Returns the view, made at the first such value of a chunk, for the next ones.
 */
function writeOther(kind: number, vs: Float64Array, stales: Uint8Array, j: number, view: Uint32Array | undefined): Uint32Array | undefined {
  if (kind === STALE) {
    vs[j] = NaN;
    stales[j] = 1;
    return view;
  }
  const bits = view ?? new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  bits[2 * j + HI] = U[V_HI]!;
  bits[2 * j + LO] = U[V_LO]!;
  stales[j] = 0;
  return bits;
}
