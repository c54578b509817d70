/**
 * Why a chunk refused a sample or could not be read. The head decides what to do with a refused sample (the
 * out-of-order path, a duplicate, a new chunk); the chunk itself only guarantees it never stores one wrongly.
 */
export type ChunkErrorCode =
  | 'out_of_order' // t is below the chunk's last timestamp
  | 'duplicate_timestamp' // t equals the chunk's last timestamp
  | 'timestamp_range' // t is not an integer within ±2^51 ms (see chunks.md, "Timestamps")
  | 'chunk_full' // the 16-bit sample count is exhausted
  | 'corrupt'; // bytes that this format cannot have produced

export class ChunkError extends Error {
  constructor(
    readonly code: ChunkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChunkError';
  }
}
