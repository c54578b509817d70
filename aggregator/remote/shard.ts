import type { Logger } from '../../protocol/log.ts';
import { encodeWriteRequest, type OutgoingSeries } from './encode-write-request.ts';
import type { RemoteClient } from './remote-client.ts';
import { createSampleQueue, type QueuedSample, type SampleQueue } from './sample-queue.ts';
import type { RemoteWriteQueueConfig } from './sender-config.ts';
import { compressBlock } from './snappy-block.ts';

/** Injected so batching deadlines and backoff are tested without waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SenderCounters {
  /** Samples handed to the sender. */
  samplesQueued: number;
  samplesSent: number;
  samplesDropped: {
    /** The oldest samples of a full queue. */
    queueFull: number;
    /** Answered 4xx (other than 429): the remote will never take them. */
    rejected: number;
    /** Still queued or in flight when the flush deadline passed at shutdown. */
    shutdown: number;
  };
  requestsSucceeded: number;
  /** Attempts that failed, whether retried or not. */
  requestsFailed: number;
  retries: number;
}

/** What the shards of one sender share. */
export interface ShardContext {
  readonly name: string;
  readonly queue: RemoteWriteQueueConfig;
  readonly client: RemoteClient;
  readonly counters: SenderCounters;
  readonly log: Logger;
  readonly timers: Timers;
  /** close() was called: send what is queued without waiting for full batches, then stop. */
  closing(): boolean;
  /** The flush deadline passed: stop now. */
  aborted(): boolean;
  readonly abortSignal: AbortSignal;
  /** After each successful request. */
  delivered(): void;
}

export interface Shard {
  readonly queue: SampleQueue;
  /** Samples arrived, or the sender is closing or aborting: re-check what to wait for. */
  poke(): void;
  /** Settles when the shard has stopped, after close. */
  readonly done: Promise<void>;
}

/**
 * One sending loop: waits until max_samples_per_send samples are queued or batch_send_deadline passed, then sends
 * them as one request and retries it until it is delivered, refused, or the sender aborts. One request at a time
 * per shard keeps each series' samples in order (a series always maps to the same shard).
 */
export function startShard(ctx: ShardContext): Shard {
  const { counters, log, name } = ctx;
  const queue = createSampleQueue(ctx.queue.capacity);
  let waiter: (() => void) | undefined;

  /** Resolves at the first poke after which `ready()` holds, or after `ms` if given. */
  function until(ready: () => boolean, ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : ctx.timers.setTimeout(finish, ms);
      function finish() {
        if (timer !== undefined) ctx.timers.clearTimeout(timer);
        waiter = undefined;
        resolve();
      }
      waiter = () => {
        if (ready()) finish();
      };
    });
  }

  async function send(batch: QueuedSample[]): Promise<void> {
    const n = batch.length;
    const body = compressBlock(encodeWriteRequest(bySeries(batch)));
    let backoffMs = ctx.queue.minBackoffMs;
    for (let attempt = 0; ; attempt++) {
      const result = await ctx.client.post(body, ctx.abortSignal);
      if (result.ok) {
        counters.requestsSucceeded++;
        counters.samplesSent += n;
        if (attempt > 0) log.info(`remote write ${name}: delivered after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}`);
        ctx.delivered();
        return;
      }
      counters.requestsFailed++;
      if (!result.retry) {
        counters.samplesDropped.rejected += n;
        log.warn(`remote write ${name}: ${n} samples dropped, the remote refused them (not retried): ${result.reason}`);
        return;
      }
      if (ctx.aborted()) break;
      // Once per batch: a remote that stays down keeps the shard on this batch, so this is once per outage.
      if (attempt === 0) log.warn(`remote write ${name}: sending ${n} samples failed, retrying with backoff: ${result.reason}`);
      counters.retries++;
      await until(ctx.aborted, result.retryAfterMs ?? backoffMs);
      if (ctx.aborted()) break;
      backoffMs = Math.min(backoffMs * 2, ctx.queue.maxBackoffMs);
    }
    counters.samplesDropped.shutdown += n;
  }

  async function loop(): Promise<void> {
    const max = ctx.queue.maxSamplesPerSend;
    while (!ctx.aborted()) {
      if (queue.length === 0) {
        if (ctx.closing()) return;
        await until(() => queue.length > 0 || ctx.closing() || ctx.aborted());
        continue;
      }
      if (queue.length < max && !ctx.closing()) {
        await until(() => queue.length >= max || ctx.closing() || ctx.aborted(), ctx.queue.batchSendDeadlineMs);
        if (ctx.aborted()) return;
      }
      await send(queue.take(max));
    }
  }

  return { queue, poke: () => waiter?.(), done: loop() };
}

/** Groups a batch by series, each series' samples in timestamp order (remote write 1.0, "Ordering"). */
function bySeries(batch: readonly QueuedSample[]): OutgoingSeries[] {
  const groups = new Map<string, { labels: QueuedSample['labels']; samples: QueuedSample[] }>();
  for (const s of batch) {
    let g = groups.get(s.key);
    if (!g) groups.set(s.key, (g = { labels: s.labels, samples: [] }));
    g.samples.push(s);
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, samples: g.samples.sort((a, b) => a.t - b.t) }));
}
