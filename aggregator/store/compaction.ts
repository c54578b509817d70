import type { StoredSample } from '../../promql/value.ts';
import { chunkKey, chunkSamples, chunkValue, ChunkWriter, MIN_T } from './chunk-layout.ts';
import type { MaintenanceContext } from './retention.ts';
import { mergeByPriority, storedChunks, type StoredChunk } from './sample-read.ts';
import { ChunkIterator } from './tsdb/index.ts';

const SERIES_PER_STEP = 200;

function decodeAll(chunk: Uint8Array): StoredSample[] {
  const out: StoredSample[] = [];
  const it = new ChunkIterator(chunk);
  while (it.next()) out.push({ t: it.t, v: it.v, stale: it.stale });
  return out;
}

/**
 * The chunks one compaction of a series merges: its stored out-of-order chunks that end before `boundary` (where
 * in-order data not yet stored begins), with the in-order chunks they overlap; undefined when there are none, or
 * when an out-of-order chunk left out overlaps the result and is older than one put in (it would then win a
 * timestamp over a newer value).
 */
function compactionInputs(all: readonly StoredChunk[], boundary: number): StoredChunk[] | undefined {
  const ready = all.filter((c) => c.ooo && c.maxT < boundary);
  if (ready.length === 0) return undefined;
  const lo0 = Math.min(...ready.map((c) => c.minT));
  const hi0 = Math.max(...ready.map((c) => c.maxT));
  const inOrder = all.filter((c) => !c.ooo && c.maxT >= lo0 && c.minT <= hi0);
  const inputs = [...ready, ...inOrder];
  const lo = Math.min(...inputs.map((c) => c.minT));
  const hi = Math.max(...inputs.map((c) => c.maxT));
  const newest = Math.max(...ready.map((c) => c.seq));
  const blocked = all.some((c) => c.ooo && c.maxT >= boundary && c.minT <= hi && c.maxT >= lo && c.seq < newest);
  return blocked ? undefined : inputs;
}

/**
 * Merges each candidate series' stored out-of-order chunks with the in-order chunks they overlap into full
 * in-order chunks, in one commit per step (STORAGE.md, "Compaction"). The result keeps one sample per timestamp,
 * the one a read would have returned, and every timestamp any input had.
 *
 * Out-of-order chunks that reach into in-order data not yet stored (the head chunk or chunks cut since the last
 * checkpoint) wait, since in-order chunks must never overlap one another. Out-of-order data in memory needs no
 * such care: it was written after every stored chunk, so it still wins its timestamps after the merge.
 */
export async function compact(ctx: MaintenanceContext): Promise<void> {
  const { state, dbs } = ctx;
  const ids = [...state.compactCandidates];
  for (let from = 0; from < ids.length; from += SERIES_PER_STEP) {
    const removes: Buffer[] = [];
    const puts: [Buffer, Buffer][] = [];
    const done: number[] = [];
    for (const id of ids.slice(from, from + SERIES_PER_STEP)) {
      const s = state.series.get(id);
      if (s === undefined) continue;
      // Out-of-order chunks a checkpoint is still writing keep the series a candidate for the next run.
      const settled = !s.pending.some((c) => c.ooo);
      const all = storedChunks(dbs.chunks, id, MIN_T, Infinity);
      const ooo = all.filter((c) => c.ooo);
      if (ooo.length === 0) {
        if (settled) done.push(id);
        continue;
      }
      const inputs = compactionInputs(all, s.unstoredInOrderMinT());
      if (inputs === undefined) continue;
      const merged = mergeByPriority(inputs.map((c) => ({ priority: c.ooo ? c.seq : -1, samples: decodeAll(c.bytes) })));
      const writer = new ChunkWriter();
      for (const m of merged) writer.push(m.t, m.v, m.stale);
      for (const c of inputs) {
        removes.push(c.key);
        state.stored.samples -= chunkSamples(c.bytes);
      }
      const written = writer.finish();
      for (const chunk of written) puts.push([chunkKey(id, chunk.minT, state.nextSeq()), chunkValue(false, chunk.maxT, chunk.bytes())]);
      state.stored.samples += merged.length;
      state.counters.chunksCompacted += inputs.length;
      state.counters.chunksWrittenByCompaction += written.length;
      if (settled && inputs.filter((c) => c.ooo).length === ooo.length) done.push(id);
    }
    state.stored.chunks += puts.length - removes.length;
    for (const id of done) state.compactCandidates.delete(id);
    if (removes.length === 0 && done.length === 0) continue;
    const meta = state.metaState();
    await dbs.root.transaction(() => {
      for (const key of removes) dbs.chunks.remove(key);
      for (const [key, value] of puts) dbs.chunks.put(key, value);
      for (const id of done) dbs.compact.remove(id);
      dbs.meta.put('state', meta);
    });
  }
  await dbs.root.flushed;
}
