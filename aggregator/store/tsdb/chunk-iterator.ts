import { chunkSampleCount, decodeRange, type ChunkColumns } from './chunk-decode.ts';

/**
 * Walks a chunk's samples in order: call next(), then read t, v and stale. The first next() decodes the whole chunk
 * (at most a few kilobytes of columns) with decodeRange, the one decoder there is; stepping is then array reads.
 * Throws ChunkError ('corrupt') on a header this format cannot have produced, and on any other damage at the first
 * next().
 */
export class ChunkIterator {
  /** Number of samples in the chunk. */
  readonly length: number;
  private cols: ChunkColumns | undefined;
  private index = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.length = chunkSampleCount(bytes);
  }

  /** Timestamp of the current sample (valid after next() returned true). */
  get t(): number {
    return this.cols === undefined ? NaN : this.cols.ts[this.index - 1]!;
  }

  /** The current value; NaN for a stale marker. */
  get v(): number {
    return this.cols === undefined ? NaN : this.cols.vs[this.index - 1]!;
  }

  get stale(): boolean {
    return this.cols !== undefined && this.cols.stale[this.index - 1] === 1;
  }

  /** Samples read so far. */
  get position(): number {
    return this.index;
  }

  next(): boolean {
    if (this.index === this.length) return false;
    if (this.cols === undefined) {
      const n = this.length;
      const cols = { ts: new Float64Array(n), vs: new Float64Array(n), stale: new Uint8Array(n) };
      decodeRange(this.bytes, -Infinity, Infinity, cols, 0);
      this.cols = cols;
    }
    this.index++;
    return true;
  }

  /** Advances to the first sample at or after t (staying put if the current one is); false when none is left. */
  seek(t: number): boolean {
    if (this.index > 0 && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }
}
