import type { Logger } from '../../protocol/log.ts';
import { formatByteSize } from '../config/byte-size.ts';
import { formatDurationMs } from '../../promql/duration.ts';
import { memoryQueue } from './memory-queue.ts';
import { QueueError } from './queue-error.ts';
import type { BatchQueue, DropEvent, DurableQueue, QueueLimits, QueueStats } from './queue.ts';

export interface FallbackQueueOptions {
  /** Opens the queue on disk; tried again every `retryMs` while it cannot be opened. */
  readonly openDisk: () => Promise<DurableQueue>;
  /**
   * When the disk queue cannot be opened: the first sequence number it may not have handed out, read without
   * writing (undefined when there is none yet). Throws when even that is impossible: the agent then cannot know
   * which numbers the aggregator has seen and must not start.
   */
  readonly peekSeq: () => Promise<number | undefined>;
  /** Bounds of the stand-in in memory: its byte bound protects the device's RAM. */
  readonly memoryLimits: QueueLimits;
  /** How often to try the disk again while it fails. */
  readonly retryMs: number;
  readonly log: Logger;
  readonly onDrop?: (e: DropEvent) => void;
}

const MiB = 1024 * 1024;

/** The stand-in's RAM budget (capped by the configured bound) and how often the disk is tried again. */
export const DEFAULT_FALLBACK = { memoryMaxBytes: 16 * MiB, retryMs: 30_000 };

/**
 * The agent's queue: the durable queue on disk, and while that cannot be written (disk full, read-only file system,
 * lost permissions) a bounded queue in memory, so that collection goes on. Each enqueue or expiry at least `retryMs`
 * after the last failure tries the disk again; when it works, the memory batches move to disk, oldest first and
 * with their numbers, in one commit, before anything new is queued there. Disk batches are always older than
 * memory ones, so `oldest` and `since` list the disk first.
 *
 * Sequence numbers while the disk fails. The aggregator dedupes on (agent, seq), so a number handed out must never
 * be reused, even if the agent restarts before the disk works again: a reused number would make the aggregator
 * discard a new batch as a duplicate. Three rules keep them unique:
 * - While the disk queue is open, memory batches take their numbers from its counter, inside the reserve it commits
 *   ahead of use (SEQ_RESERVATION in lmdb-queue.ts): after a crash it resumes above the reserve.
 * - Past the reserve, and whenever the disk queue could not be opened at all, a number is at least the current Unix
 *   time in seconds (and, at start, above the reserve read from the files). A restart numbers from a later second
 *   than any earlier run started from, and an agent collecting every few seconds or less often makes fewer than
 *   one batch per second, so no earlier number comes back. Seconds, not finer, because numbers must stay below
 *   2^32, the LMDB key size (until 2106).
 * - When the disk returns, the highest number handed out is committed with the moved batches.
 */
export async function openFallbackQueue(opts: FallbackQueueOptions, now: number): Promise<BatchQueue> {
  const { log } = opts;
  let disk: DurableQueue | undefined;
  let failure: QueueError | undefined;
  let retryAt = 0;
  let current = now;
  /** Numbering while no disk queue is open. */
  let localNext = 0;
  /** Acks that arrive while memory batches are being moved: the moved copies must go too. */
  let acksWhileMoving: Set<number> | undefined;

  const clockSeq = () => Math.floor(current / 1000);
  const takeSeq = () => {
    if (disk) return disk.stats().created < disk.reservedSeq() ? disk.takeSeq() : disk.takeSeq(clockSeq());
    localNext = Math.max(localNext, clockSeq());
    return localNext++;
  };
  const memory = memoryQueue({ takeSeq, limits: opts.memoryLimits, ...(opts.onDrop ? { onDrop: opts.onDrop } : {}) });

  const fail = (err: unknown) => {
    if (!(err instanceof QueueError)) throw err;
    retryAt = current + opts.retryMs;
    if (failure) return;
    failure = err;
    const bound = formatByteSize(opts.memoryLimits.maxBytes);
    log.error(`${err.message}. Buffering in memory meanwhile (bounded to ${bound}, lost if the agent stops); trying the disk again every ${formatDurationMs(opts.retryMs)}`);
  };

  const recover = async () => {
    const moving = memory.oldest(Infinity);
    acksWhileMoving = new Set();
    try {
      disk ??= await opts.openDisk();
      await disk.adopt(moving, localNext, current);
      for (const b of moving) await memory.remove(b.seq);
      for (const seq of acksWhileMoving) await disk.remove(seq);
      const first = moving[0];
      const last = moving[moving.length - 1];
      const moved = first && last ? `; moved ${moving.length} batches (seq ${first.seq}–${last.seq}) from memory to disk` : '';
      log.info(`the agent's queue is writable again${moved}`);
      failure = undefined;
    } catch (err) {
      fail(err);
    } finally {
      acksWhileMoving = undefined;
    }
  };

  try {
    disk = await opts.openDisk();
  } catch (err) {
    if (!(err instanceof QueueError)) throw err;
    localNext = (await opts.peekSeq()) ?? 0;
    fail(err);
  }

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(at: number, fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(async () => {
      current = at;
      if (failure && current >= retryAt) await recover();
      return fn();
    });
    chain = run.catch(() => {});
    return run;
  };

  return {
    enqueue(build, at, samples) {
      return serial(at, async () => {
        if (disk && !failure) {
          try {
            return await disk.enqueue(build, at, samples);
          } catch (err) {
            fail(err);
          }
        }
        return memory.enqueue(build, at, samples);
      });
    },
    expire(at) {
      return serial(at, async () => {
        await memory.expire(at);
        if (disk && !failure) await disk.expire(at).catch(fail);
      });
    },
    oldest(limit, exclude) {
      const fromDisk = disk ? disk.oldest(limit, exclude) : [];
      return fromDisk.length >= limit ? fromDisk : [...fromDisk, ...memory.oldest(limit - fromDisk.length, exclude)];
    },
    since(seq, limit, exclude) {
      const fromDisk = disk ? disk.since(seq, limit, exclude) : [];
      return fromDisk.length >= limit ? fromDisk : [...fromDisk, ...memory.since(seq, limit - fromDisk.length, exclude)];
    },
    async remove(seq) {
      acksWhileMoving?.add(seq);
      await memory.remove(seq);
      await disk?.remove(seq);
    },
    stats(): QueueStats {
      const m = memory.stats();
      const d = disk?.stats();
      const sum = (pick: (s: QueueStats) => Readonly<Record<'bytes' | 'age', number>>) => ({
        bytes: pick(m).bytes + (d ? pick(d).bytes : 0),
        age: pick(m).age + (d ? pick(d).age : 0),
      });
      return {
        batches: m.batches + (d?.batches ?? 0),
        bytes: m.bytes + (d?.bytes ?? 0),
        created: d ? d.created : localNext,
        oldestQueuedAt: d?.oldestQueuedAt ?? m.oldestQueuedAt,
        droppedBatches: sum((s) => s.droppedBatches),
        droppedSamples: sum((s) => s.droppedSamples),
        durable: disk !== undefined && failure === undefined,
      };
    },
    async close() {
      await chain;
      // A last try, so that a disk that came back in the meantime keeps what memory holds.
      if (failure) await recover();
      const lost = memory.stats().batches;
      if (lost > 0) log.error(`the agent stops with ${lost} batches only in memory: they are lost`);
      await disk?.close();
    },
  };
}
