import { dropEvents, dropTally, limitsOf, planDrops, type BoundEntry } from './limits.ts';
import type { BatchQueue, DropEvent, QueuedBatch, QueueLimits, QueueStats } from './queue.ts';

export interface MemoryQueueOptions {
  readonly firstSeq?: number;
  /** Numbers batches from elsewhere: the fallback queue borrows numbers from the disk queue's counter. */
  readonly takeSeq?: () => number;
  readonly limits?: Partial<QueueLimits>;
  readonly onDrop?: (e: DropEvent) => void;
}

/** A queue that lives only as long as the process: for tests and for buffering while the disk cannot be written. */
export function memoryQueue(opts: MemoryQueueOptions = {}): BatchQueue {
  const limits = limitsOf(opts.limits);
  const batches = new Map<number, QueuedBatch>();
  let nextSeq = opts.firstSeq ?? 0;
  const takeSeq = opts.takeSeq ?? (() => nextSeq++);
  let created = nextSeq;
  let bytes = 0;
  const dropped = dropTally();

  function* entries(): Generator<BoundEntry> {
    // A Map iterates in insertion order, which is sequence order here.
    for (const b of batches.values()) yield { seq: b.seq, bytes: b.payload.byteLength, queuedAt: b.queuedAt, samples: b.samples };
  }

  const enforce = (now: number) => {
    const drops = planDrops(entries(), batches.size, bytes, now, limits);
    for (const { entry } of drops) {
      batches.delete(entry.seq);
      bytes -= entry.bytes;
    }
    for (const e of dropEvents(drops, now, limits)) {
      dropped.add(e);
      opts.onDrop?.(e);
    }
  };

  return {
    async enqueue(build, now, samples = 0) {
      const seq = takeSeq();
      const batch = { seq, payload: build(seq), queuedAt: now, samples };
      batches.set(seq, batch);
      bytes += batch.payload.byteLength;
      created = Math.max(created, seq + 1);
      enforce(now);
      return batch;
    },
    async expire(now) {
      enforce(now);
    },
    oldest(limit, exclude) {
      const out: QueuedBatch[] = [];
      for (const batch of batches.values()) {
        if (out.length >= limit) break;
        if (!exclude?.has(batch.seq)) out.push(batch);
      }
      return out;
    },
    since(seq, limit, exclude) {
      const out: QueuedBatch[] = [];
      for (const batch of batches.values()) {
        if (out.length >= limit) break;
        if (batch.seq >= seq && !exclude?.has(batch.seq)) out.push(batch);
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
      return {
        batches: batches.size,
        bytes,
        created,
        oldestQueuedAt: batches.values().next().value?.queuedAt,
        droppedBatches: { ...dropped.batches },
        droppedSamples: { ...dropped.samples },
        durable: false,
      };
    },
    async close() {},
  };
}
