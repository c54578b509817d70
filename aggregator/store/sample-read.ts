import type { Database } from 'lmdb';
import { ColumnBuilder, columnsOf, samplesOf, type SampleColumns } from '../../promql/columns.ts';
import type { StoredSample } from '../../promql/value.ts';
import { chunkKey, clampT, MAX_CHUNK_SPAN_MS, MAX_T, MIN_T, parseChunkKey, parseChunkValue } from './chunk-layout.ts';
import type { MemSeries } from './mem-series.ts';
import type { OooBuffer } from './ooo-buffer.ts';
import { chunkSampleCount, ChunkIterator, decodeRange } from './tsdb/index.ts';

/** A chunk, stored or in memory. */
export interface ChunkRef {
  readonly minT: number;
  readonly maxT: number;
  readonly seq: number;
  readonly ooo: boolean;
  readonly bytes: Uint8Array;
}

/** A stored chunk with its LMDB key. */
export interface StoredChunk extends ChunkRef {
  readonly key: Buffer;
}

/**
 * Stored chunks of one series that can hold a sample in [lo, hi], in key order. The scan starts MAX_CHUNK_SPAN_MS
 * before lo because no chunk spans more; the value's maxT then skips those that end before lo.
 */
export function storedChunks(chunks: Database<Buffer, Buffer>, id: number, lo: number, hi: number): StoredChunk[] {
  const out: StoredChunk[] = [];
  if (hi < lo) return out;
  const start = chunkKey(id, Math.max(MIN_T, clampT(lo) - MAX_CHUNK_SPAN_MS), 0);
  const last = clampT(hi);
  const end = last >= MAX_T ? chunkKey(id + 1, MIN_T, 0) : chunkKey(id, last + 1, 0);
  for (const { key, value } of chunks.getRange({ start, end })) {
    const v = parseChunkValue(value);
    if (v.maxT < lo) continue;
    const k = parseChunkKey(key);
    out.push({ key, minT: k.minT, maxT: v.maxT, seq: k.seq, ooo: v.ooo, bytes: v.chunk });
  }
  return out;
}

/** Where samples of [lo, hi] come from, with the priority that settles two samples at one timestamp. */
interface Part {
  /** In-order data -1; an out-of-order chunk its sequence number; the out-of-order buffer +Infinity. */
  readonly priority: number;
  readonly minT: number;
  readonly chunk?: Uint8Array;
  readonly buffer?: OooBuffer;
}

function parts(chunks: Database<Buffer, Buffer>, s: MemSeries, lo: number, hi: number): Part[] {
  const out: Part[] = [];
  // A chunk whose checkpoint committed may be both in LMDB and, for a moment, still in memory.
  const inMemory = s.pending.length > 0 ? new Set(s.pending.map((c) => c.seq)) : undefined;
  const add = (c: ChunkRef) => {
    if (c.minT <= hi && c.maxT >= lo) out.push({ priority: c.ooo ? c.seq : -1, minT: c.minT, chunk: c.bytes });
  };
  for (const c of storedChunks(chunks, s.id, lo, hi)) if (inMemory === undefined || !inMemory.has(c.seq)) add(c);
  for (const c of s.pending) add(c);
  const head = s.headChunk();
  if (head !== undefined) add({ minT: head.minT, maxT: s.maxT, seq: -1, ooo: false, bytes: head.bytes });
  const buffer = s.oooBuffer();
  if (buffer !== undefined && buffer.minT <= hi && buffer.maxT >= lo) out.push({ priority: Infinity, minT: buffer.minT, buffer });
  return out;
}

/** Appends the part's samples with lo <= t <= hi; a chunk is decoded straight into the builder's columns. */
function decodePart(part: Part, lo: number, hi: number, out: ColumnBuilder): void {
  if (part.buffer !== undefined) {
    const b = part.buffer;
    for (let i = b.lowerBound(lo); i < b.length && b.t(i) <= hi; i++) out.push(b.t(i), b.v(i), b.stale(i));
    return;
  }
  const chunk = part.chunk as Uint8Array;
  const room = out.reserve(chunkSampleCount(chunk));
  // decodeRange stops after the first sample past hi: a short range out of a chunk decodes only what it needs.
  out.added(decodeRange(chunk, lo, hi, room, out.length));
}

/**
 * One series' samples with lo <= t <= hi, ascending, one per timestamp, as columns. In-order chunks never overlap,
 * so without out-of-order data they are decoded one after another straight into the columns, which are sized once
 * from the chunks' sample counts; otherwise every part is decoded and merged, the highest priority winning a
 * timestamp: later writes win (STORAGE.md, "Head, late samples and duplicates").
 */
export function readColumns(chunks: Database<Buffer, Buffer>, s: MemSeries, lo: number, hi: number): SampleColumns {
  const found = parts(chunks, s, lo, hi);
  if (found.every((p) => p.priority === -1)) {
    const out = new ColumnBuilder();
    out.reserve(found.reduce((n, p) => n + chunkSampleCount(p.chunk as Uint8Array), 0));
    found.sort((a, b) => a.minT - b.minT);
    for (const p of found) decodePart(p, lo, hi, out);
    return out.finish();
  }
  const runs = found.map((p) => {
    const part = new ColumnBuilder();
    decodePart(p, lo, hi, part);
    return { priority: p.priority, samples: samplesOf(part.finish()) };
  });
  return columnsOf(mergeByPriority(runs));
}

/** Merges sorted runs into one, keeping at each timestamp the sample of the run with the highest priority. */
export function mergeByPriority(runs: { readonly priority: number; readonly samples: readonly StoredSample[] }[]): StoredSample[] {
  const ordered = runs.filter((r) => r.samples.length > 0).sort((a, b) => b.priority - a.priority);
  if (ordered.length === 1) return (ordered[0] as (typeof ordered)[number]).samples.slice();
  const at = new Array<number>(ordered.length).fill(0);
  const out: StoredSample[] = [];
  for (;;) {
    let min = Infinity;
    let winner: StoredSample | undefined;
    for (let r = 0; r < ordered.length; r++) {
      const sample = (ordered[r] as (typeof ordered)[number]).samples[at[r] as number];
      // Strictly less: on a tie the run met first, the one of higher priority, keeps the timestamp.
      if (sample !== undefined && sample.t < min) {
        min = sample.t;
        winner = sample;
      }
    }
    if (winner === undefined) return out;
    out.push(winner);
    for (let r = 0; r < ordered.length; r++) if ((ordered[r] as (typeof ordered)[number]).samples[at[r] as number]?.t === min) at[r]!++;
  }
}

/** Whether the series has a sample, a staleness marker included, with lo <= t <= hi. */
export function hasSampleIn(chunks: Database<Buffer, Buffer>, s: MemSeries, lo: number, hi: number): boolean {
  for (const p of parts(chunks, s, lo, hi)) {
    if (p.buffer !== undefined) {
      const i = p.buffer.lowerBound(lo);
      if (i < p.buffer.length && p.buffer.t(i) <= hi) return true;
      continue;
    }
    if (p.minT >= lo) return true; // its first sample is in range: parts() checked minT <= hi
    const it = new ChunkIterator(p.chunk as Uint8Array);
    if (it.seek(lo) && it.t <= hi) return true;
  }
  return false;
}
