import type { CollectedSample } from '../../protocol/batch.ts';
import { labelsKey } from '../../protocol/labels.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import type { Queryable } from '../../promql/queryable.ts';
import type { Batcher } from '../buffer/batcher.ts';

export interface WindowLimits {
  /** Samples older than this (before the newest truncation time) are dropped. */
  readonly windowMs: number;
  /** Series held at most; samples of further new series are refused and counted. */
  readonly maxSeries: number;
}

export interface LocalWindow extends Queryable {
  append(samples: readonly CollectedSample[]): void;
  /** Drops samples older than `now - windowMs` and series left without samples. */
  truncate(now: number): void;
  setLimits(limits: WindowLimits): void;
  readonly series: number;
  /** Samples refused because the window already held maxSeries series, since start. */
  readonly refusedSamples: number;
}

/**
 * The agent's recent samples in memory, for edge rules: bounded in time (windowMs) and in series (maxSeries), so
 * its size follows what the rules need rather than what the agent has collected.
 */
export function localWindow(initial: WindowLimits): LocalWindow {
  let limits = initial;
  const storage = memoryStorage();
  const known = new Set<string>();
  let refused = 0;

  const keyOf = (labels: CollectedSample['labels']) => labelsKey(Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== '')));

  return {
    append(samples) {
      for (const s of samples) {
        const key = keyOf(s.labels);
        if (!known.has(key)) {
          if (known.size >= limits.maxSeries) {
            refused++;
            continue;
          }
          known.add(key);
        }
        storage.append(s.labels, s.t, s.v, s.stale === true);
      }
    },
    truncate(now) {
      storage.truncateBefore(now - limits.windowMs);
      if (storage.seriesCount === known.size) return;
      known.clear();
      for (const labels of storage.seriesLabels()) known.add(labelsKey(labels));
    },
    setLimits(next) {
      limits = next;
    },
    get series() {
      return known.size;
    },
    get refusedSamples() {
      return refused;
    },
    select: (matchers, mint, maxt) => storage.select(matchers, mint, maxt),
  };
}

/** A batcher that also feeds the window: every sample the agent ships, the edge rules can read. */
export function teeToWindow(batcher: Batcher, window: Pick<LocalWindow, 'append'>): Batcher {
  return {
    add(samples, metadata) {
      window.append(samples);
      batcher.add(samples, metadata);
    },
    flush: () => batcher.flush(),
  };
}
