import { chunkKey, chunkValue, encodeHeadRecord } from './chunk-layout.ts';
import type { MemSeries, PendingChunk } from './mem-series.ts';
import type { TsdbDbs } from './tsdb-dbs.ts';
import type { TsdbState } from './tsdb-state.ts';

/**
 * Writes what the WAL holds in a form that needs no replay, then drops those WAL records, in one commit
 * (STORAGE.md, "Checkpoint"): the chunks cut since the last checkpoint, and the head record of every series
 * changed since. The snapshot is taken synchronously, so it is exactly the state the WAL records before it built;
 * appends made while it commits go to the next one. Resolves when committed and flushed.
 */
export async function checkpoint(state: TsdbState, dbs: TsdbDbs): Promise<void> {
  const heads: [number, Buffer][] = [];
  const chunks: [MemSeries, PendingChunk][] = [];
  const candidates: number[] = [];
  for (const s of state.dirty) {
    heads.push([s.id, encodeHeadRecord(s.headRecord())]);
    for (const c of s.pending) {
      if (c.persisting) continue;
      c.persisting = true;
      chunks.push([s, c]);
      state.stored.chunks++;
      state.stored.samples += c.samples;
      if (c.ooo && !state.compactCandidates.has(s.id)) {
        state.compactCandidates.add(s.id);
        candidates.push(s.id);
      }
    }
    s.dirty = false;
  }
  state.dirty.clear();
  const walFrom = state.walFirst;
  const walTo = state.walNext;
  if (heads.length === 0 && walFrom === walTo) return;
  state.walFirst = walTo;
  state.walBytes = 0;
  state.counters.checkpoints++;
  const meta = state.metaState();
  await dbs.root.transaction(() => {
    for (const [id, record] of heads) dbs.heads.put(id, record);
    for (const [s, c] of chunks) dbs.chunks.put(chunkKey(s.id, c.minT, c.seq), chunkValue(c.ooo, c.maxT, c.bytes));
    for (const id of candidates) dbs.compact.put(id, true);
    for (let key = walFrom; key < walTo; key++) dbs.wal.remove(key);
    dbs.meta.put('state', meta);
  });
  await dbs.root.flushed;
  for (const [s, c] of chunks) {
    const i = s.pending.indexOf(c);
    if (i >= 0) s.pending.splice(i, 1);
  }
}
