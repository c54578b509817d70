// The LMDB keys and values of stored chunks and head records (STORAGE.md, "On disk").
import { DEFAULT_CHUNK_LIMITS, TIMESTAMP_LIMIT, XorChunk } from './tsdb/index.ts';

/**
 * No chunk spans more than this, so a read for [mint, maxt] finds every chunk that can hold a sample in it by
 * starting its key scan at mint − MAX_CHUNK_SPAN_MS, without a per-chunk index in memory. Four hours keeps full
 * 240-sample chunks for series sampled every minute or faster. A format constant: stored chunks rely on it.
 */
export const MAX_CHUNK_SPAN_MS = 4 * 3_600_000;

export interface ChunkLimits {
  readonly maxSamples: number;
  readonly maxBytes: number;
}

/** Whether a chunk must be cut before a sample at t joins it. */
export function mustCut(chunk: XorChunk, t: number, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): boolean {
  return chunk.numSamples >= limits.maxSamples || chunk.byteLength >= limits.maxBytes || t - chunk.minT >= MAX_CHUNK_SPAN_MS;
}

/** Appends samples in time order, cutting chunks by the same rule as the head. */
export class ChunkWriter {
  readonly done: XorChunk[] = [];
  private open: XorChunk | undefined;

  constructor(private readonly limits: ChunkLimits = DEFAULT_CHUNK_LIMITS) {}

  push(t: number, v: number, stale: boolean): void {
    if (this.open !== undefined && mustCut(this.open, t, this.limits)) {
      this.done.push(this.open);
      this.open = undefined;
    }
    (this.open ??= new XorChunk()).append(t, v, stale);
  }

  finish(): XorChunk[] {
    if (this.open !== undefined) this.done.push(this.open);
    this.open = undefined;
    return this.done;
  }
}

/** Timestamps a chunk can hold; anything else is clamped to this range when it bounds a key scan. */
export const MIN_T = -TIMESTAMP_LIMIT;
export const MAX_T = TIMESTAMP_LIMIT - 1;

export const clampT = (t: number): number => (t < MIN_T ? MIN_T : t > MAX_T ? MAX_T : Math.floor(t));

export const CHUNK_KEY_BYTES = 20;
const TWO_32 = 2 ** 32;

/**
 * series id (u32) | minT + 2^51 (u64) | chunk sequence number (u64), all big-endian: LMDB's byte order is then
 * (series, minT, seq), so one series' chunks are adjacent and in time order.
 */
export function chunkKey(id: number, minT: number, seq: number): Buffer {
  const key = Buffer.allocUnsafe(CHUNK_KEY_BYTES);
  key.writeUInt32BE(id, 0);
  const biased = clampT(minT) + TIMESTAMP_LIMIT;
  key.writeUInt32BE(Math.floor(biased / TWO_32), 4);
  key.writeUInt32BE(biased % TWO_32, 8);
  key.writeUInt32BE(Math.floor(seq / TWO_32), 12);
  key.writeUInt32BE(seq % TWO_32, 16);
  return key;
}

export interface ChunkKey {
  readonly id: number;
  readonly minT: number;
  readonly seq: number;
}

export function parseChunkKey(key: Uint8Array): ChunkKey {
  const b = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    id: b.readUInt32BE(0),
    minT: b.readUInt32BE(4) * TWO_32 + b.readUInt32BE(8) - TIMESTAMP_LIMIT,
    seq: b.readUInt32BE(12) * TWO_32 + b.readUInt32BE(16),
  };
}

const VALUE_HEADER_BYTES = 9;
const FLAG_OOO = 1;

/**
 * flags (u8: bit 0 = out-of-order chunk) | maxT (f64, big-endian) | the chunk's bytes (tsdb/chunks.md). maxT lets
 * a read skip a chunk that ends before its range without decoding it.
 */
export function chunkValue(ooo: boolean, maxT: number, chunk: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(VALUE_HEADER_BYTES + chunk.length);
  value[0] = ooo ? FLAG_OOO : 0;
  value.writeDoubleBE(maxT, 1);
  value.set(chunk, VALUE_HEADER_BYTES);
  return value;
}

export interface ChunkValue {
  readonly ooo: boolean;
  readonly maxT: number;
  readonly chunk: Uint8Array;
}

export function parseChunkValue(value: Uint8Array): ChunkValue {
  const b = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return { ooo: ((b[0] as number) & FLAG_OOO) !== 0, maxT: b.readDoubleBE(1), chunk: b.subarray(VALUE_HEADER_BYTES) };
}

/** Samples in a chunk, from its header, without decoding it. */
export const chunkSamples = (chunk: Uint8Array): number => ((chunk[1] as number) << 8) | (chunk[2] as number);

const HEAD_FORMAT = 1;

/** What a series' head record keeps between checkpoints: see STORAGE.md, "Head records". */
export interface HeadRecord {
  /** Newest in-order timestamp: the out-of-order window and the in-order test are relative to it. */
  readonly maxT: number;
  /** The open in-order chunk, if any. */
  readonly head: Uint8Array | undefined;
  /** The out-of-order samples not yet cut, as one chunk, if any. */
  readonly ooo: Uint8Array | undefined;
}

/** format (u8 = 1) | maxT (f64 BE) | head length (u32 BE, 0 for none) | head chunk | out-of-order chunk (rest). */
export function encodeHeadRecord({ maxT, head, ooo }: HeadRecord): Buffer {
  const headLength = head?.length ?? 0;
  const out = Buffer.allocUnsafe(13 + headLength + (ooo?.length ?? 0));
  out[0] = HEAD_FORMAT;
  out.writeDoubleBE(maxT, 1);
  out.writeUInt32BE(headLength, 9);
  if (head !== undefined) out.set(head, 13);
  if (ooo !== undefined) out.set(ooo, 13 + headLength);
  return out;
}

export function decodeHeadRecord(value: Uint8Array): HeadRecord {
  const b = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (b[0] !== HEAD_FORMAT || b.length < 13) throw new Error(`head record of format ${b[0]} and ${b.length} bytes is not one this build reads`);
  const headLength = b.readUInt32BE(9);
  // Copies: the record's buffer may be reused by LMDB's reader.
  const head = headLength > 0 ? Uint8Array.prototype.slice.call(b, 13, 13 + headLength) : undefined;
  const ooo = b.length > 13 + headLength ? Uint8Array.prototype.slice.call(b, 13 + headLength) : undefined;
  return { maxT: b.readDoubleBE(1), head, ooo };
}
