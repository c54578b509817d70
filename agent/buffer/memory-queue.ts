import type { BatchQueue, QueuedBatch, QueueStats } from './queue.ts';

/** A queue that lives only as long as the process: for tests and for running without a writable disk. */
export function memoryQueue(firstSeq = 0): BatchQueue {
  const batches = new Map<number, QueuedBatch>();
  let nextSeq = firstSeq;
  let bytes = 0;
  return {
    async enqueue(build, now) {
      const seq = nextSeq++;
      const batch = { seq, payload: build(seq), queuedAt: now };
      batches.set(seq, batch);
      bytes += batch.payload.byteLength;
      return batch;
    },
    oldest(limit, exclude) {
      const out: QueuedBatch[] = [];
      // A Map iterates in insertion order, which is sequence order here.
      for (const batch of batches.values()) {
        if (out.length >= limit) break;
        if (!exclude?.has(batch.seq)) out.push(batch);
      }
      return out;
    },
    async remove(seq) {
      const batch = batches.get(seq);
      if (!batch) return;
      batches.delete(seq);
      bytes -= batch.payload.byteLength;
    },
    stats(): QueueStats {
      return { batches: batches.size, bytes, created: nextSeq };
    },
    async close() {},
  };
}
