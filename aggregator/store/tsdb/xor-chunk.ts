import { BitWriter } from './bitstream.ts';
import { ChunkError } from './chunk-error.ts';
import { CHUNK_FORMAT, CHUNK_HEADER_BYTES, CHUNK_MAX_SAMPLES, TIMESTAMP_LIMIT } from './chunk-format.ts';
import { ChunkIterator } from './chunk-iterator.ts';
import { RiceModel, writeResidual, zigzag } from './residual.ts';
import { MODE_DECIMAL, ValueEncoder } from './value-encoder.ts';

/**
 * When the head should cut a chunk and start the next one: 240 samples (one hour at 15 s) or 1 KiB, whichever
 * comes first. See chunks.md, "Chunk size", for why this suits LMDB values better than Prometheus' 120.
 */
export const DEFAULT_CHUNK_LIMITS = { maxSamples: 240, maxBytes: 1024 } as const;

/**
 * An append-only compressed chunk of (t, v, stale) samples with strictly increasing timestamps: delta-of-delta
 * timestamps and decimal-or-XOR values in one bit stream (chunks.md). Appending is O(1) and allocates nothing
 * but the occasional doubling of the byte buffer; `bytes()` is the stored form, readable by ChunkIterator at any
 * time, including while the chunk still grows.
 */
export class XorChunk {
  private readonly w = new BitWriter(128);
  private readonly values = new ValueEncoder();
  private readonly dodModel = new RiceModel();
  private count = 0;
  private first = Infinity;
  private last = -Infinity;
  private delta = 0;

  /** Rebuilds an appendable chunk from its bytes (after a restart, to keep filling the head's open chunk). */
  static fromBytes(bytes: Uint8Array): XorChunk {
    const chunk = new XorChunk();
    const it = new ChunkIterator(bytes);
    while (it.next()) chunk.append(it.t, it.v, it.stale);
    return chunk;
  }

  get numSamples(): number {
    return this.count;
  }

  /** First timestamp; +Infinity while empty, so an empty chunk overlaps no range. */
  get minT(): number {
    return this.first;
  }

  /** Last timestamp; -Infinity while empty. */
  get maxT(): number {
    return this.last;
  }

  /** Size of `bytes()`, for cutting chunks at a byte budget. */
  get byteLength(): number {
    return CHUNK_HEADER_BYTES + this.w.byteLength;
  }

  /** Whether the values are still decimal-coded: what the benchmark reports, and a hint for tuning. */
  get decimal(): boolean {
    return this.values.mode === MODE_DECIMAL;
  }

  /**
   * Appends one sample. A stale sample's value is not stored (it reads back as NaN with `stale` set). Throws
   * ChunkError when t is not after the last timestamp, is not a whole number of ms in range, or the chunk is full;
   * nothing is written then.
   */
  append(t: number, v: number, stale = false): void {
    const last = this.last;
    if (!(t > last)) throw this.refusal(t);
    if (!Number.isInteger(t) || t >= TIMESTAMP_LIMIT || t < -TIMESTAMP_LIMIT) {
      throw new ChunkError('timestamp_range', `timestamp ${t} is not an integer in [-2^51, 2^51) ms`);
    }
    const n = this.count;
    if (n === CHUNK_MAX_SAMPLES) throw new ChunkError('chunk_full', `chunk holds ${n} samples, the most its 16-bit count allows`);
    const w = this.w;
    if (n >= 2) {
      const d = t - last;
      writeResidual(w, this.dodModel, zigzag(d - this.delta));
      this.delta = d;
    } else if (n === 1) {
      this.delta = t - last;
      w.writeVarBits(this.delta);
    } else {
      w.writeInt(t + TIMESTAMP_LIMIT, 52);
      this.first = t;
    }
    this.last = t;
    this.values.write(w, v, stale);
    this.count = n + 1;
  }

  /** The stored form: header, then the bit stream padded with zero bits to a whole byte. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    out[0] = CHUNK_FORMAT;
    out[1] = this.count >>> 8;
    out[2] = this.count & 0xff;
    this.w.copyTo(out, CHUNK_HEADER_BYTES);
    return out;
  }

  iterator(): ChunkIterator {
    return new ChunkIterator(this.bytes());
  }

  private refusal(t: number): ChunkError {
    if (t === this.last) return new ChunkError('duplicate_timestamp', `timestamp ${t} is already in the chunk`);
    if (Number.isNaN(t)) return new ChunkError('timestamp_range', 'timestamp NaN is not an integer');
    return new ChunkError('out_of_order', `timestamp ${t} is before the chunk's last timestamp ${this.last}`);
  }
}
