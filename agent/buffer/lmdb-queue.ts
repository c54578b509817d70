import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { dropEvents, dropTally, limitsOf, planDrops, type BoundEntry } from './limits.ts';
import { queueErrorFrom } from './queue-error.ts';
import type { DropEvent, DurableQueue, QueuedBatch, QueueLimits, QueueStats } from './queue.ts';

interface StoredBatch {
  payload: Uint8Array;
  queuedAt: number;
  /** Absent in batches queued before the count was kept. */
  samples?: number;
}

export interface LmdbQueueOptions {
  readonly limits?: Partial<QueueLimits>;
  readonly onDrop?: (e: DropEvent) => void;
}

/**
 * Sequence numbers reserved on disk ahead of use. While the disk cannot be written, the fallback queue numbers its
 * batches from this reserve, so numbers it handed out are not reused after a crash. A crash skips what was left
 * of the reserve; a clean close gives it back.
 */
export const SEQ_RESERVATION = 4096;

const MiB = 1024 * 1024;
/** close() after a failed commit can wait forever inside lmdb; the process must still be able to exit. */
const CLOSE_WAIT_MS = 5_000;

/**
 * LMDB's map for a queue of `maxBytes`: twice the payload (page rounding, copy-on-write pages, free pages not yet
 * reusable) plus room for the metadata. The map is address space, not disk: the file grows only as pages are used.
 */
export function mapSizeFor(maxBytes: number): number | undefined {
  return Number.isFinite(maxBytes) ? 2 * maxBytes + 64 * MiB : undefined;
}

/**
 * The durable queue: one LMDB environment under the agent's data directory (durability: README.md, "Agent buffer
 * durability"). `enqueue` resolves only after `flushed`, i.e. after fsync, so a batch handed to MQTT is always on
 * disk first. The batch, the drops that make room for it and the sequence reservation are one transaction.
 * A failed write throws a QueueError naming the directory and the fix.
 */
export async function openLmdbQueue(dir: string, opts: LmdbQueueOptions = {}): Promise<DurableQueue> {
  const limits = limitsOf(opts.limits);
  let root: RootDatabase;
  try {
    mkdirSync(dir, { recursive: true });
    const mapSize = mapSizeFor(limits.maxBytes);
    // Our writes are explicit transactions. With event-turn batching on, a failed commit also rejects a promise of
    // lmdb's own that nobody awaits, and that unhandled rejection would end the agent.
    root = open({ path: dir, eventTurnBatching: false, ...(mapSize !== undefined ? { mapSize } : {}) });
  } catch (err) {
    throw queueErrorFrom(err, dir) ?? err;
  }
  const batches: Database<StoredBatch, number> = root.openDB({ name: 'batches', keyEncoding: 'uint32' });
  const meta: Database<number, string> = root.openDB({ name: 'meta' });

  // Sizes and times of every batch, kept in memory so that bounds are checked without reading payloads.
  const index = new Map<number, BoundEntry>();
  let bytes = 0;
  let highest = -1;
  for (const { key, value } of batches.getRange()) {
    index.set(key, { seq: key, bytes: value.payload.byteLength, queuedAt: value.queuedAt, samples: value.samples ?? 0 });
    bytes += value.payload.byteLength;
    highest = key;
  }
  // Above every number that may have been handed out: stored batches, the reserve, and the counter older
  // versions kept under 'nextSeq'.
  let nextSeq = Math.max(meta.get('seqReserved') ?? 0, meta.get('nextSeq') ?? 0, highest + 1);
  let reserved = nextSeq;
  // Acked batches whose removal failed on disk: gone from the index, removed again with the next commit.
  const staleRemovals = new Set<number>();
  const dropped = dropTally();

  const write = async (ops: () => void) => {
    try {
      await root.transaction(ops);
      await root.flushed;
    } catch (err) {
      throw await diskFailure(err, dir);
    }
  };
  const reserve = async () => {
    const until = nextSeq + SEQ_RESERVATION;
    await write(() => meta.putSync('seqReserved', until));
    reserved = until;
  };
  try {
    await reserve();
  } catch (err) {
    await closeWithin(root);
    throw err;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => {});
    return run;
  };

  /** Stores `incoming` (numbered above everything queued) and drops what the limits require, in one commit. */
  const commit = async (incoming: readonly QueuedBatch[], now: number, force: boolean) => {
    const arriving = incoming.map((b) => ({ seq: b.seq, bytes: b.payload.byteLength, queuedAt: b.queuedAt, samples: b.samples }));
    const drops = planDrops(
      (function* () {
        yield* index.values();
        yield* arriving;
      })(),
      index.size + arriving.length,
      bytes + arriving.reduce((n, e) => n + e.bytes, 0),
      now,
      limits,
    );
    const stale = [...staleRemovals];
    if (!force && drops.length === 0 && stale.length === 0) return;
    const dropSeqs = new Set(drops.map((d) => d.entry.seq));
    const until = nextSeq + SEQ_RESERVATION;
    await write(() => {
      for (const seq of [...stale, ...dropSeqs]) batches.removeSync(seq);
      for (const b of incoming) {
        if (!dropSeqs.has(b.seq)) batches.putSync(b.seq, { payload: b.payload, queuedAt: b.queuedAt, samples: b.samples });
      }
      meta.putSync('seqReserved', until);
    });
    reserved = until;
    for (const seq of stale) staleRemovals.delete(seq);
    // A batch acked while the commit ran has already left the index: delivered, not dropped.
    const arrivingSeqs = new Set(arriving.map((e) => e.seq));
    const happened = drops.filter((d) => arrivingSeqs.has(d.entry.seq) || index.delete(d.entry.seq));
    for (const d of happened) if (!arrivingSeqs.has(d.entry.seq)) bytes -= d.entry.bytes;
    for (const e of arriving) {
      if (dropSeqs.has(e.seq)) continue;
      index.set(e.seq, e);
      bytes += e.bytes;
      highest = e.seq;
    }
    for (const e of dropEvents(happened, now, limits)) {
      dropped.add(e);
      opts.onDrop?.(e);
    }
  };

  /** Queued batches from seq `start` on, read from disk: the index says which are still queued. */
  const readFrom = (start: number, limit: number, exclude: ReadonlySet<number> | undefined): QueuedBatch[] => {
    const out: QueuedBatch[] = [];
    for (const { key, value } of batches.getRange({ start })) {
      if (out.length >= limit) break;
      if (index.has(key) && !exclude?.has(key)) out.push({ seq: key, payload: value.payload, queuedAt: value.queuedAt, samples: value.samples ?? 0 });
    }
    return out;
  };

  return {
    enqueue(build, now, samples = 0) {
      return serial(async () => {
        const seq = nextSeq++;
        const batch: QueuedBatch = { seq, payload: build(seq), queuedAt: now, samples };
        await commit([batch], now, true);
        return batch;
      });
    },
    expire(now) {
      return serial(() => commit([], now, false));
    },
    adopt(incoming, floor, now) {
      return serial(async () => {
        const first = incoming[0];
        const last = incoming[incoming.length - 1];
        if (first && first.seq <= highest) throw new Error(`adopted batch ${first.seq} is not above the queued ones (${highest})`);
        nextSeq = Math.max(nextSeq, floor, (last?.seq ?? -1) + 1);
        await commit(incoming, now, true);
      });
    },
    takeSeq(atLeast = 0) {
      nextSeq = Math.max(nextSeq, atLeast);
      return nextSeq++;
    },
    reservedSeq: () => reserved,
    oldest(limit, exclude) {
      const start = index.keys().next().value;
      return start === undefined ? [] : readFrom(start, limit, exclude);
    },
    since(seq, limit, exclude) {
      const start = index.keys().next().value;
      return start === undefined ? [] : readFrom(Math.max(seq, start), limit, exclude);
    },
    async remove(seq) {
      const entry = index.get(seq);
      if (!entry) return;
      index.delete(seq);
      bytes -= entry.bytes;
      try {
        await batches.remove(seq);
      } catch (err) {
        // The ack counts: the batch is not sent again. If the agent stops before the next commit removes it, it is
        // resent after the restart and the aggregator answers "duplicate".
        await diskFailure(err, dir);
        staleRemovals.add(seq);
      }
    },
    stats(): QueueStats {
      return {
        batches: index.size,
        bytes,
        created: nextSeq,
        oldestQueuedAt: index.values().next().value?.queuedAt,
        droppedBatches: { ...dropped.batches },
        droppedSamples: { ...dropped.samples },
        durable: true,
      };
    },
    async close() {
      await chain;
      // Give back the unused reserve: a clean restart then continues right after the last number handed out.
      await write(() => meta.putSync('seqReserved', nextSeq)).catch(() => {});
      await closeWithin(root);
    },
  };
}

/**
 * The first sequence number that is safe to use for a queue that cannot be opened for writing (a read-only file
 * system, say), read without writing anything; undefined when there is no queue in `dir` yet.
 */
export async function peekLmdbSeq(dir: string): Promise<number | undefined> {
  if (!existsSync(join(dir, 'data.mdb'))) return undefined;
  let root: RootDatabase | undefined;
  try {
    root = open({ path: dir, readOnly: true });
    const batches: Database<StoredBatch, number> = root.openDB({ name: 'batches', keyEncoding: 'uint32' });
    const meta: Database<number, string> = root.openDB({ name: 'meta' });
    let highest = -1;
    for (const key of batches.getKeys({ reverse: true, limit: 1 })) highest = key;
    return Math.max(meta.get('seqReserved') ?? 0, meta.get('nextSeq') ?? 0, highest + 1);
  } catch (err) {
    throw queueErrorFrom(err, dir, true);
  } finally {
    if (root) await closeWithin(root);
  }
}

/** lmdb rejects a failed commit with a generic error whose `commitError` promise holds the cause. */
async function diskFailure(err: unknown, dir: string): Promise<unknown> {
  const commitError = (err as { commitError?: Promise<unknown> } | undefined)?.commitError;
  if (commitError === undefined) return queueErrorFrom(err, dir) ?? err;
  const cause = await commitError.then(
    () => err,
    (inner: unknown) => inner,
  );
  return queueErrorFrom(cause, dir, true);
}

async function closeWithin(root: RootDatabase): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    root.close().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
