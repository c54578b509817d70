import type { Batch, Sample } from '../../protocol/batch.ts';
import type { Labels } from '../../protocol/labels.ts';
import type { Matcher } from '../../promql/matcher.ts';
import type { Queryable } from '../../promql/queryable.ts';

export interface AppendOutcome {
  /** `duplicate`: this (agent, seq) was stored before; nothing was written again. */
  readonly status: 'stored' | 'duplicate';
  /** Samples written. */
  readonly samples: number;
  readonly newSeries: number;
  /** Samples older than the out-of-order window: refused and counted, as Prometheus' out-of-bounds samples. */
  readonly tooOld: number;
  /** Samples of new series refused because their source reached its series limit. */
  readonly seriesLimited: number;
}

/** A time span for the metadata queries, both ends included, in ms (Prometheus' Querier(mint, maxt)). */
export interface TimeRange {
  readonly mint: number;
  readonly maxt: number;
}

/**
 * The aggregator's storage contract. `appendBatch` resolves only once the batch and its (agent, seq) dedupe
 * record are durable together, in one commit: the ack sent after it may safely let the agent forget the batch.
 */
export interface Storage extends Queryable {
  appendBatch(batch: Batch): Promise<AppendOutcome>;
  /**
   * Samples from a source that does not number its batches (remote_write): durable when it resolves, no dedupe.
   * `source` names the sender for the per-source series limit. Sample.series indexes `series`.
   */
  appendSamples(source: string, series: readonly Labels[], samples: readonly Sample[]): Promise<AppendOutcome>;
  /** Whether this (agent, seq) was stored: the dedupe record that makes resends harmless. */
  hasBatch(agent: string, seq: number): boolean;
  /**
   * Label sets of series matching any of the selectors (all series when none are given) that have a sample, a
   * staleness marker included, in `range` (any time when it is absent); sorted by labels, each once.
   */
  series(selectors: readonly (readonly Matcher[])[], range?: TimeRange): Labels[];
  /** Label names over the series `series()` would return, sorted. */
  labelNames(selectors: readonly (readonly Matcher[])[], range?: TimeRange): string[];
  /** Values of one label over the series `series()` would return, sorted, the empty value left out. */
  labelValues(name: string, selectors: readonly (readonly Matcher[])[], range?: TimeRange): string[];
  close(): Promise<void>;
}
