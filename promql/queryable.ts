import type { Labels } from '../protocol/labels.ts';
import type { Matcher } from './matcher.ts';
import type { StoredSample } from './value.ts';

export interface SelectedSeries {
  readonly labels: Labels;
  /** Samples with mint < t <= maxt, in ascending time order, at most one per timestamp. */
  readonly samples: readonly StoredSample[];
}

/** What the engine needs from storage: the aggregator's TSDB and the agent's local window both provide it. */
export interface Queryable {
  select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries>;
}
