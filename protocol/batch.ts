import { labelsKey, type Labels } from './labels.ts';
import type { MetricMetadata } from './metadata.ts';
import type { RuleSnapshot } from './rules.ts';

/** The only batch version this build writes and reads. See protocol/README.md for the upgrade rule. */
export const BATCH_VERSION = 1;

/**
 * One sample as the agent collected it. Staleness is a flag, never a NaN payload: JavaScript does not preserve NaN
 * bit patterns reliably, so Prometheus' stale marker is carried explicitly and rebuilt only where a peer needs it.
 */
export interface Sample {
  /** Index into the batch's series table. */
  readonly series: number;
  /** Milliseconds since the Unix epoch. */
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

/** A batch as the agent builds it and the aggregator reads it, in memory. */
export interface Batch {
  readonly version: number;
  readonly agent: string;
  /** Monotonic per agent, across agent restarts; the aggregator dedupes on (agent, seq). */
  readonly seq: number;
  readonly series: readonly Labels[];
  readonly samples: readonly Sample[];
  /**
   * TYPE/HELP/UNIT of some families, absent when the batch carries none: an agent sends an entry when it first
   * sees it and then only every few minutes, not in every batch (protocol/README.md).
   */
  readonly metadata?: readonly MetricMetadata[];
  /** The agent's rule groups and their alerts (protocol/README.md, "Rules and alerts"); absent in most batches. */
  readonly rules?: RuleSnapshot;
}

/** One collected value before it is put in a batch: the shape collectors and scrapers produce. */
export interface CollectedSample {
  readonly labels: Labels;
  readonly v: number;
  readonly t: number;
  readonly stale?: boolean;
}

/** Builds the series table so that each label set appears once per batch. */
export function buildBatch(
  agent: string,
  seq: number,
  collected: readonly CollectedSample[],
  metadata: readonly MetricMetadata[] = [],
  rules?: RuleSnapshot,
): Batch {
  const index = new Map<string, number>();
  const series: Labels[] = [];
  const samples: Sample[] = [];
  for (const c of collected) {
    // Canonical key: the same label set written in another key order is still the same series.
    const key = labelsKey(c.labels);
    let i = index.get(key);
    if (i === undefined) {
      i = series.length;
      index.set(key, i);
      series.push(c.labels);
    }
    samples.push({ series: i, t: c.t, v: c.v, stale: c.stale === true });
  }
  const batch: Batch = { version: BATCH_VERSION, agent, seq, series, samples };
  return { ...batch, ...(metadata.length > 0 ? { metadata } : {}), ...(rules ? { rules } : {}) };
}
