import type { CollectedSample } from '../../protocol/batch.ts';
import { metadataKey, type MetricMetadata } from '../../protocol/metadata.ts';

export interface BatcherOptions {
  /** Samples arriving within this window share one batch (one LMDB commit, one MQTT message). */
  readonly delayMs: number;
  /** A batch is cut early at this size, keeping each message well under the broker's limits. */
  readonly maxSamples: number;
  /** A batch is also cut at this many metadata entries; the rest rides with the next one. */
  readonly maxMetadata?: number;
  /** An entry already sent goes out again after this long, so an aggregator that lost it catches up. */
  readonly metadataRefreshMs?: number;
  readonly now?: () => number;
  /** Commits one batch; resolves once it is durable. */
  readonly write: (samples: CollectedSample[], metadata: MetricMetadata[]) => Promise<void>;
  readonly onError: (err: Error, samples: number) => void;
}

export const DEFAULT_METADATA_REFRESH_MS = 10 * 60_000;
/** With help texts at the wire bound this keeps a batch's metadata to a few MiB, under the payload bound. */
export const DEFAULT_MAX_METADATA = 1_000;

export interface Batcher {
  /** Queues samples; `metadata` describes their families and is sent only when new, changed or due again. */
  add(samples: readonly CollectedSample[], metadata?: readonly MetricMetadata[]): void;
  /** Writes whatever is pending now and waits for every write so far. */
  flush(): Promise<void>;
}

/**
 * Coalesces samples from every collector and scrape into batches, written one at a time in order. Metadata goes
 * out with the first batch after start, when an entry changes (a changed entry is a new one), and once per refresh
 * interval otherwise: collectors hand it over on every run, but most batches carry none of it.
 */
export function createBatcher(opts: BatcherOptions): Batcher {
  const { maxMetadata = DEFAULT_MAX_METADATA, metadataRefreshMs = DEFAULT_METADATA_REFRESH_MS, now = Date.now } = opts;
  let pending: CollectedSample[] = [];
  let pendingMeta = new Map<string, MetricMetadata>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  // When each entry last went into a batch. Entries sent a full interval ago are due anyway, so dropping them
  // changes nothing and keeps this map to what collectors and targets said recently.
  const sentAt = new Map<string, number>();
  let prunedAt = now();

  const cut = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 && pendingMeta.size === 0) return writing;
    const samples = pending;
    const meta = pendingMeta;
    pending = [];
    pendingMeta = new Map();
    const t = now();
    for (const key of meta.keys()) sentAt.set(key, t);
    writing = writing
      .then(() => opts.write(samples, [...meta.values()]))
      .catch((err: Error) => {
        // Never queued: let the next batch carry these entries rather than wait for the refresh.
        for (const key of meta.keys()) if (sentAt.get(key) === t) sentAt.delete(key);
        opts.onError(err, samples.length);
      });
    return writing;
  };

  const addMetadata = (metadata: readonly MetricMetadata[], t: number) => {
    for (const m of metadata) {
      const key = metadataKey(m);
      const sent = sentAt.get(key);
      if (pendingMeta.has(key) || (sent !== undefined && t - sent < metadataRefreshMs)) continue;
      pendingMeta.set(key, m);
      if (pendingMeta.size >= maxMetadata) void cut();
    }
    if (t - prunedAt >= metadataRefreshMs) {
      prunedAt = t;
      for (const [key, sent] of sentAt) if (t - sent >= metadataRefreshMs) sentAt.delete(key);
    }
  };

  return {
    add(samples, metadata = []) {
      // Metadata first, so that it travels in the same batch as the first of its samples.
      addMetadata(metadata, now());
      for (const s of samples) {
        pending.push(s);
        if (pending.length >= opts.maxSamples) void cut();
      }
      if ((pending.length > 0 || pendingMeta.size > 0) && timer === undefined) timer = setTimeout(() => void cut(), opts.delayMs);
    },
    flush: cut,
  };
}
