/** First header byte: the chunk format this module writes and reads (chunks.md). */
export const CHUNK_FORMAT = 1;
/** Format byte and 16-bit sample count. */
export const CHUNK_HEADER_BYTES = 3;
export const CHUNK_MAX_SAMPLES = 0xffff;
/** Timestamps are integers in [-2^51, 2^51) ms, so every delta-of-delta is exact in float64 (chunks.md). */
export const TIMESTAMP_LIMIT = 2 ** 51;

