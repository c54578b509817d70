import { open, type Database, type RootDatabase } from 'lmdb';
import type { BatchQueue, QueuedBatch, QueueStats } from './queue.ts';

interface StoredBatch {
  payload: Uint8Array;
  queuedAt: number;
}

/**
 * The durable queue: one LMDB environment under the agent's data directory.
 * LMDB commits are copy-on-write with a meta-page switch, so a kill -9 or power cut leaves the last fully
 * synced transaction intact; we resolve `enqueue` only after `flushed`, i.e. after fsync, so a batch that was
 * handed to MQTT is always on disk first. Sequence counter and batch are written in one transaction.
 */
export async function openLmdbQueue(path: string): Promise<BatchQueue> {
  const root: RootDatabase = open({ path, name: undefined });
  const batches: Database<StoredBatch, number> = root.openDB({ name: 'batches', keyEncoding: 'uint32' });
  const meta: Database<number, string> = root.openDB({ name: 'meta' });

  // Counted once at open, then maintained incrementally: stats() is called every publish cycle.
  let count = 0;
  let bytes = 0;
  for (const { value } of batches.getRange()) {
    count++;
    bytes += value.payload.byteLength;
  }

  let nextSeq = meta.get('nextSeq') ?? 0;
  for (const last of batches.getKeys({ reverse: true, limit: 1 })) nextSeq = Math.max(nextSeq, last + 1);
  // Acks can arrive twice; the byte count must only drop once per batch.
  const removing = new Set<number>();

  return {
    async enqueue(build, now) {
      const seq = nextSeq++;
      const batch: QueuedBatch = { seq, payload: build(seq), queuedAt: now };
      await root.transaction(() => {
        batches.put(seq, { payload: batch.payload, queuedAt: now });
        meta.put('nextSeq', nextSeq);
      });
      await root.flushed;
      count++;
      bytes += batch.payload.byteLength;
      return batch;
    },
    oldest(limit, exclude) {
      const out: QueuedBatch[] = [];
      for (const { key, value } of batches.getRange()) {
        if (out.length >= limit) break;
        if (!exclude?.has(key)) out.push({ seq: key, payload: value.payload, queuedAt: value.queuedAt });
      }
      return out;
    },
    async remove(seq) {
      const stored = batches.get(seq);
      if (!stored || removing.has(seq)) return;
      removing.add(seq);
      try {
        await batches.remove(seq);
        count--;
        bytes -= stored.payload.byteLength;
      } finally {
        removing.delete(seq);
      }
    },
    stats(): QueueStats {
      return { batches: count, bytes, created: nextSeq };
    },
    async close() {
      await root.close();
    },
  };
}
