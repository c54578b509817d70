import type { Sample } from '../../protocol/batch.ts';
import { labelsKey, type Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import { formatDurationMs } from '../../promql/duration.ts';
import { createRemoteClient } from './remote-client.ts';
import type { RemoteWriteConfig } from './sender-config.ts';
import { REAL_TIMERS, startShard, type SenderCounters, type Shard, type Timers } from './shard.ts';

export interface RemoteWriteSender {
  readonly name: string;
  readonly counters: Readonly<SenderCounters>;
  /** Queues what was just stored; never blocks and never throws (a full queue drops its oldest samples). */
  append(series: readonly Labels[], samples: readonly Sample[]): void;
  /** Sends what is queued, for at most `flushDeadlineMs`; what is left then is dropped and counted. */
  close(flushDeadlineMs: number): Promise<void>;
}

export interface SenderDeps {
  readonly log: Logger;
  /** `Outpost/<version>`: remote write 1.0 requires a User-Agent naming the sender. */
  readonly userAgent: string;
  readonly timers?: Timers;
  readonly fetch?: typeof fetch;
}

/**
 * Forwards samples to one remote_write endpoint. In memory only: samples queued or in flight when the process
 * stops (past the flush deadline) or crashes are not sent after a restart.
 */
export function startRemoteWriteSender(config: RemoteWriteConfig, deps: SenderDeps): RemoteWriteSender {
  const { log } = deps;
  const { name, queue: queueConfig } = config;
  const timers = deps.timers ?? REAL_TIMERS;
  const counters: SenderCounters = {
    samplesQueued: 0,
    samplesSent: 0,
    samplesDropped: { queueFull: 0, rejected: 0, shutdown: 0 },
    requestsSucceeded: 0,
    requestsFailed: 0,
    retries: 0,
  };
  let closing = false;
  let aborted = false;
  const abort = new AbortController();
  /** Samples dropped for a full queue since the episode began; 0 outside an episode. */
  let episodeDrops = 0;

  const shards: Shard[] = [];
  const ctx = {
    name,
    queue: queueConfig,
    client: createRemoteClient(config, { userAgent: deps.userAgent, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
    counters,
    log,
    timers,
    closing: () => closing,
    aborted: () => aborted,
    abortSignal: abort.signal,
    delivered() {
      // The episode ends once every queue has drained to half: a remote that keeps up again.
      if (episodeDrops === 0 || shards.some((s) => s.queue.length > queueConfig.capacity / 2)) return;
      log.info(`remote write ${name}: the queue has room again; ${episodeDrops} oldest samples were dropped while it was full`);
      episodeDrops = 0;
    },
  };
  for (let i = 0; i < queueConfig.maxShards; i++) shards.push(startShard(ctx));

  return {
    name,
    counters,
    append(series, samples) {
      if (closing) {
        counters.samplesDropped.shutdown += samples.length;
        return;
      }
      const keys = series.map(labelsKey);
      const touched = new Set<Shard>();
      for (const s of samples) {
        const key = keys[s.series] as string;
        const shard = shards[shards.length === 1 ? 0 : fnv1a(key) % shards.length] as Shard;
        counters.samplesQueued++;
        if (shard.queue.push({ labels: series[s.series] as Labels, key, t: s.t, v: s.v, stale: s.stale })) {
          counters.samplesDropped.queueFull++;
          if (episodeDrops++ === 0) {
            log.warn(`remote write ${name}: queue full (${queueConfig.capacity} samples per shard), dropping the oldest samples until the remote keeps up`);
          }
        }
        touched.add(shard);
      }
      for (const shard of touched) shard.poke();
    },
    async close(flushDeadlineMs) {
      closing = true;
      const timer = timers.setTimeout(() => {
        aborted = true;
        abort.abort();
        for (const s of shards) s.poke();
      }, flushDeadlineMs);
      for (const s of shards) s.poke();
      await Promise.all(shards.map((s) => s.done));
      timers.clearTimeout(timer);
      counters.samplesDropped.shutdown += shards.reduce((n, s) => n + s.queue.length, 0);
      if (counters.samplesDropped.shutdown > 0) {
        log.warn(`remote write ${name}: ${counters.samplesDropped.shutdown} samples not sent within the flush deadline (${formatDurationMs(flushDeadlineMs)}) were dropped`);
      }
    },
  };
}

/** FNV-1a: a cheap, stable hash that spreads series over shards. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
