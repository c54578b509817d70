import { BitReader } from './bitstream.ts';
import { ChunkError } from './chunk-error.ts';
import { HI, LO } from './float-bits.ts';
import { CHUNK_FORMAT, CHUNK_HEADER_BYTES, TIMESTAMP_LIMIT } from './chunk-format.ts';
import { readResidual, RiceModel, unzigzag } from './residual.ts';
import { ValueDecoder } from './value-decoder.ts';

/** Columns that decodeChunk fills; `stale` holds 1 for a stale marker, whose value slot is NaN. */
export interface SampleColumns {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly stale: Uint8Array;
}

/**
 * Walks a chunk's samples in order without allocating: call next(), then read t, v and stale. Throws ChunkError
 * ('corrupt') on bytes this format cannot have produced, at the latest when the last sample is read.
 */
export class ChunkIterator {
  /** Number of samples in the chunk. */
  readonly length: number;
  private time = NaN;
  private readonly r: BitReader;
  private readonly values = new ValueDecoder();
  private readonly dodModel = new RiceModel();
  private index = 0;
  private delta = 0;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < CHUNK_HEADER_BYTES || bytes[0] !== CHUNK_FORMAT) {
      throw new ChunkError('corrupt', `not a chunk of format ${CHUNK_FORMAT} (${bytes.length} bytes, first byte ${bytes[0]})`);
    }
    this.length = (bytes[1]! << 8) | bytes[2]!;
    if (this.length === 0 && bytes.length !== CHUNK_HEADER_BYTES) throw corrupt('an empty chunk has trailing bytes');
    this.r = new BitReader(bytes, CHUNK_HEADER_BYTES, bytes.length);
  }

  /** Timestamp of the current sample (valid after next() returned true). */
  get t(): number {
    return this.time;
  }

  get v(): number {
    return this.values.stale ? NaN : this.values.value;
  }

  get stale(): boolean {
    return this.values.stale;
  }

  /** Samples read so far. */
  get position(): number {
    return this.index;
  }

  next(): boolean {
    const i = this.index;
    if (i === this.length) return false;
    const r = this.r;
    if (i >= 2) {
      const u = readResidual(r, this.dodModel);
      if (u < 0) throw corrupt(`sample ${i}: an escape that timestamps do not use`);
      this.delta += unzigzag(u);
      this.time += this.delta;
    } else if (i === 1) {
      this.delta = r.readVarBits();
      this.time += this.delta;
    } else {
      this.time = r.readInt(52) - TIMESTAMP_LIMIT;
    }
    this.values.read(r);
    if (this.values.corrupt || r.overrun || (i !== 0 && this.delta < 1)) throw corrupt(`sample ${i} does not decode`);
    this.index = i + 1;
    if (this.index === this.length && (r.bitsRead + 7) >>> 3 !== this.bytes.length - CHUNK_HEADER_BYTES) {
      throw corrupt(`${this.length} samples end at bit ${r.bitsRead}, but the chunk has ${this.bytes.length} bytes`);
    }
    return true;
  }

  /** Advances to the first sample at or after t (staying put if the current one is); false when none is left. */
  seek(t: number): boolean {
    if (this.index > 0 && this.time >= t) return true;
    while (this.next()) if (this.time >= t) return true;
    return false;
  }

  /**
   * Decodes the remaining samples into the columns from index `at` (they must have room) and returns how many were
   * written. Values are copied as bits, so every NaN payload survives.
   */
  readInto(out: SampleColumns, at = 0): number {
    const bits = new Uint32Array(out.v.buffer, out.v.byteOffset, out.v.length * 2);
    const values = this.values;
    let j = at;
    while (this.next()) {
      out.t[j] = this.time;
      if (values.stale) {
        out.stale[j] = 1;
        out.v[j] = NaN;
      } else {
        out.stale[j] = 0;
        if (values.bits) {
          bits[2 * j + HI] = values.hi;
          bits[2 * j + LO] = values.lo;
        } else {
          out.v[j] = values.num;
        }
      }
      j++;
    }
    return j - at;
  }
}

/** Decodes a whole chunk into columns (sized at least to its sample count) and returns the sample count. */
export function decodeChunk(bytes: Uint8Array, out: SampleColumns, at = 0): number {
  return new ChunkIterator(bytes).readInto(out, at);
}

function corrupt(message: string): ChunkError {
  return new ChunkError('corrupt', message);
}
