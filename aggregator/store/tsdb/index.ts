export { ChunkError, type ChunkErrorCode } from './chunk-error.ts';
export { CHUNK_FORMAT, CHUNK_MAX_SAMPLES, TIMESTAMP_LIMIT } from './chunk-format.ts';
export { chunkFirstT, chunkSampleCount, decodeChunk, decodeRange, type ChunkColumns } from './chunk-decode.ts';
export { ChunkIterator } from './chunk-iterator.ts';
export { DEFAULT_CHUNK_LIMITS, XorChunk } from './xor-chunk.ts';
