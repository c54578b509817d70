import { chunkKey, chunkSamples, clampT, encodeHeadRecord, MIN_T, parseChunkKey, parseChunkValue } from './chunk-layout.ts';
import type { MemSeries } from './mem-series.ts';
import { usedBytes, type TsdbDbs } from './tsdb-dbs.ts';
import type { TsdbState } from './tsdb-state.ts';

export interface MaintenanceContext {
  readonly state: TsdbState;
  readonly dbs: TsdbDbs;
  readonly maxSeriesPerSource: number;
}

/** Series handled per commit, so that retention never holds the event loop (and ingestion) for long. */
const SERIES_PER_STEP = 1000;

/**
 * Deletes whole stored chunks whose every sample is before `cutoff`, then series left with nothing (STORAGE.md,
 * "Retention"). With `memory`, also the head chunk and buffered samples before it, but only of series with nothing
 * in the WAL (not dirty): their head record is then rewritten in the same commit, so a replay rebuilds the same
 * head. Size retention leaves memory alone, as Prometheus never deletes its head for size.
 */
export async function deleteBefore(ctx: MaintenanceContext, cutoff: number, memory: boolean): Promise<void> {
  const { state, dbs } = ctx;
  const ids = [...state.series.keys()];
  for (let from = 0; from < ids.length; from += SERIES_PER_STEP) {
    const removes: Buffer[] = [];
    const heads: [number, Buffer][] = [];
    const gone: MemSeries[] = [];
    for (const id of ids.slice(from, from + SERIES_PER_STEP)) {
      const s = state.series.get(id);
      if (s === undefined) continue;
      let keptBefore = false;
      for (const { key, value } of dbs.chunks.getRange({ start: chunkKey(id, MIN_T, 0), end: chunkKey(id, clampT(cutoff), 0) })) {
        const v = parseChunkValue(value);
        if (v.maxT >= cutoff) {
          keptBefore = true;
          continue;
        }
        removes.push(key);
        state.stored.chunks--;
        state.stored.samples -= chunkSamples(v.chunk);
        state.counters.chunksDeleted++;
        state.counters.samplesDeleted += chunkSamples(v.chunk);
      }
      if (s.dirty) continue;
      if (memory) {
        const dropped = s.dropBefore(cutoff);
        state.counters.samplesDeleted += dropped;
        if (dropped > 0) heads.push([id, encodeHeadRecord(s.headRecord())]);
      }
      if (!keptBefore && !s.hasMemoryData() && !hasChunkFrom(dbs, id, cutoff)) gone.push(s);
    }
    if (removes.length === 0 && heads.length === 0 && gone.length === 0) continue;
    state.removeSeries(gone, ctx.maxSeriesPerSource);
    const meta = state.metaState();
    await dbs.root.transaction(() => {
      for (const key of removes) dbs.chunks.remove(key);
      for (const [id, record] of heads) dbs.heads.put(id, record);
      for (const s of gone) {
        dbs.series.remove(s.id);
        dbs.heads.remove(s.id);
        dbs.compact.remove(s.id);
      }
      dbs.meta.put('state', meta);
    });
  }
  await dbs.root.flushed;
}

function hasChunkFrom(dbs: TsdbDbs, id: number, t: number): boolean {
  for (const _ of dbs.chunks.getKeys({ start: chunkKey(id, clampT(t), 0), end: chunkKey(id + 1, MIN_T, 0), limit: 1 })) return true;
  return false;
}

/**
 * Deletes the oldest stored chunks until the databases fit in `maxBytes` (pages in use; LMDB reuses freed pages
 * rather than shrinking its file). Each round deletes up to a time estimated from the share of bytes to free,
 * and at least the oldest chunk, so it always progresses; it stops when only memory-held data is left.
 */
export async function enforceSize(ctx: MaintenanceContext, maxBytes: number): Promise<void> {
  const { state, dbs } = ctx;
  for (let round = 0; round < 32; round++) {
    const used = usedBytes(dbs);
    if (used <= maxBytes) return;
    let oldestMinT = Infinity;
    let oldestMaxT = Infinity;
    let newest = -Infinity;
    for (const s of state.series.values()) {
      for (const { key, value } of dbs.chunks.getRange({ start: chunkKey(s.id, MIN_T, 0), end: chunkKey(s.id + 1, MIN_T, 0), limit: 1 })) {
        oldestMinT = Math.min(oldestMinT, parseChunkKey(key).minT);
        oldestMaxT = Math.min(oldestMaxT, parseChunkValue(value).maxT);
      }
      newest = Math.max(newest, s.maxT);
    }
    if (oldestMaxT === Infinity) return;
    const share = (used - maxBytes) / used;
    await deleteBefore(ctx, Math.max(oldestMaxT + 1, oldestMinT + Math.ceil(share * (newest - oldestMinT))), false);
  }
}

/**
 * Forgets dedupe records stored before `cutoff` (wall-clock ms): a batch that old, sent again, has samples the
 * retention has deleted or refuses as too old, so the record no longer prevents anything. Per agent in seq order,
 * stopping at the first young record: records are written in roughly seq order.
 */
export async function pruneSeen(dbs: TsdbDbs, cutoff: number): Promise<void> {
  let start: [string] | undefined;
  for (;;) {
    let agent: string | undefined;
    for (const key of dbs.seen.getKeys({ ...(start !== undefined ? { start } : {}), limit: 1 })) agent = key[0];
    if (agent === undefined) return;
    // Sorts after every [agent, seq] and before the next agent's keys.
    const next: [string] = [`${agent}\u0000`];
    const removes: [string, number][] = [];
    for (const { key, value } of dbs.seen.getRange({ start: [agent], end: next })) {
      if (value >= cutoff) break;
      removes.push(key);
    }
    if (removes.length > 0) await dbs.root.transaction(() => removes.forEach((key) => dbs.seen.remove(key)));
    start = next;
  }
}
