import type { CollectedSample } from '../../protocol/batch.ts';

export interface BatcherOptions {
  /** Samples arriving within this window share one batch (one LMDB commit, one MQTT message). */
  readonly delayMs: number;
  /** A batch is cut early at this size, keeping each message well under the broker's limits. */
  readonly maxSamples: number;
  /** Commits one batch; resolves once it is durable. */
  readonly write: (samples: CollectedSample[]) => Promise<void>;
  readonly onError: (err: Error, samples: number) => void;
}

export interface Batcher {
  add(samples: readonly CollectedSample[]): void;
  /** Writes whatever is pending now and waits for every write so far. */
  flush(): Promise<void>;
}

/** Coalesces samples from every collector and scrape into batches, written one at a time in order. */
export function createBatcher(opts: BatcherOptions): Batcher {
  let pending: CollectedSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const cut = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return writing;
    const samples = pending;
    pending = [];
    writing = writing.then(() => opts.write(samples)).catch((err: Error) => opts.onError(err, samples.length));
    return writing;
  };

  return {
    add(samples) {
      for (const s of samples) {
        pending.push(s);
        if (pending.length >= opts.maxSamples) void cut();
      }
      if (pending.length > 0 && timer === undefined) timer = setTimeout(() => void cut(), opts.delayMs);
    },
    flush: cut,
  };
}
