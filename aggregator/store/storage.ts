import type { Batch } from '../../protocol/batch.ts';
import type { Matcher } from '../../promql/matcher.ts';
import type { Queryable } from '../../promql/queryable.ts';

export interface AppendOutcome {
  /** `duplicate`: this (agent, seq) was stored before; nothing was written again. */
  readonly status: 'stored' | 'duplicate';
  readonly samples: number;
  readonly newSeries: number;
}

/**
 * The aggregator's storage contract. `appendBatch` resolves only once the batch and its (agent, seq) dedupe
 * record are durable together, in one commit: the ack sent after it may safely let the agent forget the batch.
 */
export interface Storage extends Queryable {
  appendBatch(batch: Batch): Promise<AppendOutcome>;
  /** Whether this (agent, seq) was stored: the dedupe record that makes resends harmless. */
  hasBatch(agent: string, seq: number): boolean;
  /** Label names of series matching any of the selectors (all series when none are given), sorted. */
  labelNames(selectors: readonly (readonly Matcher[])[]): string[];
  /** Values of one label over series matching any of the selectors, sorted. */
  labelValues(name: string, selectors: readonly (readonly Matcher[])[]): string[];
  close(): Promise<void>;
}
